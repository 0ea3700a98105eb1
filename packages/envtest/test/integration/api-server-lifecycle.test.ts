import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { CoreV1Api } from '@kubernetes/client-node';
import { ControlPlane } from '../../src/index.js';
import { refusal } from '../support/api-error.js';
import { isRunning } from '../support/process-state.js';

/** Sums the samples of a Prometheus counter whose labels include all of `labels`. */
function counterSum(metrics: string, name: string, labels: Record<string, string>): number {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  return metrics
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) && wanted.every((label) => line.includes(label)))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

describe('the lifecycle of a control plane with nodes: 0', () => {
  let env: ControlPlane;
  let core: CoreV1Api;

  before(async () => {
    env = await ControlPlane.start();
    core = env.kubeConfig.makeApiClient(CoreV1Api);
  });
  after(() => env.stop());

  it('runs etcd and kube-apiserver, and writes a kubeconfig file for kubectl', () => {
    assert.deepEqual(
      env.components.map((c) => c.name),
      ['etcd', 'kube-apiserver'],
    );
    assert.ok(env.components.every((c) => isRunning(c.pid)));
    assert.ok(existsSync(env.kubeconfigPath));
    assert.match(env.server, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.deepEqual(env.nodeNames, []);
  });

  it('counts requests in kube-apiserver /metrics (apiserver_request_total)', async () => {
    const labels = { resource: 'configmaps', verb: 'GET', code: '404' };
    const before = counterSum(await env.apiServerMetrics(), 'apiserver_request_total', labels);
    for (let i = 0; i < 3; i++) {
      assert.equal(
        (await refusal(core.readNamespacedConfigMap({ namespace: 'default', name: 'absent' }))).code,
        404,
      );
    }
    const afterwards = counterSum(await env.apiServerMetrics(), 'apiserver_request_total', labels);
    assert.equal(afterwards - before, 3);
  });

  it('restarts kube-apiserver on the same port with the same data', async () => {
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'survivor' } } });
    const pidBefore = env.components.find((c) => c.name === 'kube-apiserver')?.pid;

    await env.restartApiServer();

    const pidAfter = env.components.find((c) => c.name === 'kube-apiserver')?.pid;
    assert.ok(pidBefore !== undefined && pidAfter !== undefined && pidAfter !== pidBefore, 'a new process');
    assert.ok(!isRunning(pidBefore), 'the old process is gone');
    const survivor = await core.readNamespacedConfigMap({ namespace: 'default', name: 'survivor' });
    assert.equal(survivor.metadata?.name, 'survivor');
  });

  it('stop() leaves no process and no directory behind', async () => {
    const pids = env.components.map((c) => c.pid);
    await env.stop();
    assert.deepEqual(
      pids.filter((pid) => isRunning(pid)),
      [],
    );
    assert.equal(existsSync(env.dir), false);
    await env.stop(); // a second call is harmless
  });
});
