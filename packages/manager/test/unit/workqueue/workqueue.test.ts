import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BucketRateLimiter,
  ItemExponentialFailureRateLimiter,
  LowPriority,
  MaxOfRateLimiter,
  RateLimitingQueue,
  defaultControllerRateLimiter,
} from '../../../src/workqueue/index.js';
import { FakeClock } from '../../../src/testing/index.js';
import { metricsRegistry } from '../../../src/metrics/registry.js';

/** Resolves the value of `p` if it is already settled after a microtask turn, else 'pending'. */
async function settled<T>(p: Promise<T>): Promise<T | 'pending'> {
  return Promise.race([
    p,
    new Promise<'pending'>((r) => {
      setImmediate(() => {
        r('pending');
      });
    }),
  ]);
}

describe('ItemExponentialFailureRateLimiter', () => {
  it('doubles from 5 ms per failure of one item and caps at 1000 s', () => {
    const rl = new ItemExponentialFailureRateLimiter();
    const delays = Array.from({ length: 8 }, () => rl.when('a'));
    assert.deepEqual(delays, [5, 10, 20, 40, 80, 160, 320, 640]);
    for (let i = 0; i < 30; i++) rl.when('a');
    assert.equal(rl.when('a'), 1_000_000);
    assert.equal(rl.numRequeues('a'), 39);
  });

  it('tracks items independently and forget restarts the backoff', () => {
    const rl = new ItemExponentialFailureRateLimiter(1, 100);
    rl.when('a');
    rl.when('a');
    assert.equal(rl.when('b'), 1);
    rl.forget('a');
    assert.equal(rl.numRequeues('a'), 0);
    assert.equal(rl.when('a'), 1);
  });

  it('never overflows to Infinity or NaN after very many failures', () => {
    const rl = new ItemExponentialFailureRateLimiter(5, 1_000_000);
    for (let i = 0; i < 2000; i++) rl.when('a');
    assert.equal(rl.when('a'), 1_000_000);
  });
});

describe('BucketRateLimiter', () => {
  it('lets a burst through, then spaces retries at 1/qps and refills over time', () => {
    const clock = new FakeClock();
    const rl = new BucketRateLimiter({ qps: 10, burst: 3, clock });
    assert.deepEqual([rl.when('a'), rl.when('b'), rl.when('c')], [0, 0, 0]);
    assert.equal(rl.when('d'), 100);
    assert.equal(rl.when('e'), 200);
    clock.step(1000); // tokens: -2 + 10 → capped at 3
    assert.deepEqual([rl.when('f'), rl.when('g'), rl.when('h')], [0, 0, 0]);
    assert.equal(rl.when('i'), 100);
  });
});

describe('defaultControllerRateLimiter', () => {
  it('is the max of per-item backoff and the 10 qps / burst 100 bucket', () => {
    const clock = new FakeClock();
    const rl = defaultControllerRateLimiter(clock);
    assert.equal(rl.when('x'), 5);
    assert.equal(rl.when('x'), 10);
    // Burn the rest of the burst on other items: per-item delays are 5 ms, so the bucket decides.
    for (let i = 0; i < 98; i++) rl.when(`k${i}`);
    assert.equal(rl.when('y'), 100);
    rl.forget('x');
    assert.equal(rl.numRequeues('x'), 0);
  });

  it('MaxOfRateLimiter records the failure in every limiter', () => {
    const a = new ItemExponentialFailureRateLimiter(1, 1000);
    const b = new ItemExponentialFailureRateLimiter(2, 1000);
    const rl = new MaxOfRateLimiter(a, b);
    assert.equal(rl.when('k'), 2);
    assert.equal(rl.when('k'), 4);
    assert.equal(a.numRequeues('k'), 2);
    assert.equal(rl.numRequeues('k'), 2);
  });
});

