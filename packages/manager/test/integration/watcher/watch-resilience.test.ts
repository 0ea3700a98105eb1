/* eslint-disable @typescript-eslint/no-misused-spread -- client-node models are classes, API objects are plain JSON */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { V1ConfigMap } from '@kubernetes/client-node';
import { ControlPlane } from '@spoke/envtest';
import { ExponentialBackoff, type Backoff } from '../../../src/watcher/backoff.js';
import { SharedInformerCache } from '../../../src/cache/shared-informer-cache.js';
import { KubeClient } from '../../../src/client/kube-client.js';
import { ConfigMap, Namespace, Secret } from '../../../src/kinds/builtin-kinds.js';
import { configMap } from '../../support/config-map.js';
import { EventLog } from '../../support/event-log.js';
import { HttpProxy } from '../../support/http-proxy.js';
import { apiServerRequests } from '../../support/metrics.js';
import { TcpProxy } from '../../support/tcp-proxy.js';
import { waitFor } from '../../support/wait-for.js';

/** The informers' own user: the audit log tells their requests from the test's. */
const informerUser = 'informer';

/** The informers' lists and watches, as kube-apiserver's audit log records them: which path a watcher took. */
const auditPolicy = {
  apiVersion: 'audit.k8s.io/v1',
  kind: 'Policy',
  omitStages: ['RequestReceived'],
  rules: [{ level: 'Metadata', users: [informerUser], verbs: ['list', 'watch'] }, { level: 'None' }],
};

/** The informers' requests for ConfigMaps in `namespace`, oldest first: `list` or `watch`, the URI, when. */
function informerRequests(path: string, namespace: string): { verb: string; uri: string; at: number }[] {
  const seen = new Set<string>();
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map(
      (line) =>
        JSON.parse(line) as {
          auditID: string;
          verb: string;
          requestURI: string;
          objectRef?: { resource?: string; namespace?: string };
          requestReceivedTimestamp: string;
        },
    )
    .filter((e) => {
      if (seen.has(e.auditID)) return false; // a watch is logged when it starts and when it ends
      seen.add(e.auditID);
      return e.objectRef?.resource === 'configmaps' && e.objectRef.namespace === namespace;
    })
    .map((e) => ({ verb: e.verb, uri: e.requestURI, at: Date.parse(e.requestReceivedTimestamp) }));
}

/**
 * The informer talks to the API server through a TCP proxy the test controls, so the test decides when its watch
 * is down; the test's own writes go direct.
 */
