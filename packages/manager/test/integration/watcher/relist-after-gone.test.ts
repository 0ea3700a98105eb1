/* eslint-disable @typescript-eslint/no-misused-spread -- client-node models are classes, API objects are plain JSON */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ControlPlane } from '@spoke/envtest';
import { ExponentialBackoff } from '../../../src/watcher/backoff.js';
import { SharedInformerCache } from '../../../src/cache/shared-informer-cache.js';
import { KubeClient } from '../../../src/client/kube-client.js';
import { ConfigMap, Namespace, Secret } from '../../../src/kinds/builtin-kinds.js';
import { configMap } from '../../support/config-map.js';
import { EventLog } from '../../support/event-log.js';
import { HttpProxy } from '../../support/http-proxy.js';
import { apiServerRequests } from '../../support/metrics.js';
import { TcpProxy } from '../../support/tcp-proxy.js';
import { waitFor } from '../../support/wait-for.js';

/**
 * 410 Gone on demand: with the watch cache off, watches are served by etcd, which the API server compacts every
 * second here; a watch resumed from a resourceVersion older than the compaction gets "too old resource version".
 */
describe('relisting after 410 Gone, and lists whose continue token expired', () => {
  let env: ControlPlane;
  let proxy: TcpProxy;
  let api: KubeClient;
  const stop = new AbortController();

  before(async () => {
    env = await ControlPlane.start({
      nodes: 0,
      apiServerFlags: { 'watch-cache': 'false', 'etcd-compaction-interval': '1s' },
    });
    proxy = await TcpProxy.start(new URL(env.server));
    api = new KubeClient({ kubeConfig: env.kubeConfig });
  });
  after(async () => {
    stop.abort();
    await proxy.stop();
    await env.stop();
  });

  it('relists after 410 Gone and loses no event: adds, updates and deletes made during the gap all arrive', async () => {
    const ns = 'gone';
    await api.create(Namespace, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    const errors: string[] = [];
    const cache = new SharedInformerCache({
      kubeConfig: proxy.kubeConfigFor(env.kubeConfig),
      resyncPeriodMs: 0,
      watcher: { backoff: new ExponentialBackoff({ initialMs: 300, maxMs: 300, jitter: 0 }) },
      onError: (e) => errors.push(e.message),
    });
    const informer = cache.getInformer(ConfigMap, { namespace: ns });
    const log = new EventLog(informer);
    await api.create(ConfigMap, configMap(ns, 'doomed'));
    const changed = await api.create(ConfigMap, configMap(ns, 'changed', { v: '1' }));
    await api.create(ConfigMap, configMap(ns, 'same'));
    void cache.start(stop.signal);
    await cache.waitForCacheSync();
    await waitFor('the watch', () => informer.phase === 'Watching');
    log.clear();

    proxy.cut();
    await api.delete(ConfigMap, { namespace: ns, name: 'doomed' });
    await api.update(ConfigMap, { ...changed, data: { v: '2' } });
    await api.create(ConfigMap, configMap(ns, 'born'));
    // More revisions, then two compaction intervals: the informer's resourceVersion is compacted away.
    for (let i = 0; i < 3; i++) {
      await api.create(Secret, {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { namespace: ns, name: `s${i}` },
      });
      await new Promise((resolve) => setTimeout(resolve, 1100));
    }
    const m0 = await env.apiServerMetrics();
    proxy.heal();

    await waitFor('the three changes', () => log.lines.length >= 3, 20_000);
    assert.ok(
      errors.some((e) => /410 Gone/.test(e)),
      `expected a 410 among:\n${errors.join('\n')}`,
    );
    const m1 = await env.apiServerMetrics();
    assert.ok(
      apiServerRequests(m1, 'configmaps', 'LIST') - apiServerRequests(m0, 'configmaps', 'LIST') >= 1,
      'relisted',
    );
    assert.deepEqual(log.lines.sort(), ['add born (initial)', 'delete doomed', 'update changed']);
    const fromApi = await api.list(ConfigMap, { namespace: ns });
    assert.deepEqual(
      informer.store
        .list()
        .map((o) => `${o.metadata?.name ?? ''}@${o.metadata?.resourceVersion ?? ''}`)
        .sort(),
      fromApi.map((o) => `${o.metadata?.name ?? ''}@${o.metadata?.resourceVersion ?? ''}`).sort(),
    );
  });

  it('falls back to one full list when a continue token expires, instead of restarting the paginated list forever', async () => {
    const ns = 'expired-continue';
    await api.create(Namespace, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    for (let i = 0; i < 5; i++) await api.create(ConfigMap, configMap(ns, `cm-${i}`));
    const lb = await HttpProxy.start(env.kubeConfig);
    // Every request for a next page is held until the first page's snapshot is compacted away: a list slower than
    // compaction, as a big list on a busy cluster is. Restarting it from the first page would only expire again.
    let ended = false;
    lb.beforeForward = async (req) => {
      if (!/[?&]continue=/.test(req.url ?? '')) return;
      for (let i = 0; i < 3 && !ended; i++) {
        await api.create(Secret, {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { namespace: ns, generateName: 'bump-' },
        });
        await new Promise((resolve) => setTimeout(resolve, 1100));
      }
    };
    const errors: string[] = [];
    const cache = new SharedInformerCache({
      kubeConfig: lb.kubeConfig(),
      resyncPeriodMs: 0,
      watcher: { pageSize: 2, backoff: new ExponentialBackoff({ initialMs: 300, maxMs: 300, jitter: 0 }) },
      onError: (e) => errors.push(e.message),
    });
    const informer = cache.getInformer(ConfigMap, { namespace: ns });
    const listsBefore = apiServerRequests(await env.apiServerMetrics(), 'configmaps', 'LIST');
    const cacheStop = new AbortController();
    const running = cache.start(cacheStop.signal);
    try {
      await waitFor('the informer to sync', () => informer.hasSynced(), 20_000).catch((err: unknown) => {
        throw new Error(`${String(err)}; requests: ${lb.received.join(', ')}; errors:\n${errors.join('\n')}`);
      });
      assert.deepEqual(
        informer.store
          .list()
          .map((o) => o.metadata?.name)
          .sort(),
        ['cm-0', 'cm-1', 'cm-2', 'cm-3', 'cm-4'],
      );
      assert.ok(
        errors.some((e) => /410/.test(e)),
        `expected the expired continue token among:\n${errors.join('\n')}`,
      );
      // The first page, the continuation refused with 410, then one list without a limit (client-go's pager).
      const lists = lb.received.filter(
        (r) => /^GET [^?]*\/configmaps(\?|$)/.test(r) && !/watch=true/.test(r),
      );
      assert.equal(lists.length, 3, lists.join('\n'));
      assert.match(lists[0] ?? '', /limit=2/);
      assert.match(lists[1] ?? '', /continue=/);
      assert.doesNotMatch(lists[2] ?? '', /limit=|continue=/);
      const listsAfter = apiServerRequests(await env.apiServerMetrics(), 'configmaps', 'LIST');
      assert.equal(listsAfter - listsBefore, 3, 'the API server served three LISTs of configmaps');
    } finally {
      ended = true;
      cacheStop.abort();
      await running;
      await lb.stop();
    }
  });
});
