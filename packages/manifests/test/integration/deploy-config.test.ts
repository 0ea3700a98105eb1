import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ControlPlane } from '@spoke/envtest';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { repoRoot } from '../support/repo-root.js';
import { kubectl, kubectlOk, runCommand } from '../support/run-command.js';

const namespace = 'memcached-operator-system';
const serviceAccount = 'memcached-operator-controller-manager';

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
  const scratch = mkdtempSync(join(tmpdir(), 'deploy-config-'));

  before(async () => {
    env = await ControlPlane.start({ nodes: 0 });
    admin = env.kubeconfigPath;
  });

  after(async () => {
    await env.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('renders with kubectl kustomize: the prefixed, namespaced manager, its RBAC and the CRD', async () => {
    const objects = await render('config/default');
    const ids = objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`).sort();
    assert.deepEqual(ids, [
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
      `Namespace//${namespace}`,
      `Role/${namespace}/memcached-operator-leader-election-role`,
      `RoleBinding/${namespace}/memcached-operator-leader-election-rolebinding`,
      `Service/${namespace}/memcached-operator-controller-manager-metrics-service`,
      `ServiceAccount/${namespace}/${serviceAccount}`,
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
    ]);
    assert.deepEqual(container.securityContext, {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      readOnlyRootFilesystem: true,
    });
    // The metrics Service leads to that port, https, on the manager's pods.
    const service = objects.find((o) => o.kind === 'Service');
    const serviceSpec = service?.['spec'] as { ports: unknown[]; selector: object };
    assert.deepEqual(serviceSpec.ports, [{ name: 'https', port: 8443, protocol: 'TCP', targetPort: 8443 }]);
    assert.deepEqual({ ...template.metadata.labels, ...serviceSpec.selector }, template.metadata.labels);
    assert.deepEqual(container.livenessProbe?.httpGet, { path: '/healthz', port: 8081 });
    assert.deepEqual(container.readinessProbe?.httpGet, { path: '/readyz', port: 8081 });
    assert.ok(container.resources?.requests?.memory && container.resources.limits?.memory);
    assert.ok(container.resources.requests.cpu && container.resources.limits.cpu);
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
      await kubectlOk(admin, ['get', 'memcached', 'sessions', '-n', 'default', '-o', 'yaml']),
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
