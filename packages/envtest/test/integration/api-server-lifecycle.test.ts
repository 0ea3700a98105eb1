import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
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

/** The fields of an audit.k8s.io/v1 Event these tests read. */
interface AuditEvent {
  stage: string;
  verb: string;
  user: { username: string };
  userAgent?: string;
  objectRef?: { resource: string; namespace?: string; name?: string };
  responseStatus?: { code: number };
  requestReceivedTimestamp: string;
  stageTimestamp: string;
}

function auditEvents(path: string): AuditEvent[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as AuditEvent);
}

/** Every write to a ConfigMap, at Metadata level (no bodies), once answered. */
const auditPolicy = `
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
  - level: Metadata
    verbs: [create, update, patch, delete]
    resources: [{ group: '', resources: [configmaps] }]
  - level: None
`;

describe('the lifecycle of a control plane with nodes: 0', () => {
  let env: ControlPlane;
  let core: CoreV1Api;

  before(async () => {
    env = await ControlPlane.start({ auditPolicy });
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

  it('writes the requests its audit policy selects to the audit log: user, verb, object, code, timestamps', async () => {
    const path = env.auditLogPath;
    assert.ok(path !== undefined && path.startsWith(env.dir));
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'audited' } } });
    const created = auditEvents(path).find((e) => e.objectRef?.name === 'audited');
    assert.ok(created, 'the create is in the audit log');
    assert.equal(created.stage, 'ResponseComplete');
    assert.equal(created.verb, 'create');
    assert.equal(created.user.username, 'spoke-envtest-admin');
    assert.equal(created.objectRef?.resource, 'configmaps');
    assert.equal(created.responseStatus?.code, 201);
    assert.ok(Date.parse(created.requestReceivedTimestamp) <= Date.parse(created.stageTimestamp));
    // Reads are not selected by this policy.
    await core.readNamespacedConfigMap({ namespace: 'default', name: 'audited' });
    assert.ok(auditEvents(path).every((e) => e.verb !== 'get'));
  });

  it('restarts kube-apiserver after a SIGKILL; the new process appends to the same audit log', async () => {
    const pidBefore = env.components.find((c) => c.name === 'kube-apiserver')?.pid;
    const path = env.auditLogPath ?? '';
    const eventsBefore = auditEvents(path).length;

    assert.ok(pidBefore !== undefined);

    await env.restartApiServer({ signal: 'SIGKILL' });

    assert.ok(!isRunning(pidBefore), 'the old process is gone');
    await core.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'after-kill' } },
    });
    const events = auditEvents(path);
    assert.ok(events.length > eventsBefore);
    assert.ok(
      events.some((e) => e.objectRef?.name === 'audited'),
      'earlier events kept',
    );
    assert.ok(events.some((e) => e.objectRef?.name === 'after-kill' && e.responseStatus?.code === 201));
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
