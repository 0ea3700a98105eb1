import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { ControlPlane, freePorts, waitFor } from '@spoke/envtest';
import type { V1PolicyRule } from '@kubernetes/client-node';
import { repoRoot } from '../support/repo-root.js';
import { kubectl, kubectlOk } from '../support/run-command.js';
import {
  installCertManagerCrds,
  routeServiceToLoopback,
  standInForCertManager,
} from '../support/stand-in-cert-manager.js';

const namespace = 'memcached-operator-system';
const clusterRole = 'memcached-operator-manager-role';
const electionRole = 'memcached-operator-leader-election-role';
const serviceAccount = 'memcached-operator-controller-manager';
const managerMain = join(repoRoot, 'examples/memcached-operator/dist/src/main.js');

/** Polls a kubectl jsonpath query until `done` accepts its output; fails with the last output after `timeoutMs`. */
function eventually(
  kubeconfig: string,
  args: readonly string[],
  done: (output: string) => boolean,
  timeoutMs = 120_000,
): Promise<string> {
  return waitFor(
    async () => {
      const result = await kubectl(kubeconfig, args);
      if (result.code === 0 && done(result.stdout)) return result.stdout;
      throw new Error(`last output: ${result.code === 0 ? result.stdout : result.stderr}`);
    },
    { description: `kubectl ${args.join(' ')} to satisfy the test`, timeoutMs, intervalMs: 500 },
  );
}

/**
 * The manager, run locally as the Deployment runs it (--leader-elect, the Lease in its own namespace, the webhook
 * server with the certificate cert-manager would mount).
 */
function startManager(
  identity: string,
  webhook: { port: number; certDir: string },
): { process: ChildProcess; output: () => string } {
  const child = spawn(
    process.execPath,
    [
      managerMain,
      `--kubeconfig=${identity}`,
      '--leader-elect',
      '--metrics-bind-address=0',
      '--health-probe-bind-address=127.0.0.1:0',
      '--log-level=debug',
      `--webhook-cert-path=${webhook.certDir}`,
      `--webhook-port=${webhook.port}`,
      '--webhook-host=127.0.0.1',
    ],
    { env: { ...process.env, POD_NAMESPACE: namespace }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  for (const stream of [child.stdout, child.stderr]) {
    stream.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  }
  return { process: child, output: () => output };
}

/** SIGTERM, then SIGKILL if it has not exited after 15 s. */
async function stopManager(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(15_000)]);
  child.kill('SIGKILL');
}

