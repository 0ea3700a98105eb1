/* eslint-disable @typescript-eslint/no-misused-spread -- client-node models are classes, API objects are plain JSON */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { V1ConfigMap } from '@kubernetes/client-node';
import { ControlPlane } from '@spoke/envtest';
import { SharedInformerCache } from '../../../src/cache/shared-informer-cache.js';
import { isForbidden, isNotFound } from '../../../src/apierrors/api-error.js';
import { KubeClient } from '../../../src/client/kube-client.js';
import { ConfigMap, Namespace, Role, RoleBinding, Secret } from '../../../src/kinds/builtin-kinds.js';
import { defineKind } from '../../../src/kinds/resource-kind.js';
import { ExponentialBackoff } from '../../../src/watcher/backoff.js';
import { EventLog } from '../../support/event-log.js';
import { TcpProxy } from '../../support/tcp-proxy.js';
import { apiServerRequests, metricSum, openWatches, restClientRequestCount } from '../../support/metrics.js';
import { waitFor } from '../../support/wait-for.js';

const configMap = (namespace: string, name: string, data: Record<string, string> = {}): V1ConfigMap => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { namespace, name, labels: { app: name.split('-')[0] ?? name } },
  data,
});

describe('SharedInformerCache against a real API server', () => {
  let env: ControlPlane;
  let api: KubeClient;
  const caches: AbortController[] = [];

  /** A started cache; stopped in `after`. */
  function startedCache(options: Partial<ConstructorParameters<typeof SharedInformerCache>[0]> = {}) {
    const cache = new SharedInformerCache({ kubeConfig: env.kubeConfig, resyncPeriodMs: 0, ...options });
    const stop = new AbortController();
    caches.push(stop);
    const running = cache.start(stop.signal);
    return { cache, stop, running };
  }

  async function namespace(name: string): Promise<string> {
    await api.create(Namespace, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    return name;
  }

  before(async () => {
    env = await ControlPlane.start({ nodes: 0 });
    api = new KubeClient({ kubeConfig: env.kubeConfig });
  });
  after(async () => {
    for (const stop of caches) stop.abort();
    await env.stop();
  });

  it('serves two requests for the same informer with one LIST and one WATCH, and answers reads from memory', async () => {
    const ns = await namespace('shared');
    await api.create(ConfigMap, configMap(ns, 'web-1', { a: '1' }));
    const cache = new SharedInformerCache({ kubeConfig: env.kubeConfig, resyncPeriodMs: 0 });
    const first = cache.getInformer(ConfigMap, { namespace: ns });
    const second = cache.getInformer(ConfigMap, { namespace: ns });
    assert.equal(first, second, 'the same informer object');

    const m0 = await env.apiServerMetrics();
    const stop = new AbortController();
    const running = cache.start(stop.signal);
    assert.equal(await cache.waitForCacheSync(), true);
    await waitFor(
      'the watch to open',
      async () => openWatches(await env.apiServerMetrics(), 'configmaps') > openWatches(m0, 'configmaps'),
    );
    const m1 = await env.apiServerMetrics();
    assert.equal(
      apiServerRequests(m1, 'configmaps', 'LIST') - apiServerRequests(m0, 'configmaps', 'LIST'),
      1,
      'one LIST',
    );
    assert.equal(openWatches(m1, 'configmaps') - openWatches(m0, 'configmaps'), 1, 'one open WATCH');

    const client = new KubeClient({ kubeConfig: env.kubeConfig, cache });
    const sentBefore = await restClientRequestCount();
    const got = await client.get(ConfigMap, { namespace: ns, name: 'web-1' });
    const listed = await client.list(ConfigMap, { namespace: ns, labelSelector: 'app=web' });
    assert.deepEqual(got?.data, { a: '1' });
    assert.deepEqual(
      listed.map((o) => o.metadata?.name),
      ['web-1'],
    );
    assert.equal(got.metadata?.managedFields, undefined, 'managedFields stripped by the default transform');
    assert.equal(await restClientRequestCount(), sentBefore, 'cached reads send no request');
    const m2 = await env.apiServerMetrics();
    assert.equal(apiServerRequests(m2, 'configmaps', 'GET') - apiServerRequests(m1, 'configmaps', 'GET'), 0);
    assert.equal(
      apiServerRequests(m2, 'configmaps', 'LIST') - apiServerRequests(m1, 'configmaps', 'LIST'),
      0,
    );

    stop.abort();
    await running;
    await waitFor(
      'the WATCH to be counted when it ends',
      async () =>
        apiServerRequests(await env.apiServerMetrics(), 'configmaps', 'WATCH') -
          apiServerRequests(m0, 'configmaps', 'WATCH') >=
        1,
    );
    const m3 = await env.apiServerMetrics();
    assert.equal(
      apiServerRequests(m3, 'configmaps', 'WATCH') - apiServerRequests(m0, 'configmaps', 'WATCH'),
      1,
      'one WATCH in all',
    );
    assert.equal(first.phase, 'Stopped');
  });

  it('delivers create, modify and delete as add, update and delete events, with the store matching the API', async () => {
    const ns = await namespace('events');
    await api.create(ConfigMap, configMap(ns, 'before'));
    const { cache } = startedCache();
    const informer = cache.getInformer(ConfigMap, { namespace: ns });
    const log = new EventLog(informer);
    assert.equal(await cache.waitForCacheSync(), true);
    assert.deepEqual(log.lines, ['add before (initial)']);

    const created = await api.create(ConfigMap, configMap(ns, 'web', { v: '1' }));
    await api.update(ConfigMap, { ...created, data: { v: '2' } });
    await api.delete(ConfigMap, { namespace: ns, name: 'before' });
    await waitFor('three events', () => log.lines.length === 4);
    assert.deepEqual(log.lines, ['add before (initial)', 'add web', 'update web', 'delete before']);

    const fromApi = await api.list(ConfigMap, { namespace: ns });
    assert.deepEqual(
      informer.store.list().map((o) => [o.metadata?.name, o.metadata?.resourceVersion, o.data]),
      fromApi.map((o) => [o.metadata?.name, o.metadata?.resourceVersion, o.data]),
    );
  });

  it('answers get and list with the one stored object, shared and deep-frozen, managedFields stripped', async () => {
    const ns = await namespace('frozen');
    await api.create(ConfigMap, configMap(ns, 'app-1', { k: 'v' }));
    const { cache } = startedCache();
    const got = await cache.get(ConfigMap, { namespace: ns, name: 'app-1' });
    const [listed] = await cache.list(ConfigMap, { namespace: ns });
    assert.ok(got);
    assert.equal(listed, got, 'no copy per read');
    assert.equal(got.metadata?.managedFields, undefined);
    assert.equal(got.metadata?.labels?.['app'], 'app');
    assert.throws(() => {
      (got.data as Record<string, string>)['k'] = 'changed';
    }, TypeError);
    const copy = structuredClone(got);
    copy.data = { k: 'changed' };
    await api.update(ConfigMap, copy);
    await waitFor(
      'the cache to show the update',
      async () => (await cache.get(ConfigMap, { namespace: ns, name: 'app-1' }))?.data?.['k'] === 'changed',
    );
  });

  it('lists 150 objects in pages of 50: three LIST requests, one informer with all 150', async () => {
    const ns = await namespace('paged');
    for (let batch = 0; batch < 150; batch += 10) {
      await Promise.all(
        Array.from({ length: 10 }, (_, i) => api.create(ConfigMap, configMap(ns, `cm-${batch + i}`))),
      );
    }
    const m0 = await env.apiServerMetrics();
    const { cache } = startedCache({ watcher: { pageSize: 50 } });
    const informer = cache.getInformer(ConfigMap, { namespace: ns });
    assert.equal(await cache.waitForCacheSync(), true);
    const m1 = await env.apiServerMetrics();
    assert.equal(
      apiServerRequests(m1, 'configmaps', 'LIST') - apiServerRequests(m0, 'configmaps', 'LIST'),
      3,
    );
    assert.equal(informer.store.list().length, 150);
  });

  it('gives a handler added after sync the current objects as initial adds', async () => {
    const ns = await namespace('late');
    await api.create(ConfigMap, configMap(ns, 'a'));
    await api.create(ConfigMap, configMap(ns, 'b'));
    const { cache } = startedCache();
    const informer = cache.getInformer(ConfigMap, { namespace: ns });
    await cache.waitForCacheSync();
    const log = new EventLog(informer);
    assert.deepEqual(log.lines.sort(), ['add a (initial)', 'add b (initial)']);
  });

  it('resyncs from memory as onUpdate(obj, obj, true) without a request', async () => {
    const ns = await namespace('resync');
    await api.create(ConfigMap, configMap(ns, 'a'));
    const { cache } = startedCache({ resyncPeriodMs: 300 });
    const informer = cache.getInformer(ConfigMap, { namespace: ns });
    let sameObject = true;
    informer.addEventHandler({
      onUpdate: (oldObj, newObj, isResync) => {
        if (isResync) sameObject &&= oldObj === newObj;
      },
    });
    const log = new EventLog(informer);
    await cache.waitForCacheSync();
    await waitFor('the watch to open', () => informer.phase === 'Watching');
    const sent = await restClientRequestCount();
    await waitFor('two resyncs', () => log.count('resync a') >= 2, 5_000);
    assert.equal(sameObject, true);
    assert.equal(await restClientRequestCount(), sent, 'resync sends no request');
  });

  it('keeps metadata only for a metadataOnly informer, with the kind it watches', async () => {
    const ns = await namespace('meta');
    await api.create(Secret, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { namespace: ns, name: 's' },
      stringData: { password: 'hunter2' },
    });
    const { cache } = startedCache();
    const informer = cache.getInformer(Secret, { namespace: ns, metadataOnly: true });
    await cache.waitForCacheSync();
    const stored = informer.store.get(`${ns}/s`);
    assert.equal(stored?.kind, 'Secret');
    assert.equal(stored.apiVersion, 'v1');
    assert.equal(stored.metadata?.name, 's');
    assert.equal((stored as { data?: unknown }).data, undefined, 'no data in a metadata-only object');
  });

  it('starts an informer on the first read of a kind and waits for its sync', async () => {
    const ns = await namespace('lazy');
    await api.create(Secret, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { namespace: ns, name: 'token' },
    });
    const { cache } = startedCache();
    assert.deepEqual(cache.health(), []);
    const client = new KubeClient({ kubeConfig: env.kubeConfig, cache });
    const secret = await client.get(Secret, { namespace: ns, name: 'token' });
    assert.equal(secret?.metadata?.name, 'token');
    assert.equal(cache.health()[0]?.synced, true);
    await waitFor('the watch to open', () => cache.health()[0]?.phase === 'Watching');
    const [health] = cache.health();
    assert.equal(health?.kind, 'core/v1/Secret');
    assert.ok(health.lastEventAgeMs !== undefined && health.lastEventAgeMs < 10_000);
  });

  it('fails a read of a kind the server does not serve, rather than waiting forever', async () => {
    const Missing = defineKind({
      group: 'nowhere.spoke.dev',
      version: 'v1',
      kind: 'Ghost',
      plural: 'ghosts',
      namespaced: true,
    });
    const { cache } = startedCache({ onError: () => undefined });
    await assert.rejects(cache.get(Missing, { namespace: 'default', name: 'x' }), (err: Error) => {
      assert.match(err.message, /list nowhere\.spoke\.dev\/v1 Ghost: 404 Not Found/);
      assert.ok(isNotFound(err.cause));
      return true;
    });
    // The informer that could not list is gone: it retries nothing and holds no check failing.
    assert.deepEqual(cache.health(), []);
  });

  it('reads of a kind in many namespaces share one informer for all namespaces: one LIST and one WATCH', async () => {
    const namespaces = ['spread-1', 'spread-2', 'spread-3', 'spread-4', 'spread-5'];
    for (const ns of namespaces) {
      await namespace(ns);
      await api.create(Secret, {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { namespace: ns, name: 'token' },
      });
    }
    const m0 = await env.apiServerMetrics();
    const { cache } = startedCache();
    const client = new KubeClient({ kubeConfig: env.kubeConfig, cache });
    for (const ns of namespaces) {
      const secret = await client.get(Secret, { namespace: ns, name: 'token' });
      assert.equal(secret?.metadata?.namespace, ns);
      assert.equal((await client.list(Secret, { namespace: ns })).length, 1);
    }
    await waitFor(
      'the watch to open',
      async () => openWatches(await env.apiServerMetrics(), 'secrets') > openWatches(m0, 'secrets'),
    );
    const m1 = await env.apiServerMetrics();
    // One per namespace read would be 5 and 5, each kept for the life of the process.
    assert.equal(
      apiServerRequests(m1, 'secrets', 'LIST') - apiServerRequests(m0, 'secrets', 'LIST'),
      1,
      'LISTs',
    );
    assert.equal(openWatches(m1, 'secrets') - openWatches(m0, 'secrets'), 1, 'open WATCHes');
    assert.deepEqual(
      cache.health().map((h) => [h.kind, h.namespace]),
      [['core/v1/Secret', undefined]],
    );
  });

  it('fails a read RBAC forbids with the 403 and a hint, and removes the informer instead of retrying it forever', async () => {
    const ns = await namespace('rbac-one-namespace');
    await api.create(Secret, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { namespace: ns, name: 'token' },
    });
    // A user who may read Secrets in this one namespace only.
    await api.create(Role, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { namespace: ns, name: 'secret-reader' },
      rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch'] }],
    });
    await api.create(RoleBinding, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { namespace: ns, name: 'secret-reader' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'secret-reader' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'one-namespace-reader' }],
    });
    const kubeConfig = env.userKubeConfig({ name: 'one-namespace-reader' });
    // Refusals by authorization are not in apiserver_request_total; this user is the only one refused here.
    const refused = (metrics: string) =>
      metricSum(metrics, 'authorization_attempts_total', { result: 'no-opinion' }) +
      metricSum(metrics, 'authorization_attempts_total', { result: 'denied' });
    const m0 = await env.apiServerMetrics();
    const { cache } = startedCache({ kubeConfig, onError: () => undefined });
    const client = new KubeClient({ kubeConfig, cache });
    // A namespace it may not read at all, then its own: both need the informer for all namespaces.
    for (const target of ['default', ns]) {
      await assert.rejects(client.get(Secret, { namespace: target, name: 'token' }), (err: Error) => {
        assert.match(
          err.message,
          new RegExp(`^get v1 Secret ${target}/token: list v1 Secret: 403 Forbidden`),
        );
        assert.match(err.message, /list and watch .* in all namespaces.*defaultNamespace.*uncached/);
        assert.ok(isForbidden(err.cause));
        return true;
      });
      assert.deepEqual(cache.health(), [], 'no informer left retrying, nor failing /readyz');
    }
    const m1 = await env.apiServerMetrics();
    assert.equal(refused(m1) - refused(m0), 2, 'one refused LIST per read');
    // What the error suggests works: a cache restricted to the namespace, or an uncached read.
    const restricted = startedCache({ kubeConfig, defaultNamespace: ns }).cache;
    const inNamespace = new KubeClient({ kubeConfig, cache: restricted });
    assert.equal((await inNamespace.get(Secret, { namespace: ns, name: 'token' }))?.metadata?.name, 'token');
    const direct = await client.get(Secret, { namespace: ns, name: 'token' }, { uncached: true });
    assert.equal(direct?.metadata?.name, 'token');
  });

  it('reads its own write from the informer it reads: with two informers of a kind, not from the lagging one', async () => {
    const ns = await namespace('two-informers');
    await api.create(ConfigMap, configMap(ns, 'rw', { v: '1' }));
    const proxy = await TcpProxy.start(new URL(env.server));
    const { cache } = startedCache({
      kubeConfig: proxy.kubeConfigFor(env.kubeConfig),
      // Long enough that only the informers, not the timeout, can end the wait.
      readYourWritesTimeoutMs: 30_000,
      // A watch that breaks stays away this long: the lag the test needs.
      watcher: { backoff: new ExponentialBackoff({ initialMs: 5000, maxMs: 5000, jitter: 0 }) },
    });
    try {
      // Two informers that can answer a read of ns/rw: one for all namespaces (made first: reads prefer it) ...
      const all = cache.getInformer(ConfigMap);
      assert.equal(await cache.waitForCacheSync(), true);
      await waitFor('the watch of all namespaces', () => all.phase === 'Watching');
      // ... whose watch breaks now, so that it lags for its backoff, and one for the namespace, which keeps up.
      proxy.cut();
      await waitFor('the informer of all namespaces to back off', () => all.phase === 'Backoff');
      proxy.heal();
      const one = cache.getInformer(ConfigMap, { namespace: ns });
      assert.equal(await cache.waitForCacheSync(), true);
      await waitFor('the watch of the namespace', () => one.phase === 'Watching');

      const client = new KubeClient({ kubeConfig: env.kubeConfig, cache });
      const current = await client.get(ConfigMap, { namespace: ns, name: 'rw' }, { uncached: true });
      assert.ok(current);
      const written = await client.update(ConfigMap, { ...current, data: { v: '2' } });
      const rv = written.metadata?.resourceVersion;
      await waitFor('the namespace informer to show the write', () => {
        return one.store.get(`${ns}/rw`)?.metadata?.resourceVersion === rv;
      });
      assert.notEqual(all.store.get(`${ns}/rw`)?.metadata?.resourceVersion, rv, 'the other one lags');

      // A get may use either: it must not answer from the one that lags.
      const got = await client.get(ConfigMap, { namespace: ns, name: 'rw' });
      assert.equal(got?.metadata?.resourceVersion, rv, 'get shows its own write');
      // A list of all namespaces can only use the lagging one: it waits for it (its watch resumes after the
      // backoff and delivers the write) rather than answering from before the write.
      const listed = await client.list(ConfigMap);
      assert.equal(
        listed.find((o) => o.metadata?.namespace === ns && o.metadata.name === 'rw')?.metadata
          ?.resourceVersion,
        rv,
        'list shows its own write',
      );
    } finally {
      await proxy.stop();
    }
  });
});
