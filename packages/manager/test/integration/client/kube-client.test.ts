/* eslint-disable @typescript-eslint/no-misused-spread -- client-node models are classes, API objects are plain JSON */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KubernetesObject, V1ConfigMap, V1Deployment } from '@kubernetes/client-node';
import { ControlPlane } from '@spoke/envtest';
import { SharedInformerCache } from '../../../src/cache/shared-informer-cache.js';
import { ApiError, isAlreadyExists, isConflict, isNotFound } from '../../../src/apierrors/api-error.js';
import { createOrUpdate } from '../../../src/client/create-or-update.js';
import { KubeClient } from '../../../src/client/kube-client.js';
import {
  SingleWriterViolationError,
  newSingleWriterClient,
} from '../../../src/client/guard/single-writer-client.js';
import { ConfigMap, Deployment, Namespace, Secret } from '../../../src/kinds/builtin-kinds.js';
import { defineKind, kindId } from '../../../src/kinds/resource-kind.js';
import { readYourWritesTimeouts, readYourWritesWaits } from '../../../src/metrics/cache-metrics.js';
import { apiServerRequests, restClientRequestCount } from '../../support/metrics.js';
import { waitFor } from '../../support/wait-for.js';

const ns = 'client';
const configMap = (name: string, data: Record<string, string> = {}): V1ConfigMap => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { namespace: ns, name },
  data,
});
const deployment = (name: string): V1Deployment => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { namespace: ns, name },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: {
        containers: [
          { name: 'proxy', image: 'twemproxy:1' },
          { name: 'exporter', image: 'exporter:1' },
        ],
      },
    },
  },
});
const Memcached = defineKind<KubernetesObject>({
  group: 'cache.spoke.dev',
  version: 'v1alpha1',
  kind: 'Memcached',
  plural: 'memcacheds',
  namespaced: true,
});

/** `spoke_cache_read_your_writes_waits_total` for ConfigMaps. */
async function configMapWaits(): Promise<number> {
  const metric = await readYourWritesWaits.get();
  return metric.values.find((v) => v.labels.kind === kindId(ConfigMap))?.value ?? 0;
}

/** `spoke_cache_read_your_writes_timeouts_total` for ConfigMaps. */
async function configMapTimeouts(): Promise<number> {
  const metric = await readYourWritesTimeouts.get();
  return metric.values.find((v) => v.labels.kind === kindId(ConfigMap))?.value ?? 0;
}

