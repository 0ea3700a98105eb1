import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ControlPlane } from '@spoke/envtest';
import { ApiError, KubeClient } from '@spoke/manager';
import { MemcachedKind } from '../../src/api/v1alpha1/memcached-kind.js';
import { DefaultMcrouterImage, type Memcached, type MemcachedSpec } from '../../src/api/v1alpha1/index.js';
import { startWebhookCluster, type WebhookCluster } from '../support/webhook-cluster.js';

let cluster: WebhookCluster;
let env: ControlPlane;
let client: KubeClient;

function memcached(name: string, spec?: MemcachedSpec): Memcached {
  return {
    apiVersion: MemcachedKind.apiVersion,
    kind: MemcachedKind.kind,
    metadata: { name, namespace: 'default' },
    ...(spec ? { spec } : {}),
  };
}

/** Asserts that the API server refuses `write` as Invalid (422), with a message matching `message`. */
async function assertRejected(write: Promise<unknown>, message: RegExp): Promise<void> {
  await assert.rejects(write, (err: unknown) => {
    assert.ok(err instanceof ApiError, String(err));
    assert.equal(err.code, 422, err.message);
    assert.match(err.message, message);
    return true;
  });
}

// In v1alpha1, the version existing clients use; the API server converts to v1beta1 through the webhook.
describe('the Memcached CRD (installed from config/crd/bases, with its webhooks) on a real API server', () => {
  before(async () => {
    cluster = await startWebhookCluster();
    env = cluster.env;
    client = new KubeClient({ kubeConfig: env.kubeConfig });
  });
  after(() => cluster.stop());

  it('fills in every default when the spec is omitted', async () => {
    const created = await client.create(MemcachedKind, memcached('defaults'));
    assert.deepEqual(created.spec, {
      replicas: 3,
      image: 'memcached:1.6.38-alpine',
      memoryMB: 64,
      topology: 'Sharded',
      // The image is the defaulting webhook's: it depends on the engine, which a CRD default cannot express.
      proxy: { engine: 'Mcrouter', replicas: 2, image: DefaultMcrouterImage },
    });
  });

  it('rejects Twemproxy with Replicated, saying why', async () => {
    await assertRejected(
      client.create(
        MemcachedKind,
        memcached('twem-repl', { topology: 'Replicated', proxy: { engine: 'Twemproxy' } }),
      ),
      /topology Replicated needs proxy.engine Mcrouter: twemproxy cannot replicate/,
    );
  });

  it('rejects replicas out of 0..100 and unknown enum values', async () => {
    await assertRejected(
      client.create(MemcachedKind, memcached('too-many', { replicas: 101 })),
      /spec.replicas: Invalid value: 101: spec.replicas in body should be less than or equal to 100/,
    );
    await assertRejected(
      client.create(MemcachedKind, memcached('negative', { replicas: -1 })),
      /should be greater than or equal to 0/,
    );
    const bad = { ...memcached('bad-topology'), spec: { topology: 'Ring' } } as unknown as Memcached;
    await assertRejected(client.create(MemcachedKind, bad), /spec.topology: Unsupported value: "Ring"/);
  });

  it('rejects a name too long for the StatefulSet’s pod labels', async () => {
    await assertRejected(
      client.create(MemcachedKind, memcached('m'.repeat(53))),
      /metadata.name must be at most 52 characters/,
    );
  });

  it('allows scaling, and switching topology, but not the engine while the topology stays Sharded', async () => {
    await client.create(
      MemcachedKind,
      memcached('engine', { topology: 'Sharded', proxy: { engine: 'Twemproxy' } }),
    );
    const key = { namespace: 'default', name: 'engine' };
    await client.patch(MemcachedKind, key, { type: 'merge', body: { spec: { replicas: 7 } } });
    await assertRejected(
      client.patch(MemcachedKind, key, { type: 'merge', body: { spec: { proxy: { engine: 'Mcrouter' } } } }),
      /proxy.engine is immutable while the topology stays Sharded/,
    );
    // Through Replicated every server holds the latest write, so the engine may change on the way.
    const replicated = await client.patch(MemcachedKind, key, {
      type: 'merge',
      body: { spec: { topology: 'Replicated', proxy: { engine: 'Mcrouter' } } },
    });
    assert.equal(replicated.spec?.proxy?.engine, 'Mcrouter');
    // The defaulter replaced the pinned Twemproxy image, which the user never set, with Mcrouter's.
    assert.equal(replicated.spec.proxy.image, DefaultMcrouterImage);
  });

  it('serves the scale subresource, so kubectl scale and autoscalers work', async () => {
    await client.create(MemcachedKind, memcached('scalable', { replicas: 2 }));
    const scale = (await env.kubeConfig
      .makeApiClient((await import('@kubernetes/client-node')).CustomObjectsApi)
      .getNamespacedCustomObjectScale({
        group: MemcachedKind.group,
        version: MemcachedKind.version,
        namespace: 'default',
        plural: MemcachedKind.plural,
        name: 'scalable',
      })) as {
      spec?: { replicas?: number };
    };
    assert.equal(scale.spec?.replicas, 2);
  });
});
