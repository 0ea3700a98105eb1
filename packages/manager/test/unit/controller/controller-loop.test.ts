import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubernetesObject } from '@kubernetes/client-node';
import winston from 'winston';
import type { Cache } from '../../../src/cache/cache.js';
import type { Informer, ResourceEventHandler } from '../../../src/cache/informer.js';
import { Controller, getControllerMetadata } from '../../../src/controller/index.js';
import { ControllerLoop } from '../../../src/controller/controller-loop.js';
import { ConfigMap } from '../../../src/kinds/builtin-kinds.js';
import { newLogger } from '../../../src/log/new-logger.js';
import type { ReconcileContext, Reconciler, Request } from '../../../src/reconcile/index.js';
import { reconcileTimeouts } from '../../../src/metrics/controller-metrics.js';

/**
 * An in-memory stand-in for the cache, to test the loop's scheduling in isolation: the loop only needs informers to
 * register handlers on, and a sync to wait for. The API-facing behaviour is tested against a real API server in
 * test/integration.
 */
class MemoryInformer implements Informer<KubernetesObject> {
  readonly kind = ConfigMap as unknown as Informer<KubernetesObject>['kind'];
  readonly phase = 'Watching' as const;
  readonly lastSyncResourceVersion = '1';
  readonly handlers = new Set<ResourceEventHandler<KubernetesObject>>();
  readonly store = { get: () => undefined, list: () => [], byIndex: () => [] };
  hasSynced(): boolean {
    return true;
  }
  addEventHandler(handler: ResourceEventHandler<KubernetesObject>) {
    this.handlers.add(handler);
    return { remove: () => this.handlers.delete(handler) };
  }
  add(name: string, initial: boolean): void {
    for (const h of this.handlers) h.onAdd?.(cm(name, '1'), initial);
  }
  update(name: string, rv: string, resync = false): void {
    for (const h of this.handlers) h.onUpdate?.(cm(name, resync ? rv : '0'), cm(name, rv), resync);
  }
}

const cm = (name: string, resourceVersion: string): KubernetesObject => ({
  metadata: { namespace: 'ns', name, resourceVersion },
});

function memoryCache(informer: MemoryInformer): Cache {
  return {
    getInformer: () => informer,
    indexField: () => undefined,
    start: () => Promise.resolve(),
    waitForCacheSync: () => Promise.resolve(true),
    get: () => Promise.resolve(undefined),
    list: () => Promise.resolve([]),
  } as unknown as Cache;
}

const silent = () => newLogger({ transports: [new winston.transports.Console({ silent: true })] });

@Controller({ name: 'loop-unit', for: ConfigMap })
class Scripted implements Reconciler {
  readonly order: string[] = [];
  readonly signals: AbortSignal[] = [];
  gate: Promise<void> | undefined;
  async reconcile(req: Request, ctx: ReconcileContext): Promise<void> {
    this.order.push(req.name);
    this.signals.push(ctx.signal);
    if (this.gate) await this.gate;
  }
}

@Controller({ name: 'loop-timeout', for: ConfigMap, reconcileTimeoutMs: 30 })
class Slow implements Reconciler {
  readonly reasons: unknown[] = [];
  async reconcile(_req: Request, ctx: ReconcileContext): Promise<void> {
    await new Promise((resolve) => {
      ctx.signal.addEventListener('abort', resolve, { once: true });
    });
    this.reasons.push(ctx.signal.reason);
    throw ctx.signal.reason;
  }
}

@Controller({ name: 'loop-odd-throw', for: ConfigMap })
class OddThrower implements Reconciler {
  readonly seen: string[] = [];
  reconcile(req: Request): Promise<void> {
    this.seen.push(req.name);
    // A thrown value that cannot even be turned into a string (no prototype, so no toString).
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the point of the test
    if (req.name === 'odd' && this.seen.length === 1) return Promise.reject(Object.create(null) as unknown);
    return Promise.resolve();
  }
}

function loopFor(cls: new () => Reconciler, informer: MemoryInformer) {
  const metadata = getControllerMetadata(cls);
  assert.ok(metadata);
  const reconciler = new cls();
  const loop = new ControllerLoop({ metadata, reconciler, cache: memoryCache(informer), logger: silent() });
  return { loop, reconciler };
}

describe('ControllerLoop', () => {
  it('reconciles live changes before the initial-list backlog, and a live event raises a queued key', async () => {
    const informer = new MemoryInformer();
    const { loop, reconciler } = loopFor(Scripted, informer);
    const r = reconciler as Scripted;
    let open!: () => void;
    r.gate = new Promise((resolve) => (open = resolve));
    await loop.start();
    for (const name of ['a', 'b', 'c', 'd']) informer.add(name, true); // the initial list, at low priority
    await sleep(5); // 'a' is in flight, held by the gate
    informer.add('live', false);
    informer.update('d', '2'); // a real change to a key queued by the list
    informer.update('b', '1', true); // a resync replays 'b': stays low
    r.gate = undefined;
    open();
    await sleep(20);
    // Among live keys, first-queued first: 'd' was queued (low) before 'live' arrived, as controller-runtime's.
    assert.deepEqual(r.order, ['a', 'd', 'live', 'b', 'c']);
    await loop.stop('drain');
  });

  it('aborts a reconcile at reconcileTimeoutMs and retries it', async () => {
    const informer = new MemoryInformer();
    const { loop, reconciler } = loopFor(Slow, informer);
    await loop.start();
    informer.add('x', false);
    await sleep(150);
    const reasons = (reconciler as Slow).reasons;
    assert.ok(reasons.length >= 2, `timed out and retried: ${reasons.length} runs`);
    assert.match(String(reasons[0]), /timed out after 30 ms/);
    await loop.stop('abort');
    const timeouts = (await reconcileTimeouts.get()).values.find(
      (v) => v.labels.controller === 'loop-timeout',
    );
    // The last run may end by stop('abort') rather than by its timeout.
    const timedOut = reasons.filter((r) => /timed out/.test(String(r))).length;
    assert.ok(timedOut >= 2);
    assert.equal(timeouts?.value, timedOut, 'controller_runtime_reconcile_timeouts_total counts each one');
  });

  it("stop('abort') aborts in-flight signals; stop('drain') leaves them alone", async () => {
    for (const mode of ['drain', 'abort'] as const) {
      const informer = new MemoryInformer();
      const { loop, reconciler } = loopFor(Scripted, informer);
      const r = reconciler as Scripted;
      let open!: () => void;
      r.gate = new Promise((resolve) => (open = resolve));
      await loop.start();
      informer.add('a', false);
      await sleep(5);
      const stopped = loop.stop(mode);
      informer.add('b', false); // after stop: not taken
      await sleep(5);
      assert.equal(r.signals[0]?.aborted, mode === 'abort');
      open();
      await stopped;
      assert.deepEqual(r.order, ['a']);
    }
  });
  it('survives a reconciler that throws a value with no string form: counted, retried, the worker lives on', async () => {
    const informer = new MemoryInformer();
    const { loop, reconciler } = loopFor(OddThrower, informer);
    await loop.start();
    informer.add('odd', false);
    await sleep(30);
    informer.add('next', false);
    await sleep(30);
    const seen = (reconciler as OddThrower).seen;
    assert.ok(seen.filter((n) => n === 'odd').length >= 2, `retried: ${JSON.stringify(seen)}`);
    assert.ok(seen.includes('next'), `the worker kept working: ${JSON.stringify(seen)}`);
    await loop.stop('drain');
  });
});