describe('KubeClient against a real API server', () => {
  let env: ControlPlane;
  let api: KubeClient;
  const stop = new AbortController();

  before(async () => {
    env = await ControlPlane.start({ nodes: 0 });
    api = new KubeClient({ kubeConfig: env.kubeConfig, fieldManager: 'spoke-test' });
    await api.create(Namespace, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  });
  after(async () => {
    stop.abort();
    await env.stop();
  });

  it('surfaces 409 Conflict on a stale update as an ApiError that names the verb and the object', async () => {
    const created = await api.create(ConfigMap, configMap('stale', { v: '1' }));
    await api.update(ConfigMap, { ...created, data: { v: '2' } });
    await assert.rejects(api.update(ConfigMap, { ...created, data: { v: '3' } }), (err: unknown) => {
      assert.ok(err instanceof ApiError);
      assert.equal(isConflict(err), true);
      assert.equal(err.code, 409);
      assert.match(
        err.message,
        /^update v1 ConfigMap client\/stale: 409 Conflict: Operation cannot be fulfilled/,
      );
      return true;
    });
  });

  it('names the object in the error of a create that already exists', async () => {
    await api.create(ConfigMap, configMap('twice'));
    await assert.rejects(api.create(ConfigMap, configMap('twice')), (err: unknown) => {
      assert.ok(isAlreadyExists(err));
      assert.equal(
        (err as Error).message,
        'create v1 ConfigMap client/twice: 409 Conflict: configmaps "twice" already exists',
      );
      return true;
    });
  });

  it('reads uncached: a missing object is undefined, and a list is fetched page by page', async () => {
    assert.equal(await api.get(ConfigMap, { namespace: ns, name: 'absent' }), undefined);
    const paged = new KubeClient({ kubeConfig: env.kubeConfig, pageSize: 2 });
    await Promise.all(
      ['p1', 'p2', 'p3', 'p4', 'p5'].map((name) =>
        api.create(ConfigMap, {
          ...configMap(name),
          metadata: { namespace: ns, name, labels: { paged: 'yes' } },
        }),
      ),
    );
    const before = await restClientRequestCount('GET');
    const listed = await paged.list(ConfigMap, { namespace: ns, labelSelector: 'paged=yes' });
    assert.equal(listed.length, 5);
    assert.ok(
      listed.every((o) => o.kind === 'ConfigMap' && o.apiVersion === 'v1'),
      'list items carry their kind',
    );
    assert.equal((await restClientRequestCount('GET')) - before, 3, 'three pages of two');
  });

  it('creates with dryRun without persisting', async () => {
    const result = await api.create(ConfigMap, configMap('dry'), { dryRun: true });
    assert.equal(result.metadata?.name, 'dry');
    assert.equal(await api.get(ConfigMap, { namespace: ns, name: 'dry' }), undefined);
  });

  it('applies server-side under a field manager, and takes a conflicting field only when forced', async () => {
    const applied = await api.apply(ConfigMap, configMap('ssa', { owner: 'a' }), {
      fieldManager: 'controller-a',
    });
    assert.deepEqual(applied.data, { owner: 'a' });
    assert.ok(
      applied.metadata?.managedFields?.some((f) => f.manager === 'controller-a' && f.operation === 'Apply'),
    );
    await assert.rejects(
      api.apply(ConfigMap, configMap('ssa', { owner: 'b' }), { fieldManager: 'controller-b' }),
      (err: unknown) => isConflict(err),
    );
    const forced = await api.apply(ConfigMap, configMap('ssa', { owner: 'b' }), {
      fieldManager: 'controller-b',
      force: true,
    });
    assert.deepEqual(forced.data, { owner: 'b' });
  });

  it('patches with merge, JSON and strategic merge patches', async () => {
    await api.create(Deployment, deployment('patched'));
    const key = { namespace: ns, name: 'patched' };
    const strategic = await api.patch(Deployment, key, {
      type: 'strategic',
      body: { spec: { template: { spec: { containers: [{ name: 'proxy', image: 'twemproxy:2' }] } } } },
    });
    assert.deepEqual(
      strategic.spec?.template.spec?.containers.map((c) => `${c.name}=${c.image ?? ''}`),
      ['proxy=twemproxy:2', 'exporter=exporter:1'],
      'merged by container name',
    );
    const merged = await api.patch(Deployment, key, {
      type: 'merge',
      body: { metadata: { labels: { tier: 'cache' } } },
    });
    assert.deepEqual(merged.metadata?.labels, { tier: 'cache' });
    const json = await api.patch(Deployment, key, {
      type: 'json',
      body: [{ op: 'replace', path: '/spec/replicas', value: 3 }],
    });
    assert.equal(json.spec?.replicas, 3);
  });

  it('refuses a strategic merge patch of a custom kind before sending it', async () => {
    const before = await restClientRequestCount();
    await assert.rejects(
      api.patch(Memcached, { namespace: ns, name: 'web' }, { type: 'strategic', body: { spec: {} } }),
      /strategic merge patch needs a built-in kind/,
    );
    assert.equal(await restClientRequestCount(), before);
  });

  it('writes status through the status subresource only, and the main resource never writes status', async () => {
    const created = await api.create(Deployment, deployment('status'));
    const spec = created.spec;
    assert.ok(spec);
    const withStatus = await api.status.update(Deployment, {
      ...created,
      spec: { ...spec, replicas: 5 },
      status: { observedGeneration: 1, replicas: 1, readyReplicas: 1 },
    });
    assert.equal(withStatus.status?.readyReplicas, 1, 'status written');
    assert.equal(withStatus.spec?.replicas, 1, 'spec untouched by a status update');
    const mainUpdate = await api.update(Deployment, { ...withStatus, status: { readyReplicas: 0 } });
    assert.equal(mainUpdate.status?.readyReplicas, 1, 'status untouched by a main update');
    const patched = await api.status.patch(
      Deployment,
      { namespace: ns, name: 'status' },
      { type: 'merge', body: { status: { replicas: 2, readyReplicas: 2 } } },
    );
    assert.equal(patched.status?.readyReplicas, 2);
  });

  it('deletes with a propagation policy and preconditions', async () => {
    const background = await api.create(ConfigMap, configMap('background'));
    await assert.rejects(
      api.delete(ConfigMap, { namespace: ns, name: 'background' }, { preconditions: { uid: 'not-the-uid' } }),
      (err: unknown) => isConflict(err),
    );
    await api.delete(
      ConfigMap,
      { namespace: ns, name: 'background' },
      { preconditions: { uid: background.metadata?.uid } },
    );
    assert.equal(await api.get(ConfigMap, { namespace: ns, name: 'background' }), undefined);

    // With no garbage collector running (nodes: 0), the GC finalizers the policies add stay visible.
    await api.create(Deployment, deployment('foreground'));
    await api.delete(Deployment, { namespace: ns, name: 'foreground' }, { propagationPolicy: 'Foreground' });
    const foreground = await api.get(Deployment, { namespace: ns, name: 'foreground' });
    assert.ok(foreground?.metadata?.deletionTimestamp);
    assert.deepEqual(foreground.metadata.finalizers, ['foregroundDeletion']);
    await api.create(Deployment, deployment('orphan'));
    await api.delete(Deployment, { namespace: ns, name: 'orphan' }, { propagationPolicy: 'Orphan' });
    assert.deepEqual((await api.get(Deployment, { namespace: ns, name: 'orphan' }))?.metadata?.finalizers, [
      'orphan',
    ]);
    await assert.rejects(api.delete(ConfigMap, { namespace: ns, name: 'background' }), (err: unknown) =>
      isNotFound(err),
    );
  });

  describe('with the shared cache', () => {
    let cache: SharedInformerCache;
    let cached: KubeClient;

    before(async () => {
      cache = new SharedInformerCache({ kubeConfig: env.kubeConfig, resyncPeriodMs: 0 });
      void cache.start(stop.signal);
      cached = new KubeClient({ kubeConfig: env.kubeConfig, cache, fieldManager: 'spoke-test' });
      cache.getInformer(ConfigMap);
      cache.getInformer(Deployment);
      await cache.waitForCacheSync();
      await waitFor('both watches to open', () => cache.health().every((h) => h.phase === 'Watching'));
    });

    it('guards a controller to the one kind it writes, rejecting other writes before any request', async () => {
      const guarded = newSingleWriterClient(cached, {
        controller: 'proxy-config',
        writes: { kind: ConfigMap, status: false },
        for: Memcached,
      });
      const ours = await restClientRequestCount();
      const m0 = await env.apiServerMetrics();
      await assert.rejects(guarded.create(Deployment, deployment('forbidden')), (err: unknown) => {
        assert.ok(err instanceof SingleWriterViolationError);
        assert.match(
          err.message,
          /controller proxy-config may not create client\/forbidden of kind apps\/v1\/Deployment/,
        );
        return true;
      });
      await assert.rejects(
        guarded.delete(Deployment, { namespace: ns, name: 'patched' }),
        SingleWriterViolationError,
      );
      await assert.rejects(
        guarded.patch(
          Deployment,
          { namespace: ns, name: 'patched' },
          { type: 'merge', body: { spec: { replicas: 0 } } },
        ),
        SingleWriterViolationError,
      );
      assert.equal(await restClientRequestCount(), ours, 'rest_client_requests_total unchanged');
      const m1 = await env.apiServerMetrics();
      for (const verb of ['POST', 'DELETE', 'PATCH']) {
        assert.equal(
          apiServerRequests(m1, 'deployments', verb),
          apiServerRequests(m0, 'deployments', verb),
          verb,
        );
      }
      assert.equal(await cached.get(Deployment, { namespace: ns, name: 'forbidden' }), undefined);
    });

    it('createOrUpdate creates, then sends no write while nothing changes, then updates', async () => {
      const render = (v: string) => (cm: V1ConfigMap) => {
        cm.data = { config: v };
      };
      assert.equal(await createOrUpdate(cached, ConfigMap, configMap('desired'), render('1')), 'created');
      // The cache must have seen the create before the next read compares against it.
      while (!(await cached.get(ConfigMap, { namespace: ns, name: 'desired' })))
        await new Promise((r) => setTimeout(r, 20));
      const before = await restClientRequestCount();
      assert.equal(await createOrUpdate(cached, ConfigMap, configMap('desired'), render('1')), 'unchanged');
      assert.equal(
        await restClientRequestCount(),
        before,
        'no request at all: read from the cache, nothing to write',
      );
      const target = configMap('desired');
      assert.equal(await createOrUpdate(cached, ConfigMap, target, render('2')), 'updated');
      assert.equal((await restClientRequestCount()) - before, 1, 'one PUT');
      assert.deepEqual(target.data, { config: '2' });
    });

    it('reads its own writes: 50 times update, then at once get, and every get sees the written resourceVersion', async () => {
      let current = await cached.create(ConfigMap, configMap('ryw-update', { i: '0' }));
      const waitsBefore = await configMapWaits();
      for (let i = 1; i <= 50; i++) {
        current = await cached.update(ConfigMap, { ...current, data: { i: String(i) } });
        const read = await cached.get(ConfigMap, { namespace: ns, name: 'ryw-update' });
        assert.equal(read?.metadata?.resourceVersion, current.metadata?.resourceVersion, `iteration ${i}`);
        assert.deepEqual(read?.data, { i: String(i) });
      }
      // The reads were right because they waited for the watch, not because it happened to be fast.
      assert.ok((await configMapWaits()) > waitsBefore, 'spoke_cache_read_your_writes_waits_total moved');
    });

    it('without read-your-writes (timeout 0) reads answer at once, possibly from before the write', async (t) => {
      const plain = new SharedInformerCache({
        kubeConfig: env.kubeConfig,
        resyncPeriodMs: 0,
        readYourWritesTimeoutMs: 0,
      });
      void plain.start(stop.signal);
      plain.getInformer(ConfigMap, { namespace: ns });
      await plain.waitForCacheSync();
      const client = new KubeClient({ kubeConfig: env.kubeConfig, cache: plain, fieldManager: 'spoke-test' });
      let current = await client.create(ConfigMap, configMap('ryw-off', { i: '0' }));
      const waitsBefore = await configMapWaits();
      let stale = 0;
      for (let i = 1; i <= 50; i++) {
        current = await client.update(ConfigMap, { ...current, data: { i: String(i) } });
        const read = await client.get(ConfigMap, { namespace: ns, name: 'ryw-off' });
        if (read?.metadata?.resourceVersion !== current.metadata?.resourceVersion) stale++;
      }
      t.diagnostic(`stale reads without read-your-writes: ${stale} of 50`);
      assert.equal(await configMapWaits(), waitsBefore, 'no read waited');
    });

    it('reads its own creates: a list right after each create includes the new object', async () => {
      const labels = { ryw: 'create' };
      for (let i = 0; i < 10; i++) {
        await cached.create(ConfigMap, {
          ...configMap(`ryw-create-${i}`),
          metadata: { namespace: ns, name: `ryw-create-${i}`, labels },
        });
        const names = (await cached.list(ConfigMap, { namespace: ns, labelSelector: 'ryw=create' })).map(
          (cm) => cm.metadata?.name,
        );
        assert.deepEqual(
          names.sort(),
          Array.from({ length: i + 1 }, (_, j) => `ryw-create-${j}`).sort(),
          `after create ${i}`,
        );
      }
    });

    it('reads its own deletes: a get right after a delete answers undefined', async () => {
      for (let i = 0; i < 10; i++) {
        const key = { namespace: ns, name: `ryw-delete-${i}` };
        await cached.create(ConfigMap, configMap(key.name));
        assert.ok(await cached.get(ConfigMap, key), `created ${i}`);
        await cached.delete(ConfigMap, key);
        assert.equal(await cached.get(ConfigMap, key), undefined, `deleted ${i}`);
      }
    });

    it('reads its own delete of an object a finalizer holds (deletionTimestamp), and the finalizer removal that deletes it', async () => {
      const timeoutsBefore = await configMapTimeouts();
      const key = { namespace: ns, name: 'ryw-finalized' };
      await cached.create(ConfigMap, {
        ...configMap(key.name),
        metadata: { ...key, finalizers: ['spoke.dev/test'] },
      });
      await cached.delete(ConfigMap, key);
      const held = await cached.get(ConfigMap, key);
      assert.ok(held?.metadata?.deletionTimestamp, 'the cache shows the delete at the version it returned');
      await cached.patch(ConfigMap, key, {
        type: 'json',
        body: [{ op: 'remove', path: '/metadata/finalizers' }],
      });
      assert.equal(await cached.get(ConfigMap, key), undefined, 'gone once the finalizer is removed');
      assert.equal(await configMapTimeouts(), timeoutsBefore, 'no read gave up waiting');
    });

    it('never starts an informer to read its own writes: a write of a kind nobody watches waits for nothing', async () => {
      await cached.create(Secret, {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { namespace: ns, name: 'unwatched' },
      });
      assert.equal(
        cache.health().some((h) => h.kind === kindId(Secret)),
        false,
      );
    });
  });
});