describe('the manager under its generated ServiceAccount (least privilege, end to end)', () => {
  let env: ControlPlane;
  let admin: string;
  let manager: ChildProcess | undefined;
  let managerOutput = (): string => '';
  let identity = '';
  let webhook = { port: 0, certDir: '' };
  const scratch = mkdtempSync(join(tmpdir(), 'least-privilege-'));

  before(async () => {
    env = await ControlPlane.start({
      nodes: 2,
      // As clusters that enforce owner references do (it is not on by default): an owned object's
      // blockOwnerDeletion then needs `update` on its owner's finalizers, which is why the role grants it.
      apiServerFlags: { 'enable-admission-plugins': 'OwnerReferencesPermissionEnforcement' },
    });
    admin = env.kubeconfigPath;
    // config/default's Certificate and Issuer need cert-manager's kinds (see support/stand-in-cert-manager.ts).
    await installCertManagerCrds(admin);
    await kubectlOk(admin, ['apply', '--server-side', '-k', 'config/default'], { cwd: repoRoot });
    // The in-cluster Deployment's image is not runnable here; the manager runs locally with the same identity.
    await kubectlOk(admin, [
      'scale',
      '-n',
      namespace,
      'deployment/memcached-operator-controller-manager',
      '--replicas=0',
    ]);
    await kubectlOk(admin, [
      'wait',
      '--for=condition=Established',
      '--timeout=60s',
      'crd/memcacheds.cache.spoke.dev',
    ]);
    identity = join(scratch, 'manager.kubeconfig');
    writeFileSync(identity, (await env.serviceAccountKubeConfig(namespace, serviceAccount)).exportConfig());
    // cert-manager's part (the serving Secret, the CA injected) and the pod network's (the webhook Service's callers
    // routed to the manager, which runs here): the API server converts v1alpha1 through the manager's webhook.
    const issued = await standInForCertManager(admin, namespace, 'memcached-operator-serving-cert', scratch);
    const { webhook: port } = await freePorts(['webhook']);
    await routeServiceToLoopback(admin, { namespace, name: 'memcached-operator-webhook-service' }, port);
    webhook = { port, certDir: issued.certDir };
    ({ process: manager, output: managerOutput } = startManager(identity, webhook));
    // Its webhooks served and called (the API server loads the re-pointed configurations a moment after the patches):
    // a server-side dry run of a v1alpha1 Memcached is converted, defaulted and validated.
    const probe = JSON.stringify({
      apiVersion: 'cache.spoke.dev/v1alpha1',
      kind: 'Memcached',
      metadata: { name: 'probe', namespace: 'default' },
    });
    await waitFor(
      async () => {
        const result = await kubectl(admin, ['create', '--dry-run=server', '-o', 'json', '-f', '-'], {
          input: probe,
        });
        if (result.code !== 0) return false;
        return (
          (JSON.parse(result.stdout) as { spec?: { proxy?: { image?: string } } }).spec?.proxy?.image !==
          undefined
        );
      },
      { description: "the manager's webhooks to be called", timeoutMs: 60_000, intervalMs: 250 },
    );
  });

  after(async () => {
    await stopManager(manager);
    await env.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('takes the leader Lease in its own namespace', async () => {
    await eventually(
      admin,
      ['get', 'leases', '-n', namespace, '-o', 'jsonpath={.items[*].spec.holderIdentity}'],
      (holders) => holders.trim() !== '',
    );
  });

  it('brings a sharded Memcached to Available, scales it, and lets it be garbage-collected', async () => {
    await kubectlOk(
      admin,
      [
        'apply',
        '--server-side',
        '-n',
        'default',
        '-f',
        'config/samples/cache_v1alpha1_memcached_sharded_twemproxy.yaml',
      ],
      {
        cwd: repoRoot,
      },
    );
    await eventually(
      admin,
      ['get', 'statefulset', 'sessions', '-n', 'default', '-o', 'jsonpath={.status.readyReplicas}'],
      (r) => r === '3',
    );
    await eventually(
      admin,
      ['get', 'deployment', 'sessions-proxy', '-n', 'default', '-o', 'jsonpath={.status.readyReplicas}'],
      (r) => r === '2',
    );
    await eventually(
      admin,
      [
        'get',
        'memcached',
        'sessions',
        '-n',
        'default',
        '-o',
        'jsonpath={.status.conditions[?(@.type=="Available")].status}',
      ],
      (s) => s === 'True',
    );
    const firstConfigMap = await kubectlOk(admin, [
      'get',
      'memcached',
      'sessions',
      '-n',
      'default',
      '-o',
      'jsonpath={.status.configMap}',
    ]);

    await kubectlOk(admin, ['scale', 'memcached/sessions', '-n', 'default', '--replicas=5']);
    await eventually(
      admin,
      ['get', 'memcached', 'sessions', '-n', 'default', '-o', 'jsonpath={.status.backends[*].name}'],
      (names) => names.split(' ').length === 5,
    );
    const secondConfigMap = await kubectlOk(admin, [
      'get',
      'memcached',
      'sessions',
      '-n',
      'default',
      '-o',
      'jsonpath={.status.configMap}',
    ]);
    assert.notEqual(secondConfigMap, firstConfigMap);

    await kubectlOk(admin, ['delete', 'memcached', 'sessions', '-n', 'default', '--wait=true']);
    await eventually(
      admin,
      [
        'get',
        'statefulsets,deployments,services,configmaps',
        '-n',
        'default',
        '-l',
        'app.kubernetes.io/instance=sessions',
        '-o',
        'name',
      ],
      (left) => left.trim() === '',
    );
  });

  it('was never refused a request: no 403 in the manager log', () => {
    assert.equal(manager?.exitCode, null, `the manager exited:\n${managerOutput()}`);
    assert.doesNotMatch(managerOutput(), /forbidden|\b403\b/i, managerOutput());
  });

  it('needs every rule of its roles: with any one removed, the manager is refused what that rule grants', async (t) => {
    await stopManager(manager);
    const roles = [
      { kind: 'clusterrole', name: clusterRole, args: [] },
      { kind: 'role', name: electionRole, args: ['-n', namespace] },
    ];
    for (const role of roles) {
      const read = JSON.parse(
        await kubectlOk(admin, ['get', role.kind, role.name, ...role.args, '-o', 'json']),
      ) as { rules: V1PolicyRule[]; metadata: Record<string, unknown> };
      // Without a resourceVersion, each replace is unconditional: the restore follows the removal.
      const original = { ...read, metadata: { ...read.metadata, resourceVersion: undefined } };
      for (const [i, rule] of original.rules.entries()) {
        const removed = { ...original, rules: original.rules.filter((_, j) => j !== i) };
        await kubectlOk(admin, ['replace', '-f', '-'], { input: JSON.stringify(removed) });
        // A fresh Lease, so that the new manager leads at once and reaches every write.
        await kubectl(admin, ['delete', 'lease', '--all', '-n', namespace]);
        const probe = `probe-${role.kind}-${i}`;
        const started = startManager(identity, webhook);
        try {
          // Accepted once the new manager serves the webhooks (the API server converts v1alpha1 through them).
          const input = JSON.stringify({
            apiVersion: 'cache.spoke.dev/v1alpha1',
            kind: 'Memcached',
            metadata: { name: probe },
            spec: { replicas: 1, proxy: { replicas: 1 } },
          });
          await waitFor(
            async () => (await kubectl(admin, ['apply', '-n', 'default', '-f', '-'], { input })).code === 0,
            { description: `Memcached ${probe} to be accepted`, timeoutMs: 60_000, intervalMs: 250 },
          );
          // The API server names what it refused: `cannot <verb> resource "<resource>" in API group ...`, or, for an
          // owner's finalizers, that an owned object's blockOwnerDeletion cannot be set.
          const names = (rule.resources ?? []).map((r) =>
            r.endsWith('/finalizers')
              ? "cannot set blockOwnerDeletion.*can't set finalizers on"
              : `cannot [a-z]+ resource \\\\?"${r}\\\\?"`,
          );
          const refused = new RegExp(`forbidden.*(${names.join('|')})`, 'i');
          await waitFor(() => refused.test(started.output()), {
            description: `the manager to be refused ${(rule.resources ?? []).join(', ')} without rule ${i} of ${role.name}`,
            timeoutMs: 60_000,
            intervalMs: 250,
          });
          t.diagnostic(`without ${role.name} rule ${i} (${(rule.resources ?? []).join(', ')}): refused`);
        } catch (err) {
          throw new Error(`${String(err)}\nmanager output:\n${started.output().slice(-4000)}`, {
            cause: err,
          });
        } finally {
          await stopManager(started.process);
          await kubectlOk(admin, ['replace', '-f', '-'], { input: JSON.stringify(original) });
          await kubectlOk(admin, ['delete', 'memcached', probe, '-n', 'default', '--wait=false']);
        }
      }
    }
  });
});
