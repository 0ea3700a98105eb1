import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { hostname } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ControlPlane, freePorts, waitFor } from '@spoke/envtest';
import { KubeClient, Lease, StatefulSet } from '@spoke/manager';
import { parse, parseAllDocuments } from 'yaml';
import { MemcachedKind } from '../../src/api/v1alpha1/memcached-kind.js';

const repo = new URL('../../../../../', import.meta.url);
const crdDir = fileURLToPath(new URL('config/crd/bases', repo));
const webhookDir = fileURLToPath(new URL('config/webhook', repo));
const managerMain = fileURLToPath(new URL('../../src/main.js', import.meta.url));

/**
 * The manager's args in a kubebuilder v4 project's default Deployment, verbatim and in order:
 * testdata/project-v4/config/manager/manager.yaml (`--leader-elect`, `--health-probe-bind-address=:8081`) with
 * config/default/manager_metrics_patch.yaml adding `--metrics-bind-address=:8443` at args/0, and
 * config/default/manager_webhook_patch.yaml adding `--webhook-cert-path` at the end.
 */
const kubebuilderArgs = [
  '--metrics-bind-address=:8443',
  '--leader-elect',
  '--health-probe-bind-address=:8081',
  '--webhook-cert-path=/tmp/k8s-webhook-server/serving-certs',
];

/** The Deployment's args as this repository's config/manager and config/default metrics and webhook patches make them. */
function repositoryArgs(): string[] {
  const deployment = parseAllDocuments(readFileSync(new URL('config/manager/manager.yaml', repo), 'utf8'))
    .map(
      (d) =>
        d.toJS() as { kind?: string; spec?: { template: { spec: { containers: { args: string[] }[] } } } },
    )
    .find((d) => d.kind === 'Deployment');
  const args = [...(deployment?.spec?.template.spec.containers[0]?.args ?? [])];
  const patch = ['manager_metrics_patch.yaml', 'manager_webhook_patch.yaml'].flatMap(
    (file) =>
      parse(readFileSync(new URL(`config/default/${file}`, repo), 'utf8')) as {
        op: string;
        path: string;
        value: unknown;
      }[],
  );
  for (const op of patch.filter((o) => o.path.includes('/args/'))) {
    const index = /\/containers\/0\/args\/(\d+|-)$/.exec(op.path)?.[1];
    assert.ok(op.op === 'add' && index !== undefined, `unexpected patch ${JSON.stringify(op)}`);
    args.splice(index === '-' ? args.length : Number(index), 0, String(op.value));
  }
  return args;
}

/** GET over HTTPS without credentials, not verifying the self-signed certificate: the status code. */
function unauthenticatedGet(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    request(url, { rejectUnauthorized: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    })
      .once('error', reject)
      .end();
  });
}

describe('the bundled manager started with kubebuilder v4’s default Deployment args', () => {
  let env: ControlPlane;
  let client: KubeClient;
  let manager: ChildProcess | undefined;
  let output = '';
  let urls: { metrics: string; readyz: string };

  before(async () => {
    // The API server calls the webhooks (and the conversion) on loopback, trusting envtest's serving certificate.
    env = await ControlPlane.start({ crdPaths: [crdDir], webhookInstallOptions: { paths: [webhookDir] } });
    const serving = env.webhookInstallOptions;
    assert.ok(serving);
    client = new KubeClient({ kubeConfig: env.kubeConfig });
    // Only the bind addresses and the certificate's directory move, to free loopback ports and envtest's serving
    // certificate (where cert-manager's Secret is mounted in a pod): the flags are spelled as kubebuilder spells them.
    const ports = await freePorts(['metrics', 'probe']);
    const args = [
      ...kubebuilderArgs.map((arg) =>
        arg
          .replace(/=:8443$/, `=127.0.0.1:${ports.metrics}`)
          .replace(/=:8081$/, `=127.0.0.1:${ports.probe}`)
          .replace(/^--webhook-cert-path=.*$/, `--webhook-cert-path=${serving.localServingCertDir}`),
      ),
      `--webhook-port=${serving.localServingPort}`,
      `--webhook-host=${serving.localServingHost}`,
    ];
    urls = {
      metrics: `https://127.0.0.1:${ports.metrics}/metrics`,
      readyz: `http://127.0.0.1:${ports.probe}/readyz`,
    };
    // The cluster comes from $KUBECONFIG, as a Deployment's comes from its pod: no --kubeconfig among the args.
    const inherited = Object.entries(process.env).filter(([name]) => name !== 'POD_NAMESPACE');
    manager = spawn(process.execPath, ['--enable-source-maps', managerMain, ...args], {
      env: { ...Object.fromEntries(inherited), KUBECONFIG: env.kubeconfigPath },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [manager.stdout, manager.stderr])
      stream?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  });

  after(async () => {
    const child = manager;
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await env.stop();
  });

  const whileRunning = () =>
    manager?.exitCode === null ? undefined : new Error(`the manager exited ${manager?.exitCode}:\n${output}`);

  it('are the args this repository’s config/ gives the manager, plus --metrics-secure spelled out', () => {
    assert.deepEqual(
      repositoryArgs().filter((a) => a !== '--metrics-secure'),
      kubebuilderArgs,
    );
  });

  it('becomes ready: /readyz answers 200', async () => {
    await waitFor(async () => (await fetch(urls.readyz)).status === 200, {
      description: `${urls.readyz} to answer 200`,
      timeoutMs: 60_000,
      intervalMs: 200,
      abortReason: whileRunning,
    });
  });

  it('serves /metrics over HTTPS to authenticated callers only, as kubebuilder’s --metrics-secure default', async () => {
    assert.equal(await unauthenticatedGet(urls.metrics), 401);
  });

  it('leads: holds the Lease and reconciles', async () => {
    const lease = await waitFor(
      async () => {
        const got = await client.get(Lease, {
          namespace: 'default',
          name: 'memcached-operator.cache.spoke.dev',
        });
        return got?.spec?.holderIdentity ? got : undefined;
      },
      {
        description: 'the leader Lease to be held',
        timeoutMs: 60_000,
        intervalMs: 200,
        abortReason: whileRunning,
      },
    );
    assert.ok(lease.spec?.holderIdentity?.startsWith(`${hostname()}_`), lease.spec?.holderIdentity);
    // Only the leader's controllers write: a Memcached gets its StatefulSet.
    await client.create(MemcachedKind, {
      apiVersion: MemcachedKind.apiVersion,
      kind: MemcachedKind.kind,
      metadata: { name: 'web', namespace: 'default' },
    });
    const statefulSet = await waitFor(() => client.get(StatefulSet, { namespace: 'default', name: 'web' }), {
      description: 'the StatefulSet of Memcached web',
      timeoutMs: 60_000,
      intervalMs: 200,
      abortReason: whileRunning,
    });
    assert.equal(statefulSet.spec?.replicas, 3);
  });
});
