/* eslint-disable @typescript-eslint/no-misused-spread -- client-node models are classes, API objects are plain JSON */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { V1ConfigMap } from '@kubernetes/client-node';
import { ControlPlane } from '@spoke/envtest';
import { SharedInformerCache } from '../../../src/cache/shared-informer-cache.js';
import { KubeClient } from '../../../src/client/kube-client.js';
import { ConfigMap, Namespace } from '../../../src/kinds/builtin-kinds.js';
import { EventLog } from '../../support/event-log.js';
import { apiServerRequests, metricSum, openWatches } from '../../support/metrics.js';
import { waitFor } from '../../support/wait-for.js';

const objects = 120;

/** The initial sync of a cache by streaming list and by paginated LIST, witnessed by kube-apiserver's own counters. */
async function populate(api: KubeClient, ns: string): Promise<void> {
  await api.create(Namespace, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  for (let i = 0; i < objects; i++) {
    const cm: V1ConfigMap = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { namespace: ns, name: `cm-${i}` },
    };
    await api.create(ConfigMap, cm);
  }
}

/** Syncs a cache of the namespace's ConfigMaps; returns it, its event log and the API server's counter deltas. */
async function syncedCache(
  env: ControlPlane,
  ns: string,
  streamingList: boolean,
  stops: AbortController[],
  metadataOnly = false,
) {
  const errors: string[] = [];
  const cache = new SharedInformerCache({
    kubeConfig: env.kubeConfig,
    resyncPeriodMs: 0,
    watcher: { streamingList, pageSize: 50 },
    onError: (e) => errors.push(e.message),
  });
  const informer = cache.getInformer(ConfigMap, { namespace: ns, metadataOnly });
  const log = new EventLog(informer);
  const m0 = await env.apiServerMetrics();
  const stop = new AbortController();
  stops.push(stop);
  void cache.start(stop.signal);
  assert.equal(await cache.waitForCacheSync(), true);
  const m1 = await env.apiServerMetrics();
  const delta = (verb: string, code?: string) =>
    code === undefined
      ? apiServerRequests(m1, 'configmaps', verb) - apiServerRequests(m0, 'configmaps', verb)
      : metricSum(m1, 'apiserver_request_total', { resource: 'configmaps', verb, code }) -
        metricSum(m0, 'apiserver_request_total', { resource: 'configmaps', verb, code });
  /** A WATCH is counted in `apiserver_request_total` when it ends; an open one shows in the long-running gauge. */
  const watchesOpened = async () =>
    openWatches(await env.apiServerMetrics(), 'configmaps') - openWatches(m0, 'configmaps');
  return { cache, informer, log, delta, errors, watchesOpened };
}

/** The same changes after the sync arrive as the same events, and the store matches the API. */
async function assertLiveEvents(api: KubeClient, ns: string, cache: SyncedCache): Promise<void> {
  cache.log.clear();
  const created = await api.create(ConfigMap, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { namespace: ns, name: 'later' },
  });
  await api.update(ConfigMap, { ...created, data: { v: '2' } });
  await api.delete(ConfigMap, { namespace: ns, name: 'cm-0' });
  await waitFor('three events', () => cache.log.lines.length === 3);
  assert.deepEqual(cache.log.lines, ['add later', 'update later', 'delete cm-0']);
  const fromApi = await api.list(ConfigMap, { namespace: ns });
  const names = (list: readonly V1ConfigMap[]) => list.map((o) => o.metadata?.name ?? '').sort();
  assert.deepEqual(names(await cache.cache.list(ConfigMap, { namespace: ns })), names(fromApi));
}

type SyncedCache = Awaited<ReturnType<typeof syncedCache>>;

describe('initial sync by streaming list against a real API server (WatchList gate on)', () => {
  let env: ControlPlane;
  let api: KubeClient;
  const stops: AbortController[] = [];

  before(async () => {
    env = await ControlPlane.start({ nodes: 0 });
    api = new KubeClient({ kubeConfig: env.kubeConfig });
  });
  after(async () => {
    for (const stop of stops) stop.abort();
    await env.stop();
  });

  it('syncs every object from one WATCH and no LIST, then sees the same events as a watch', async () => {
    const ns = 'streamed';
    await populate(api, ns);
    const synced = await syncedCache(env, ns, true, stops);
    assert.equal(synced.delta('LIST'), 0, 'kube-apiserver served no LIST of configmaps');
    assert.equal(await synced.watchesOpened(), 1, 'one WATCH, open, which carried the initial state');
    assert.equal(synced.log.count('add '), objects);
    assert.equal(
      synced.log.count('add ') - synced.log.lines.filter((l) => l.endsWith('(initial)')).length,
      0,
    );
    assert.deepEqual(synced.errors, []);
    await assertLiveEvents(api, ns, synced);
  });

  it('streams a metadata-only informer too: names without bodies, and no LIST', async () => {
    const ns = 'streamed-metadata';
    await populate(api, ns);
    await api.update(ConfigMap, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { namespace: ns, name: 'cm-1' },
      data: { big: 'body' },
    });
    const synced = await syncedCache(env, ns, true, stops, true);
    assert.equal(synced.delta('LIST'), 0);
    assert.equal(synced.informer.store.list().length, objects);
    const one = synced.informer.store.get(`${ns}/cm-1`);
    assert.ok(one);
    assert.equal(one.metadata?.name, 'cm-1');
    assert.equal(one.kind, 'ConfigMap');
    assert.equal(one.data, undefined, 'metadata only');
  });

  it('lists by pages when the option is off: three LISTs of 50 for 120 objects', async () => {
    const ns = 'paged';
    await populate(api, ns);
    const synced = await syncedCache(env, ns, false, stops);
    assert.equal(synced.delta('LIST'), 3);
    assert.equal(synced.log.count('add '), objects);
    await assertLiveEvents(api, ns, synced);
  });
});

describe('initial sync by streaming list against a server that does not serve it (WatchList gate off)', () => {
  let env: ControlPlane;
  let api: KubeClient;
  const stops: AbortController[] = [];

  before(async () => {
    env = await ControlPlane.start({ nodes: 0, apiServerFlags: { 'feature-gates': 'WatchList=false' } });
    api = new KubeClient({ kubeConfig: env.kubeConfig });
  });
  after(async () => {
    for (const stop of stops) stop.abort();
    await env.stop();
  });

  it('falls back to a paginated LIST after the one refused WATCH (422), and then watches as usual', async () => {
    const ns = 'fallback';
    await populate(api, ns);
    const synced = await syncedCache(env, ns, true, stops);
    assert.equal(synced.delta('WATCH', '422'), 1, 'the streaming list was asked for, and refused');
    assert.equal(synced.delta('LIST'), 3, 'then listed by pages');
    assert.equal(synced.log.count('add '), objects);
    assert.equal(synced.errors.length, 1);
    assert.match(synced.errors[0] ?? '', /does not serve streaming lists: listing by pages instead/);
    await assertLiveEvents(api, ns, synced);
  });
});
