import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { ControlPlane, waitFor } from '@spoke/envtest';
import { repoRoot } from '../support/repo-root.js';
import { kubectl, kubectlOk } from '../support/run-command.js';

const namespace = 'memcached-operator-system';
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

describe('the manager under its generated ServiceAccount (least privilege, end to end)', () => {
  let env: ControlPlane;
  let admin: string;
  let manager: ChildProcess | undefined;
  let managerOutput = '';
  const scratch = mkdtempSync(join(tmpdir(), 'least-privilege-'));

  before(async () => {
    env = await ControlPlane.start({ nodes: 2 });
    admin = env.kubeconfigPath;
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
    const identity = join(scratch, 'manager.kubeconfig');
    writeFileSync(identity, (await env.serviceAccountKubeConfig(namespace, serviceAccount)).exportConfig());

    // As the Deployment runs it (--leader-elect, the Lease in its own namespace), but on loopback ports.
    manager = spawn(
      process.execPath,
      [
        managerMain,
        `--kubeconfig=${identity}`,
        '--leader-elect',
        '--metrics-bind-address=0',
        '--health-probe-bind-address=127.0.0.1:0',
        '--log-level=debug',
      ],
      { env: { ...process.env, POD_NAMESPACE: namespace }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    for (const stream of [manager.stdout, manager.stderr]) {
      stream?.setEncoding('utf8').on('data', (chunk: string) => (managerOutput += chunk));
    }
  });

  after(async () => {
    if (manager && manager.exitCode === null) {
      const exited = new Promise((resolve) => manager?.once('exit', resolve));
      manager.kill('SIGTERM');
      await Promise.race([exited, sleep(15_000)]);
      manager.kill('SIGKILL');
    }
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
    assert.equal(manager?.exitCode, null, `the manager exited:\n${managerOutput}`);
    assert.doesNotMatch(managerOutput, /forbidden|\b403\b/i, managerOutput);
  });
});