describe('watch resilience: disconnects, silence, API server restarts and watches closed at once', () => {
  let env: ControlPlane;
  let proxy: TcpProxy;
  let api: KubeClient;
  const stops: AbortController[] = [];

  async function watched(
    ns: string,
    watcher: ConstructorParameters<typeof SharedInformerCache>[0]['watcher'] = {},
  ) {
    await api.create(Namespace, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    const errors: string[] = [];
    const cache = new SharedInformerCache({
      kubeConfig: proxy.kubeConfigFor(env.userKubeConfig({ name: informerUser, groups: ['system:masters'] })),
      resyncPeriodMs: 0,
      watcher,
      onError: (e) => errors.push(e.message),
    });
    const informer = cache.getInformer(ConfigMap, { namespace: ns });
    const log = new EventLog(informer);
    const stop = new AbortController();
    stops.push(stop);
    void cache.start(stop.signal);
    return { cache, informer, log, errors, ready: () => cache.waitForCacheSync(), stop };
  }

  async function storeMatchesApi(
    ns: string,
    informer: { store: { list(): V1ConfigMap[] } },
  ): Promise<boolean> {
    const fromApi = await api.list(ConfigMap, { namespace: ns });
    const names = (list: V1ConfigMap[]) =>
      list.map((o) => `${o.metadata?.name ?? ''}@${o.metadata?.resourceVersion ?? ''}`).sort();
    return JSON.stringify(names(informer.store.list())) === JSON.stringify(names(fromApi));
  }

  before(async () => {
    env = await ControlPlane.start({ nodes: 0, auditPolicy });
    proxy = await TcpProxy.start(new URL(env.server));
    api = new KubeClient({ kubeConfig: env.kubeConfig });
  });
  after(async () => {
    for (const stop of stops) stop.abort();
    await proxy.stop();
    await env.stop();
  });

  it('resumes from the last resourceVersion after a disconnect, without relisting, and sees what changed meanwhile', async () => {
    const ns = 'disconnect';
    const { informer, log, ready } = await watched(ns, {
      backoff: new ExponentialBackoff({ initialMs: 200, maxMs: 400 }),
    });
    await api.create(ConfigMap, configMap(ns, 'doomed'));
    const kept = await api.create(ConfigMap, configMap(ns, 'kept', { v: '1' }));
    await ready();
    await waitFor('the initial objects', () => informer.store.list().length === 2);
    await waitFor('the watch', () => informer.phase === 'Watching');
    const m0 = await env.apiServerMetrics();

    proxy.cut();
    await waitFor('the informer to notice', () => informer.phase !== 'Watching');
    await api.delete(ConfigMap, { namespace: ns, name: 'doomed' });
    await api.update(ConfigMap, { ...kept, data: { v: '2' } });
    await api.create(ConfigMap, configMap(ns, 'born'));
    log.clear();
    proxy.heal();

    await waitFor('the three changes', () => log.lines.length >= 3);
    assert.deepEqual(log.lines, ['delete doomed', 'update kept', 'add born']);
    const m1 = await env.apiServerMetrics();
    assert.equal(
      apiServerRequests(m1, 'configmaps', 'LIST') - apiServerRequests(m0, 'configmaps', 'LIST'),
      0,
      'no relist',
    );
    assert.equal(informer.store.get(`${ns}/doomed`), undefined, 'no ghost');
    assert.ok(await storeMatchesApi(ns, informer));
  });

  it('reopens a watch that went silent once the inactivity timeout passes', async () => {
    const ns = 'silence';
    const { informer, log, errors, ready } = await watched(ns, {
      inactivityTimeoutMs: 1500,
      // Idle pooled connections are frozen too: a request on one must time out as well.
      requestTimeoutMs: 1500,
      backoff: new ExponentialBackoff({ initialMs: 100, maxMs: 200 }),
    });
    await ready();
    await waitFor('the watch', () => informer.phase === 'Watching');

    proxy.freeze();
    await api.create(ConfigMap, configMap(ns, 'while-silent'));
    await waitFor('the add after reconnecting', () => log.has('add while-silent'), 10_000).catch(
      (err: unknown) => {
        throw new Error(`${String(err)}; informer errors:\n${errors.join('\n')}`);
      },
    );
    assert.ok(
      errors.some((e) => /no event or bookmark for 1500 ms/.test(e)),
      errors.join('\n'),
    );
  });

  it('survives an API server restart: resumes, sees later events, and drops objects deleted while it was down', async (t) => {
    const ns = 'restart';
    // A long backoff keeps the informer away while the test changes things behind its back.
    const { informer, log, errors, ready } = await watched(ns, {
      backoff: new ExponentialBackoff({ initialMs: 1000, maxMs: 1000, jitter: 0 }),
    });
    await api.create(ConfigMap, configMap(ns, 'doomed'));
    await api.create(ConfigMap, configMap(ns, 'kept'));
    await ready();
    await waitFor('the initial objects', () => informer.store.list().length === 2);

    proxy.cut();
    await env.restartApiServer();
    await api.delete(ConfigMap, { namespace: ns, name: 'doomed' });
    // Writes elsewhere move the global resourceVersion past the informer's, as a busy cluster would.
    await api.create(Secret, { apiVersion: 'v1', kind: 'Secret', metadata: { namespace: ns, name: 's1' } });
    await api.create(Secret, { apiVersion: 'v1', kind: 'Secret', metadata: { namespace: ns, name: 's2' } });
    log.clear();
    const healedAt = Date.now();
    proxy.heal();

    await waitFor('the delete of the object removed while down', () => log.has('delete doomed'), 20_000);
    await waitFor('the watch', () => informer.phase === 'Watching');
    await api.create(ConfigMap, configMap(ns, 'after-restart'));
    await waitFor('an event after the restart', () => log.has('add after-restart'));
    assert.equal(informer.store.get(`${ns}/doomed`), undefined, 'no ghost');
    assert.ok(await storeMatchesApi(ns, informer));
    // Which path ran, by the server's answer and the informer's requests in the audit log: the restarted server
    // either serves the watch from the informer's last resourceVersion (resumed: no list, the delete arrives as a
    // watch event) or refuses it with 410 Gone (relisted: a LIST, the delete found by the diff). Either is right;
    // which one, and that the informer followed it, is asserted.
    const requests = informerRequests(env.auditLogPath ?? '', ns).filter((r) => r.at >= healedAt);
    const lists = requests.filter((r) => r.verb === 'list').length;
    // 410 as a number of its own: the connection errors while the proxy was cut name its port, which may hold "410".
    const gone = errors.some((e) => /(?<!\d)410(?!\d)|too old/i.test(e));
    t.diagnostic(
      `after the restart the informer ${gone ? 'got 410 Gone and relisted' : 'resumed its watch'}; errors: ${errors.join(' | ')}`,
    );
    if (gone) {
      assert.ok(
        lists >= 1,
        `relisted after the 410: ${JSON.stringify(requests)}; errors: ${errors.join(' | ')}`,
      );
    } else {
      assert.equal(
        lists,
        0,
        `resumed without listing: ${JSON.stringify(requests)}; errors: ${errors.join(' | ')}`,
      );
      const watch = requests.find((r) => r.verb === 'watch');
      assert.match(
        watch?.uri ?? '',
        /[?&]resourceVersion=[1-9]\d*/,
        `watched on from a resourceVersion it had: ${JSON.stringify(requests)}`,
      );
    }
  });

  it('restarts an informer that failed (here: its backoff threw) with a fresh list, and it delivers events again', async () => {
    const ns = 'crash';
    let explosions = 1;
    const backoff: Backoff = {
      next: () => {
        if (explosions-- > 0) throw new Error('backoff exploded');
        return 100;
      },
      reset: () => undefined,
    };
    const { cache, informer, log, errors, ready } = await watched(ns, { backoff });
    await ready();
    await waitFor('the watch', () => informer.phase === 'Watching');
    proxy.cut();
    await waitFor('the failure', () => errors.some((e) => /backoff exploded/.test(e)));
    proxy.heal();
    await api.create(ConfigMap, configMap(ns, 'during-restart'));
    // Created while the informer was down: its fresh list brings it.
    await waitFor(
      'the relist after the restart',
      () => log.has('add during-restart (initial)'),
      15_000,
    ).catch((err: unknown) => {
      throw new Error(`${String(err)}; informer errors:\n${errors.join('\n')}`);
    });
    await waitFor('the watch', () => informer.phase === 'Watching');
    await api.create(ConfigMap, configMap(ns, 'after-restart'));
    await waitFor('a live event after the restart', () => log.has('add after-restart'));
    assert.ok(
      errors.some((e) => /failed: backoff exploded; restarting with a fresh list/.test(e)),
      errors.join('\n'),
    );
    assert.doesNotThrow(() => {
      cache.livenessCheck();
    });
    assert.ok(await storeMatchesApi(ns, informer));
  });

  it('fails the liveness check, naming the informer, when it fails again and again without completing a list', async () => {
    const ns = 'crash-loop';
    const backoff: Backoff = {
      next: () => {
        throw new Error('backoff always explodes');
      },
      reset: () => undefined,
    };
    const { cache, informer, errors, ready } = await watched(ns, { backoff });
    await ready();
    await waitFor('the watch', () => informer.phase === 'Watching');
    assert.doesNotThrow(() => {
      cache.livenessCheck();
    });
    proxy.cut();
    try {
      await waitFor(
        'the liveness check to fail',
        () => {
          try {
            cache.livenessCheck();
            return false;
          } catch {
            return true;
          }
        },
        15_000,
      );
    } finally {
      proxy.heal();
    }
    assert.throws(() => {
      cache.livenessCheck();
    }, /informer core\/v1\/ConfigMap in namespace crash-loop failed 3 times in a row without completing a list: .*backoff always explodes/);
    const health = cache.health().find((h) => h.namespace === ns);
    assert.equal(health?.phase, 'Stopped', 'so /readyz fails too');
    assert.match(health.failure ?? '', /backoff always explodes/);
    assert.ok(
      errors.some((e) => /giving up/.test(e)),
      errors.join('\n'),
    );
  });

  it('backs off when every watch is closed at once, instead of reopening it in a hot loop', async () => {
    const ns = 'closed-at-once';
    await api.create(Namespace, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    const lb = await HttpProxy.start(env.kubeConfig);
    lb.closeWatchesAtOnce = true;
    const errors: string[] = [];
    // The default backoff (800 ms doubling, 25% jitter), as a manager would run it.
    const cache = new SharedInformerCache({
      kubeConfig: lb.kubeConfig(),
      resyncPeriodMs: 0,
      onError: (e) => errors.push(e.message),
    });
    cache.getInformer(ConfigMap, { namespace: ns });
    const stop = new AbortController();
    const running = cache.start(stop.signal);
    try {
      assert.equal(await cache.waitForCacheSync(), true);
      const m0 = await env.apiServerMetrics();
      const windowMs = 4000;
      await new Promise((resolve) => setTimeout(resolve, windowMs));
      const m1 = await env.apiServerMetrics();
      const watches =
        apiServerRequests(m1, 'configmaps', 'WATCH') - apiServerRequests(m0, 'configmaps', 'WATCH');
      // Backing off from 600-800 ms and doubling: at most ~4 watches in 4 s (a hot loop makes hundreds). At least
      // 2: the informer did keep trying, and the API server counted what the proxy forwarded.
      assert.ok(watches >= 2 && watches <= 6, `${watches} WATCH requests in ${windowMs} ms`);
      assert.ok(
        errors.some((e) => /very short watch/.test(e)),
        `expected a very short watch among:\n${errors.slice(0, 5).join('\n')}`,
      );
    } finally {
      stop.abort();
      await running;
      await lb.stop();
    }
  });
});
