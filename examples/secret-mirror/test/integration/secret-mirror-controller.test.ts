import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ControlPlane, waitFor } from '@spoke/envtest';
import { ConfigMap, Event, Manager, Secret, newLogger } from '@spoke/manager';
import { SecretMirrorController } from '../../src/secret-mirror-controller.js';

const namespace = 'default';
const mirrored = { 'spoke.dev/mirror': 'true' };

/** Secrets created in this control plane, by kube-apiserver's own count: a witness outside the controller. */
async function secretsCreated(env: ControlPlane): Promise<number> {
  const lines = (await env.apiServerMetrics()).split('\n');
  return lines
    .filter((l) => l.startsWith('apiserver_request_total{') && /resource="secrets"/.test(l))
    .filter((l) => /verb="POST"/.test(l) && /code="201"/.test(l))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

describe('SecretMirrorController on a real API server', () => {
  let env: ControlPlane;
  let manager: Manager;
  let running: Promise<void>;
  const stop = new AbortController();

  before(async () => {
    env = await ControlPlane.start({ nodes: 0 }); // etcd + kube-apiserver on loopback
    manager = Manager.create({
      kubeConfig: env.kubeConfig,
      logger: newLogger({ level: 'warn' }),
      metricsBindAddress: '0', // no servers in a test
      healthProbeBindAddress: '0',
    });
    manager.register(SecretMirrorController);
    running = manager.start(stop.signal);
    await manager.elected(); // the cache has synced and the controller runs
  });

  after(async () => {
    stop.abort(); // graceful: in-flight reconciles finish
    await running;
    await env.stop();
  });

  it('mirrors a labelled ConfigMap into a Secret it owns, and records an event', async () => {
    const cm = await manager.client.create(ConfigMap, {
      metadata: { namespace, name: 'app', labels: mirrored },
      data: { greeting: 'hello' },
    });

    const secret = await waitFor(() => manager.client.get(Secret, { namespace, name: 'app' }), {
      description: 'the Secret app',
      timeoutMs: 10_000,
    });
    assert.deepEqual(secret.data, { greeting: Buffer.from('hello').toString('base64') });
    assert.deepEqual(secret.metadata?.ownerReferences, [
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        name: 'app',
        uid: cm.metadata?.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);

    const [event] = await waitFor(
      async () => {
        const events = await manager.client.list(Event, { namespace, uncached: true });
        const ofApp = events.filter((e) => e.regarding?.kind === 'ConfigMap' && e.regarding.name === 'app');
        return ofApp.length > 0 && ofApp;
      },
      { description: 'an event about ConfigMap app', timeoutMs: 10_000 },
    );
    assert.equal(event?.type, 'Normal');
    assert.equal(event.reason, 'Mirrored');
    assert.equal(event.note, 'created Secret app');
  });

  it('leaves an unlabelled ConfigMap alone', async () => {
    await manager.client.create(ConfigMap, { metadata: { namespace, name: 'plain' }, data: { a: 'b' } });
    // A labelled ConfigMap created after it is the proof that the controller has seen "plain": events arrive in
    // order, and one worker takes requests first in, first out, so had "plain" passed the predicate, its Secret
    // would have been written before the witness's.
    await manager.client.create(ConfigMap, {
      metadata: { namespace, name: 'witness', labels: mirrored },
      data: { a: 'b' },
    });
    await waitFor(() => manager.client.get(Secret, { namespace, name: 'witness' }), {
      description: 'the Secret witness',
      timeoutMs: 10_000,
    });

    const plain = await manager.client.get(Secret, { namespace, name: 'plain' }, { uncached: true });
    assert.equal(plain, undefined);
    // Two Secrets were created in this control plane, app's and the witness's; none for "plain".
    await waitFor(async () => (await secretsCreated(env)) >= 2, {
      description: 'two Secret creations counted',
      timeoutMs: 5_000,
    });
    assert.equal(await secretsCreated(env), 2);
  });
});
