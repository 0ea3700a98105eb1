import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ControlPlane, freePorts, waitFor } from '@spoke/envtest';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { repoRoot } from '../support/repo-root.js';
import { kubectl, kubectlOk, runCommand } from '../support/run-command.js';
import {
  installCertManagerCrds,
  routeServiceToLoopback,
  standInForCertManager,
} from '../support/stand-in-cert-manager.js';

const namespace = 'memcached-operator-system';
const serviceAccount = 'memcached-operator-controller-manager';
const managerMain = join(repoRoot, 'examples/memcached-operator/dist/src/main.js');
const webhookService = { namespace, name: 'memcached-operator-webhook-service' };

interface RenderedObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  [field: string]: unknown;
}

/** `kubectl kustomize <dir>`, parsed. */
async function render(dir: string): Promise<RenderedObject[]> {
  const result = await runCommand('kubectl', ['kustomize', dir], { cwd: repoRoot });
  assert.equal(result.code, 0, result.stderr);
  return parseAllDocuments(result.stdout).map((doc) => doc.toJS() as RenderedObject);
}

describe('config/default on a real API server', () => {
  let env: ControlPlane;
  let admin: string;
  let manager: string;
  let managerProcess: ChildProcess | undefined;
  let managerOutput = '';
  const scratch = mkdtempSync(join(tmpdir(), 'deploy-config-'));

  before(async () => {
    env = await ControlPlane.start({ nodes: 0 });
    admin = env.kubeconfigPath;
    // config/default's Certificate and Issuer need cert-manager's kinds (see support/stand-in-cert-manager.ts).
    await installCertManagerCrds(admin);
  });

  after(async () => {
    const child = managerProcess;
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await env.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('renders with kubectl kustomize: the prefixed, namespaced manager, its RBAC, the CRD and the webhook wiring', async () => {
    const objects = await render('config/default');
    const ids = objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`).sort();
    assert.deepEqual(ids, [
      `Certificate/${namespace}/memcached-operator-serving-cert`,
      'ClusterRole//memcached-operator-manager-role',
      'ClusterRole//memcached-operator-memcached-admin-role',
      'ClusterRole//memcached-operator-memcached-editor-role',
      'ClusterRole//memcached-operator-memcached-viewer-role',
      'ClusterRole//memcached-operator-metrics-auth-role',
      'ClusterRole//memcached-operator-metrics-reader',
      'ClusterRoleBinding//memcached-operator-manager-rolebinding',
      'ClusterRoleBinding//memcached-operator-metrics-auth-rolebinding',
      'CustomResourceDefinition//memcacheds.cache.spoke.dev',
      `Deployment/${namespace}/memcached-operator-controller-manager`,
      `Issuer/${namespace}/memcached-operator-selfsigned-issuer`,
      'MutatingWebhookConfiguration//memcached-operator-mutating-webhook-configuration',
      `Namespace//${namespace}`,
      `Role/${namespace}/memcached-operator-leader-election-role`,
      `RoleBinding/${namespace}/memcached-operator-leader-election-rolebinding`,
      `Service/${namespace}/memcached-operator-controller-manager-metrics-service`,
      `Service/${namespace}/memcached-operator-webhook-service`,
      `ServiceAccount/${namespace}/${serviceAccount}`,
      'ValidatingWebhookConfiguration//memcached-operator-validating-webhook-configuration',
    ]);
    const binding = objects.find((o) => o.metadata.name === 'memcached-operator-manager-rolebinding');
    assert.deepEqual(binding?.['roleRef'], {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: 'memcached-operator-manager-role',
    });
    assert.deepEqual(binding['subjects'], [{ kind: 'ServiceAccount', name: serviceAccount, namespace }]);
  });

  it('renders a locked-down manager: non-root, read-only root, no capabilities, probes on :8081, metrics never open', async () => {
    const objects = await render('config/default');
    const deployment = objects.find((o) => o.kind === 'Deployment');
    const template = (deployment?.['spec'] as { template: { metadata: { labels: object }; spec: PodSpec } })
      .template;
    const pod = template.spec;
    assert.deepEqual(pod.securityContext, { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    assert.equal(pod.serviceAccountName, serviceAccount);
    const [container] = pod.containers;
    assert.ok(container);
    assert.equal(container.image, 'controller:latest');
    // /metrics over HTTPS on :8443, each scraper authenticated (TokenReview) and authorized (SubjectAccessReview).
    assert.deepEqual(container.args, [
      '--metrics-bind-address=:8443',
      '--metrics-secure',
      '--leader-elect',
      '--health-probe-bind-address=:8081',
      '--webhook-cert-path=/tmp/k8s-webhook-server/serving-certs',
    ]);
    assert.deepEqual(container.securityContext, {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      readOnlyRootFilesystem: true,
    });
    // The metrics Service leads to that port, https, on the manager's pods.
    const service = objects.find((o) => o.metadata.name.endsWith('-metrics-service'));
    const serviceSpec = service?.['spec'] as { ports: unknown[]; selector: object };
    assert.deepEqual(serviceSpec.ports, [{ name: 'https', port: 8443, protocol: 'TCP', targetPort: 8443 }]);
    assert.deepEqual({ ...template.metadata.labels, ...serviceSpec.selector }, template.metadata.labels);
    assert.deepEqual(container.livenessProbe?.httpGet, { path: '/healthz', port: 8081 });
    assert.deepEqual(container.readinessProbe?.httpGet, { path: '/readyz', port: 8081 });
    assert.ok(container.resources?.requests?.memory && container.resources.limits?.memory);
    assert.ok(container.resources.requests.cpu && container.resources.limits.cpu);
  });

  it("wires the webhooks as kubebuilder v4: the Service to the manager's :9443, cert-manager's certificate for its DNS names, mounted where --webhook-cert-path says, and the CA injected into every caller", async () => {
    const objects = await render('config/default');
    const byKind = (kind: string): RenderedObject[] => objects.filter((o) => o.kind === kind);
    const deployment = byKind('Deployment')[0] as unknown as {
      spec: { template: { metadata: { labels: Record<string, string> }; spec: WebhookPodSpec } };
    };
    const pod = deployment.spec.template.spec;
    const [container] = pod.containers;
    const webhookPort = container?.ports?.find((p) => p.name === 'webhook-server');
    assert.deepEqual(webhookPort, { containerPort: 9443, name: 'webhook-server', protocol: 'TCP' });
    const service = objects.find((o) => o.metadata.name === webhookService.name);
    const serviceSpec = service?.['spec'] as {
      ports: { port: number; targetPort: number }[];
      selector: object;
    };
    assert.equal(service?.metadata.namespace, namespace);
    assert.deepEqual(serviceSpec.ports, [{ port: 443, protocol: 'TCP', targetPort: 9443 }]);
    const labels = deployment.spec.template.metadata.labels;
    assert.deepEqual({ ...labels, ...serviceSpec.selector }, labels);

    const [certificate] = byKind('Certificate');
    const certSpec = certificate?.['spec'] as {
      dnsNames: string[];
      secretName: string;
      issuerRef: { name: string };
    };
    assert.deepEqual(certSpec.dnsNames, [
      `${webhookService.name}.${namespace}.svc`,
      `${webhookService.name}.${namespace}.svc.cluster.local`,
    ]);
    assert.equal(certSpec.issuerRef.name, byKind('Issuer')[0]?.metadata.name);
    const volume = pod.volumes?.find((v) => v.secret?.secretName === certSpec.secretName);
    assert.ok(volume, `no volume of Secret ${certSpec.secretName}`);
    const mount = container?.volumeMounts?.find((m) => m.name === volume.name);
    assert.ok(container?.args?.includes(`--webhook-cert-path=${mount?.mountPath ?? '?'}`));

    const inject = `${namespace}/${certificate?.metadata.name ?? '?'}`;
    const callers = [
      ...byKind('MutatingWebhookConfiguration'),
      ...byKind('ValidatingWebhookConfiguration'),
      ...byKind('CustomResourceDefinition'),
    ];
    assert.equal(callers.length, 3);
    for (const caller of callers) {
      const annotations = (caller.metadata as { annotations?: Record<string, string> }).annotations;
      assert.equal(annotations?.['cert-manager.io/inject-ca-from'], inject, caller.kind);
      const configs =
        caller.kind === 'CustomResourceDefinition'
          ? [
              (caller['spec'] as { conversion: { webhook: { clientConfig: unknown } } }).conversion.webhook
                .clientConfig,
            ]
          : (caller['webhooks'] as { clientConfig: unknown }[]).map((w) => w.clientConfig);
      for (const config of configs) {
        const { service: called } = config as { service: { name: string; namespace: string; path: string } };
        assert.equal(called.name, webhookService.name, caller.kind);
        assert.equal(called.namespace, namespace, caller.kind);
      }
    }
  });

  it('renders the optional prometheus and network-policy components', async () => {
    const [monitor] = await render('config/prometheus');
    assert.equal(monitor?.kind, 'ServiceMonitor');
    const [policy] = await render('config/network-policy');
    assert.equal(policy?.kind, 'NetworkPolicy');
  });

  it('applies with kubectl apply --server-side -k: CRD Established, RBAC present, manager Deployment created', async () => {
    await kubectlOk(admin, ['apply', '--server-side', '-k', 'config/default'], { cwd: repoRoot });
    await kubectlOk(admin, [
      'wait',
      '--for=condition=Established',
      '--timeout=60s',
      'crd/memcacheds.cache.spoke.dev',
    ]);
    await kubectlOk(admin, [
      'get',
      'clusterrole/memcached-operator-manager-role',
      'clusterrolebinding/memcached-operator-manager-rolebinding',
      'clusterrole/memcached-operator-metrics-auth-role',
      'clusterrolebinding/memcached-operator-metrics-auth-rolebinding',
      'clusterrole/memcached-operator-metrics-reader',
    ]);
    await kubectlOk(admin, [
      'get',
      '-n',
      namespace,
      `serviceaccount/${serviceAccount}`,
      'role/memcached-operator-leader-election-role',
      'rolebinding/memcached-operator-leader-election-rolebinding',
      'deployment/memcached-operator-controller-manager',
    ]);
    // The ServiceAccount exists now: a kubeconfig with its token is the manager's identity in the cluster.
    manager = join(scratch, 'manager.kubeconfig');
    writeFileSync(manager, (await env.serviceAccountKubeConfig(namespace, serviceAccount)).exportConfig());
  });

  it("serves the manager's webhooks as deployed: the API server converts, defaults and validates through them", async () => {
    // cert-manager's part: the serving Secret for the Certificate's DNS names and the CA in every caBundle...
    const issued = await standInForCertManager(admin, namespace, 'memcached-operator-serving-cert', scratch);
    assert.equal(issued.secretName, 'webhook-server-cert');
    const secret = JSON.parse(
      await kubectlOk(admin, ['get', 'secret', issued.secretName, '-n', namespace, '-o', 'json']),
    ) as { data: Record<string, string> };
    assert.deepEqual(Object.keys(secret.data).sort(), ['ca.crt', 'tls.crt', 'tls.key']);
    // ...and the pod network's: the manager runs here, with the Deployment's args, the Secret's files where its volume
    // would mount them, and the Service's callers pointed at it.
    const { webhook: port, probe } = await freePorts(['webhook', 'probe']);
    assert.equal(await routeServiceToLoopback(admin, webhookService, port), 3);
    const deploymentArgs =
      (
        (await render('config/default')).find((o) => o.kind === 'Deployment')?.['spec'] as {
          template: { spec: PodSpec };
        }
      ).template.spec.containers[0]?.args ?? [];
    const args = deploymentArgs.map((arg) =>
      arg
        .replace(/^--metrics-bind-address=.*/, '--metrics-bind-address=0')
        .replace(/^--health-probe-bind-address=.*/, `--health-probe-bind-address=127.0.0.1:${probe}`)
        .replace(/^--webhook-cert-path=.*/, `--webhook-cert-path=${issued.certDir}`),
    );
    managerProcess = spawn(
      process.execPath,
      [managerMain, ...args, `--kubeconfig=${manager}`, `--webhook-port=${port}`, '--webhook-host=127.0.0.1'],
      { env: { ...process.env, POD_NAMESPACE: namespace }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    for (const stream of [managerProcess.stdout, managerProcess.stderr])
      stream?.setEncoding('utf8').on('data', (chunk: string) => (managerOutput += chunk));
    await waitFor(async () => (await fetch(`http://127.0.0.1:${probe}/readyz`)).status === 200, {
      description: `the manager's /readyz (webhook server included) to answer 200`,
      timeoutMs: 60_000,
      intervalMs: 200,
      abortReason: () =>
        managerProcess?.exitCode === null ? undefined : new Error(`the manager exited:\n${managerOutput}`),
    });

    // Conversion: a v1alpha1 object is stored and read back in v1beta1. Retried until accepted: the API server loads
    // the re-pointed configurations from its informers a moment after the patches.
    const wired = stringify(memcached('wired', { replicas: 10, proxy: { engine: 'Twemproxy' } }));
    await waitFor(
      async () => (await kubectl(admin, ['apply', '--server-side', '-f', '-'], { input: wired })).code === 0,
      {
        description: 'Memcached wired to be accepted through the webhooks',
        timeoutMs: 30_000,
        intervalMs: 250,
      },
    );
    const v1beta1 = parse(
      await kubectlOk(admin, [
        'get',
        'memcacheds.v1beta1.cache.spoke.dev',
        'wired',
        '-n',
        'default',
        '-o',
        'yaml',
      ]),
    ) as { spec: { servers: { replicas: number }; proxy: { image?: string } } };
    assert.equal(v1beta1.spec.servers.replicas, 10);
    // Defaulting: the pinned Twemproxy image.
    assert.match(v1beta1.spec.proxy.image ?? '', /^ghcr\.io\/twitter\/twemproxy:/);
    // Validation: a scale-down of more than half is denied with the webhook's message.
    // In v1alpha1 (kubectl's `memcached` is v1beta1 now, the preferred version): the validator sees it converted.
    const shrink = await kubectl(admin, [
      'patch',
      'memcacheds.v1alpha1.cache.spoke.dev/wired',
      '-n',
      'default',
      '--type=merge',
      '-p',
      '{"spec":{"replicas":2}}',
    ]);
    assert.notEqual(shrink.code, 0);
    assert.match(
      shrink.stderr,
      /admission webhook "vmemcached-v1beta1\.cache\.spoke\.dev" denied the request: scaling the servers from 10 to 2/,
    );
    await kubectlOk(admin, ['delete', 'memcached', 'wired', '-n', 'default']);
  });

  it("grants the manager's identity what its controllers declare", async () => {
    const allowed: [string, ...string[]][] = [
      ['list', 'memcacheds.cache.spoke.dev', '--all-namespaces'],
      ['watch', 'memcacheds.cache.spoke.dev', '--all-namespaces'],
      ['patch', 'memcacheds.cache.spoke.dev', '--subresource=status', '-n', 'default'],
      ['update', 'memcacheds.cache.spoke.dev', '--subresource=finalizers', '-n', 'default'],
      ['create', 'statefulsets.apps', '-n', 'default'],
      ['delete', 'deployments.apps', '-n', 'default'],
      ['create', 'configmaps', '-n', 'default'],
      ['patch', 'services', '-n', 'default'],
      ['watch', 'endpointslices.discovery.k8s.io', '--all-namespaces'],
      ['list', 'replicasets.apps', '--all-namespaces'],
      ['create', 'events.events.k8s.io', '-n', 'default'],
      ['create', 'events', '-n', 'default'],
      ['update', 'leases.coordination.k8s.io', '-n', namespace],
      ['create', 'tokenreviews.authentication.k8s.io'],
      ['create', 'subjectaccessreviews.authorization.k8s.io'],
    ];
    for (const check of allowed) {
      const result = await kubectl(manager, ['auth', 'can-i', ...check]);
      assert.equal(result.stdout.trim(), 'yes', `can-i ${check.join(' ')}: ${result.stdout}${result.stderr}`);
    }
  });

  it("refuses the manager's identity every write the role does not grant", async () => {
    const denied: [string, ...string[]][] = [
      ['create', 'secrets', '-n', 'default'],
      ['get', 'secrets', '-n', 'default'],
      ['delete', 'memcacheds.cache.spoke.dev', '-n', 'default'],
      ['update', 'memcacheds.cache.spoke.dev', '-n', 'default'],
      ['create', 'memcacheds.cache.spoke.dev', '-n', 'default'],
      ['create', 'pods', '-n', 'default'],
      ['update', 'endpointslices.discovery.k8s.io', '-n', 'default'],
      ['delete', 'replicasets.apps', '-n', 'default'],
      ['create', 'leases.coordination.k8s.io', '-n', 'default'],
      ['create', 'clusterroles.rbac.authorization.k8s.io'],
    ];
    for (const check of denied) {
      const result = await kubectl(manager, ['auth', 'can-i', ...check]);
      assert.equal(result.stdout.trim(), 'no', `can-i ${check.join(' ')}: ${result.stdout}${result.stderr}`);
    }
  });

  it('gets 403 Forbidden creating a Secret or deleting a Memcached as the manager', async () => {
    // -v=6 makes kubectl log each request with its HTTP status.
    const secret = await kubectl(manager, ['create', 'secret', 'generic', 'stolen', '-n', 'default', '-v=6']);
    assert.notEqual(secret.code, 0);
    assert.match(
      secret.stderr,
      /verb="POST" url="[^"]*\/api\/v1\/namespaces\/default\/secrets(\?[^"]*)?" status="403 Forbidden"/,
    );
    assert.match(
      secret.stderr,
      /forbidden: User "system:serviceaccount:.*" cannot create resource "secrets"/,
    );

    await kubectlOk(admin, ['apply', '--server-side', '-f', '-'], { input: stringify(memcached('victim')) });
    const deletion = await kubectl(manager, ['delete', 'memcached', 'victim', '-n', 'default', '-v=6']);
    assert.notEqual(deletion.code, 0);
    assert.match(
      deletion.stderr,
      /verb="DELETE" url="[^"]*\/namespaces\/default\/memcacheds\/victim(\?[^"]*)?" status="403 Forbidden"/,
    );
    assert.match(deletion.stderr, /cannot delete resource "memcacheds"/);
    await kubectlOk(admin, ['get', 'memcached', 'victim', '-n', 'default']);
    await kubectlOk(admin, ['delete', 'memcached', 'victim', '-n', 'default']);
  });

  it('accepts the samples and fills in the defaults', async () => {
    await kubectlOk(admin, ['apply', '--server-side', '-n', 'default', '-k', 'config/samples'], {
      cwd: repoRoot,
    });
    const sessions = parse(
      await kubectlOk(admin, [
        'get',
        'memcacheds.v1alpha1.cache.spoke.dev',
        'sessions',
        '-n',
        'default',
        '-o',
        'yaml',
      ]),
    ) as {
      spec: { image: string; proxy: { engine: string; replicas: number } };
    };
    assert.equal(sessions.spec.proxy.engine, 'Twemproxy');
    assert.match(sessions.spec.image, /^memcached:/);
    const names = await kubectlOk(admin, ['get', 'memcached', '-n', 'default', '-o', 'name']);
    assert.deepEqual(names.trim().split('\n').sort(), [
      'memcached.cache.spoke.dev/feature-flags',
      'memcached.cache.spoke.dev/pages',
      'memcached.cache.spoke.dev/sessions',
    ]);
  });

  it('rejects each bad variant of a sample with its validation message', async () => {
    const variants: [string, MemcachedObject, RegExp][] = [
      [
        'too many servers',
        memcached('bad-replicas', { replicas: 101 }),
        /spec\.replicas: Invalid value: 101: .*less than or equal to 100/,
      ],
      [
        'negative servers',
        memcached('bad-negative', { replicas: -1 }),
        /spec\.replicas: Invalid value: -1: .*greater than or equal to 0/,
      ],
      [
        'unknown topology',
        memcached('bad-topology', { topology: 'Ring' }),
        /spec\.topology: Unsupported value: "Ring": supported values: "Sharded", "Replicated"/,
      ],
      [
        'unknown engine',
        memcached('bad-engine', { proxy: { engine: 'Envoy' } }),
        /spec\.proxy\.engine: Unsupported value: "Envoy"/,
      ],
      [
        'no proxy',
        memcached('bad-proxy', { proxy: { replicas: 0 } }),
        /spec\.proxy\.replicas: Invalid value: 0: .*greater than or equal to 1/,
      ],
      [
        'too little memory',
        memcached('bad-memory', { memoryMB: 8 }),
        /spec\.memoryMB: Invalid value: 8: .*greater than or equal to 16/,
      ],
      [
        'empty image',
        memcached('bad-image', { image: '' }),
        /spec\.image: Invalid value: "": .*at least 1 chars long/,
      ],
      [
        'twemproxy cannot replicate',
        memcached('bad-replicated', { topology: 'Replicated', proxy: { engine: 'Twemproxy' } }),
        /spec\.topology: Invalid value: .*topology Replicated needs proxy\.engine Mcrouter: twemproxy cannot replicate writes to every server/,
      ],
      [
        'name too long for the StatefulSet',
        memcached('m'.repeat(53)),
        /metadata\.name must be at most 52 characters/,
      ],
    ];
    for (const [what, object, message] of variants) {
      const result = await kubectl(admin, ['apply', '--server-side', '-f', '-'], {
        input: stringify(object),
      });
      assert.notEqual(result.code, 0, `${what}: accepted`);
      assert.match(result.stderr, message, what);
      const name = object.metadata.name;
      const lookup = await kubectl(admin, ['get', 'memcached', name, '-n', 'default']);
      assert.notEqual(lookup.code, 0, `${what}: ${name} exists`);
    }
  });

  it('rejects switching the proxy engine of a Sharded Memcached with its message', async () => {
    const sessions = memcached('sessions', { topology: 'Sharded', proxy: { engine: 'Mcrouter' } });
    const result = await kubectl(admin, ['apply', '--server-side', '--force-conflicts', '-f', '-'], {
      input: stringify(sessions),
    });
    assert.notEqual(result.code, 0);
    assert.match(
      result.stderr,
      /spec\.proxy\.engine: Forbidden: proxy\.engine is immutable while the topology stays Sharded/,
    );
  });
});

interface WebhookPodSpec {
  containers: {
    args?: string[];
    ports?: { containerPort: number; name?: string; protocol?: string }[];
    volumeMounts?: { name: string; mountPath: string }[];
  }[];
  volumes?: { name: string; secret?: { secretName: string } }[];
}

interface PodSpec {
  securityContext?: unknown;
  serviceAccountName?: string;
  containers: {
    image: string;
    args?: string[];
    securityContext?: unknown;
    livenessProbe?: { httpGet?: unknown };
    readinessProbe?: { httpGet?: unknown };
    resources?: {
      requests?: { cpu?: string; memory?: string };
      limits?: { cpu?: string; memory?: string };
    };
  }[];
}

interface MemcachedObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string };
  spec: Record<string, unknown>;
}

/** A Memcached like the sharded twemproxy sample, with `spec` fields replaced. */
function memcached(name: string, spec: Record<string, unknown> = {}): MemcachedObject {
  return {
    apiVersion: 'cache.spoke.dev/v1alpha1',
    kind: 'Memcached',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas: 3,
      memoryMB: 64,
      topology: 'Sharded',
      proxy: { engine: 'Twemproxy', replicas: 2 },
      ...spec,
    },
  };
}