describe('RateLimitingQueue', () => {
  const newQueue = (clock = new FakeClock()) =>
    new RateLimitingQueue<string>({ clock, rateLimiter: new ItemExponentialFailureRateLimiter(5, 1000) });

  it('queues a key once however many times it is added', async () => {
    const q = newQueue();
    for (let i = 0; i < 1000; i++) q.add('default/a');
    q.add('default/b');
    assert.equal(q.len(), 2);
    assert.equal(await q.get(), 'default/a');
    assert.equal(await q.get(), 'default/b');
    assert.equal(q.len(), 0);
  });

  it('hands out in FIFO order among equal priorities', async () => {
    const q = newQueue();
    for (const k of ['c', 'a', 'b']) q.add(k);
    assert.deepEqual([await q.get(), await q.get(), await q.get()], ['c', 'a', 'b']);
  });

  it('never hands one key to two workers: an add while processing waits for done', async () => {
    const q = newQueue();
    q.add('k');
    assert.equal(await q.get(), 'k');
    q.add('k');
    q.add('k');
    const second = q.get();
    assert.equal(await settled(second), 'pending');
    q.done('k');
    assert.equal(await settled(second), 'k');
    q.done('k');
    assert.equal(q.len(), 0);
  });

  it('a key added while processing is handed out once after done, after other keys are not blocked', async () => {
    const q = newQueue();
    q.add('a');
    assert.equal(await q.get(), 'a');
    q.add('a');
    q.add('b');
    assert.equal(await q.get(), 'b');
    q.done('a');
    assert.equal(await q.get(), 'a');
  });

  it('hands out higher priority first; a live add raises a low-priority queued key', async () => {
    const q = newQueue();
    q.add('initial-1', { priority: LowPriority });
    q.add('initial-2', { priority: LowPriority });
    q.add('live');
    q.add('initial-2'); // a live event for a key queued by the initial list
    // Raised to 0, 'initial-2' keeps its place in line: queued before 'live', handed out before it, as
    // controller-runtime's priority queue (and this package's controller-loop test) order equal priorities.
    assert.deepEqual([await q.get(), await q.get(), await q.get()], ['initial-2', 'live', 'initial-1']);
  });

  it('a low-priority add never lowers a queued key', async () => {
    const q = newQueue();
    q.add('a');
    q.add('b', { priority: LowPriority });
    q.add('a', { priority: LowPriority });
    const got = await q.getWithPriority();
    assert.deepEqual(got, { item: 'a', priority: 0 });
  });

  it('addAfter delays until the clock reaches the time, then wakes a waiting worker', async () => {
    const clock = new FakeClock();
    const q = newQueue(clock);
    q.addAfter('k', 1000);
    assert.equal(q.len(), 0);
    const got = q.get();
    clock.step(999);
    assert.equal(await settled(got), 'pending');
    clock.step(1);
    assert.equal(await settled(got), 'k');
  });

  it('a delayed key keeps the earliest requested time, and an immediate add makes it ready now', async () => {
    const clock = new FakeClock();
    const q = newQueue(clock);
    q.addAfter('k', 1000);
    q.addAfter('k', 5000);
    q.addAfter('k', 300);
    clock.step(300);
    assert.equal(q.len(), 1);
    assert.equal(await q.get(), 'k');
    q.done('k');
    q.addAfter('j', 1000);
    q.add('j');
    assert.equal(q.len(), 1);
    clock.step(1000);
    assert.equal(q.len(), 1, 'the earlier delayed add does not queue it twice');
  });

  it('addRateLimited backs off exponentially per item and forget resets it', async () => {
    const clock = new FakeClock();
    const q = newQueue(clock);
    const readyAfter: number[] = [];
    for (let i = 0; i < 5; i++) {
      q.addRateLimited('k');
      let waited = 0;
      while (q.len() === 0) {
        clock.step(1);
        waited++;
      }
      readyAfter.push(waited);
      const k = await q.get();
      if (k) q.done(k);
    }
    assert.deepEqual(readyAfter, [5, 10, 20, 40, 80]);
    assert.equal(q.numRequeues('k'), 5);
    q.forget('k');
    assert.equal(q.numRequeues('k'), 0);
  });

  it('orders delayed items by due time', async () => {
    const clock = new FakeClock();
    const q = newQueue(clock);
    q.addAfter('late', 200);
    q.addAfter('early', 100);
    clock.step(200);
    assert.deepEqual([await q.get(), await q.get()], ['early', 'late']);
  });

  it('shutDown resolves waiting workers with undefined and ignores later adds', async () => {
    const q = newQueue();
    const waiting = q.get();
    q.shutDown();
    assert.equal(await waiting, undefined);
    q.add('k');
    assert.equal(await q.get(), undefined);
    assert.equal(q.shuttingDown, true);
  });

  it('shutDownWithDrain waits for items being processed', async () => {
    const q = newQueue();
    q.add('a');
    q.add('b');
    await q.get();
    const drained = q.shutDownWithDrain();
    assert.equal(await settled(drained), 'pending');
    assert.equal(await q.get(), undefined, 'no new work after shutdown');
    q.done('a');
    assert.equal(await settled(drained), undefined);
  });

  it('serves many workers without ever handing one key to two', async () => {
    const q = newQueue();
    const busy = new Set<string>();
    let overlaps = 0;
    let processed = 0;
    const worker = async () => {
      for (;;) {
        const k = await q.get();
        if (k === undefined) return;
        if (busy.has(k)) overlaps++;
        busy.add(k);
        await new Promise((r) => setImmediate(r));
        busy.delete(k);
        processed++;
        q.done(k);
      }
    };
    const workers = [worker(), worker(), worker(), worker()];
    for (let i = 0; i < 200; i++) {
      q.add(`k${i % 3}`);
      if (i % 10 === 0) await new Promise((r) => setImmediate(r));
    }
    while (q.len() > 0 || q.processingCount > 0) await new Promise((r) => setImmediate(r));
    await q.shutDownWithDrain();
    await Promise.all(workers);
    assert.equal(overlaps, 0);
    assert.ok(processed < 200, `200 adds of 3 keys collapsed into ${processed} runs`);
  });

  it('exports the workqueue series with name and controller labels', async () => {
    const q = new RateLimitingQueue<string>({ name: 'metrics-test', clock: new FakeClock() });
    q.add('a');
    q.addAfter('b', 10);
    const k = await q.get();
    if (k) q.done(k);
    const text = await metricsRegistry.metrics();
    assert.match(text, /workqueue_adds_total\{name="metrics-test",controller="metrics-test"\} 1/);
    assert.match(text, /workqueue_retries_total\{name="metrics-test",controller="metrics-test"\} 1/);
    assert.match(text, /workqueue_depth\{name="metrics-test",controller="metrics-test",priority="0"\} 0/);
    assert.match(
      text,
      /workqueue_queue_duration_seconds_count\{name="metrics-test",controller="metrics-test"\} 1/,
    );
    assert.match(
      text,
      /workqueue_work_duration_seconds_count\{name="metrics-test",controller="metrics-test"\} 1/,
    );
    assert.match(
      text,
      /workqueue_unfinished_work_seconds\{name="metrics-test",controller="metrics-test"\} 0/,
    );
    assert.match(
      text,
      /workqueue_longest_running_processor_seconds\{name="metrics-test",controller="metrics-test"\} 0/,
    );
    q.shutDown();
  });

  it('reports unfinished work and the longest running processor at scrape time', async () => {
    const clock = new FakeClock();
    const q = new RateLimitingQueue<string>({ name: 'inflight-test', clock });
    q.add('a');
    q.add('b');
    await q.get();
    clock.step(2000);
    await q.get();
    clock.step(1000);
    const text = await metricsRegistry.metrics();
    assert.match(
      text,
      /workqueue_unfinished_work_seconds\{name="inflight-test",controller="inflight-test"\} 4/,
    );
    assert.match(
      text,
      /workqueue_longest_running_processor_seconds\{name="inflight-test",controller="inflight-test"\} 3/,
    );
    q.shutDown();
  });

  describe('memory: heap nodes are bounded by the number of keys, not by adds', () => {
    it('a key reconciled again and again, each time requeued after 30 s and made ready early by an event', async () => {
      const clock = new FakeClock();
      const q = newQueue(clock);
      // Another key due sooner holds the top of the delayed heap, where stale nodes would otherwise be dropped.
      q.addAfter('z', 5_000);
      for (let i = 0; i < 1000; i++) {
        q.addAfter('a', 30_000); // the reconcile's requeueAfter
        q.add('a'); // an event for the same key, before the requeue is due
        assert.equal(await q.get(), 'a');
        q.done('a');
        clock.step(1);
      }
      q.addAfter('a', 30_000);
      assert.equal(q.heapSize, 2, 'two delayed keys: two nodes');
      // Both requeues still fire when due, in order.
      clock.step(5_000);
      assert.equal(await q.get(), 'z');
      clock.step(30_000);
      assert.equal(await q.get(), 'a');
      assert.equal(q.heapSize, 0);
    });

    it('a delayed key whose time is moved earlier again and again', async () => {
      const clock = new FakeClock();
      const q = newQueue(clock);
      for (let i = 0; i < 1000; i++) q.addAfter('a', 100_000 - i * 10);
      assert.equal(q.heapSize, 1);
      clock.step(100_000 - 999 * 10);
      assert.equal(await q.get(), 'a');
      assert.equal(q.heapSize, 0);
    });

    it('a queued key whose priority is raised again and again', async () => {
      const q = newQueue();
      q.add('low', { priority: LowPriority });
      for (let i = 0; i < 1000; i++) q.add('a', { priority: LowPriority + i });
      assert.equal(q.heapSize, 2);
      assert.equal(await q.get(), 'a');
      assert.equal(await q.get(), 'low');
      assert.equal(q.heapSize, 0);
    });
  });
});
