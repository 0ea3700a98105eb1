import { realClock, type Clock, type ClockTimer } from '../clock/clock.js';
import { defaultControllerRateLimiter } from './default-controller-rate-limiter.js';
import { PriorityHeap } from './priority-heap.js';
import { noQueueMetrics, prometheusQueueMetrics, type QueueMetrics } from './queue-metrics.js';
import type { RateLimiter } from './rate-limiter.js';

/**
 * The priority of events that replay state rather than report a change: the initial list and periodic resyncs, as
 * controller-runtime's `handler.LowPriority`. After a restart, live changes are then reconciled before the backlog.
 */
export const LowPriority = -100;

/** How an item is added. */
export interface AddOptions {
  /** Higher is handed out first; default 0. Re-adding a queued item with a higher priority raises it. */
  readonly priority?: number;
}

/** An item handed to a worker, with the priority it was queued at (so a retry can keep it). */
export interface QueueItem<T> {
  readonly item: T;
  readonly priority: number;
}

/** Options of {@link RateLimitingQueue}; every field has a default. */
export interface RateLimitingQueueOptions<T> {
  /** Names the queue's metrics (label `name`); an unnamed queue exports none, as client-go's. */
  readonly name?: string;
  /** The `controller` label of the metrics; default `name`, as controller-runtime. */
  readonly controller?: string;
  /**
   * The identity of an item: items with equal keys are one queue entry. Default: the item itself for strings,
   * `JSON.stringify` otherwise (pass a key function for objects whose property order may vary).
   */
  readonly key?: (item: T) => string;
  /** Backoff of `addRateLimited`; default {@link defaultControllerRateLimiter} (5 ms → 1000 s per item, 10 qps/100 burst). */
  readonly rateLimiter?: RateLimiter;
  /** Default the process clock (delays measured on its monotonic clock); tests pass a {@link FakeClock}. */
  readonly clock?: Clock;
}

interface Entry<T> {
  readonly key: string;
  item: T;
  priority: number;
  /** When the item becomes ready; undefined once ready. */
  readyAt: number | undefined;
  /** When it became ready, for `workqueue_queue_duration_seconds`. */
  readySince: number;
  /** FIFO order among equal priorities: a counter taken when the item became ready. */
  order: number;
  /** Bumped on every change of position; heap nodes with an older `seq` are stale. */
  seq: number;
}

interface Node<T> {
  readonly entry: Entry<T>;
  readonly seq: number;
}

interface DelayedNode<T> extends Node<T> {
  readonly at: number;
}

const defaultKey = (item: unknown): string => (typeof item === 'string' ? item : JSON.stringify(item));

/**
 * A work queue with client-go's guarantees and controller-runtime's priorities:
 *
 * - an item is queued once however many times it is added before a worker takes it (that is what turns a burst of
 *   events into one reconcile);
 * - an item is never handed to two workers at once: added while being processed, it is marked dirty and queued again
 *   only after `done`;
 * - `addAfter` delays an item, `addRateLimited` delays it by the rate limiter's backoff, `forget` resets the backoff;
 *   a delayed item added again sooner (or now) keeps the earliest time;
 * - ready items are handed out by priority, then first-ready-first-out; a higher-priority add raises a queued item.
 *
 * `get()` resolves with the next item, or `undefined` once the queue is shut down. Every item got must be passed to
 * `done()`.
 */
export class RateLimitingQueue<T> {
  private readonly keyOf: (item: T) => string;
  private readonly rateLimiter: RateLimiter;
  private readonly clock: Clock;
  private readonly metrics: QueueMetrics;

  /** Items waiting: ready (possibly parked behind their own processing) or delayed. */
  private readonly entries = new Map<string, Entry<T>>();
  /** Keys handed out and not yet done, with when they were handed out. */
  private readonly processing = new Map<string, number>();
  private readonly ready = new PriorityHeap<Node<T>>(
    (a, b) =>
      a.entry.priority > b.entry.priority ||
      (a.entry.priority === b.entry.priority && a.entry.order < b.entry.order),
  );
  private readonly delayed = new PriorityHeap<DelayedNode<T>>((a, b) => a.at < b.at);
  private readonly waiters: ((item: QueueItem<T> | undefined) => void)[] = [];
  private readonly drained: (() => void)[] = [];
  private readyCount = 0;
  private orderCounter = 0;
  private timer: { handle: ClockTimer; at: number } | undefined;
  private shutdown = false;

  constructor(options: RateLimitingQueueOptions<T> = {}) {
    this.keyOf = options.key ?? defaultKey;
    this.clock = options.clock ?? realClock;
    this.rateLimiter = options.rateLimiter ?? defaultControllerRateLimiter(this.clock);
    this.metrics =
      options.name === undefined
        ? noQueueMetrics
        : prometheusQueueMetrics(options.name, options.controller ?? options.name, {
            unfinishedWorkSeconds: () => this.unfinishedWorkSeconds(),
            longestRunningProcessorSeconds: () => this.longestRunningProcessorSeconds(),
          });
  }

  /** Queues `item` now (ignored after shutdown). */
  add(item: T, options?: AddOptions): void {
    this.insert(item, options?.priority ?? 0, 0);
  }

  /** Queues `item` once `delayMs` has passed; `delayMs <= 0` is `add`. */
  addAfter(item: T, delayMs: number, options?: AddOptions): void {
    this.insert(item, options?.priority ?? 0, delayMs);
  }

  /** Queues `item` after the rate limiter's delay for it, counting one more failure. */
  addRateLimited(item: T, options?: AddOptions): void {
    if (this.shutdown) return;
    this.insert(item, options?.priority ?? 0, this.rateLimiter.when(this.keyOf(item)));
  }

  /** Resets the backoff of `item` (call after it was processed successfully). Does not remove it from the queue. */
  forget(item: T): void {
    this.rateLimiter.forget(this.keyOf(item));
  }

  /** How many times `item` has been rate-limited since it was last forgotten. */
  numRequeues(item: T): number {
    return this.rateLimiter.numRequeues(this.keyOf(item));
  }

  /** The next item by priority; waits for one. Resolves `undefined` once the queue is shut down. */
  async get(): Promise<T | undefined> {
    return (await this.getWithPriority())?.item;
  }

  /** As {@link get}, with the priority the item was queued at. */
  getWithPriority(): Promise<QueueItem<T> | undefined> {
    if (this.shutdown) return Promise.resolve(undefined);
    this.promoteDue();
    const next = this.popReady();
    if (next) return Promise.resolve(this.handOut(next));
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Marks `item` processed; if it was added meanwhile, it is queued again now. */
  done(item: T): void {
    const key = this.keyOf(item);
    const started = this.processing.get(key);
    if (started === undefined) return;
    this.processing.delete(key);
    this.metrics.done(this.clock.monotonicNow() - started);
    const entry = this.entries.get(key);
    if (entry && entry.readyAt === undefined) {
      this.ready.push({ entry, seq: entry.seq });
      this.dispatch();
    }
    if (this.processing.size === 0) this.resolveDrained();
  }

  /** Items ready to be handed out (including those waiting for their own processing to finish). */
  len(): number {
    this.promoteDue();
    return this.readyCount;
  }

  /** Items handed out and not yet done. */
  get processingCount(): number {
    return this.processing.size;
  }

  get shuttingDown(): boolean {
    return this.shutdown;
  }

  /**
   * Stops the queue: adds are ignored, waiting and future `get()` calls resolve `undefined`, queued items are dropped
   * (a level-based controller finds them again from the next list). Items being processed may still call `done`.
   */
  shutDown(): void {
    if (this.shutdown) return;
    this.shutdown = true;
    if (this.timer) this.clock.clearTimeout(this.timer.handle);
    this.timer = undefined;
    for (const entry of this.entries.values())
      if (entry.readyAt === undefined) this.metrics.drop(entry.priority);
    this.entries.clear();
    this.ready.clear();
    this.delayed.clear();
    this.readyCount = 0;
    for (const w of this.waiters.splice(0)) w(undefined);
    this.metrics.close();
    if (this.processing.size === 0) this.resolveDrained();
  }

  /** {@link shutDown}, then resolves once every item handed out has been marked `done`. */
  shutDownWithDrain(): Promise<void> {
    const drained = new Promise<void>((resolve) => {
      this.drained.push(resolve);
    });
    this.shutDown();
    if (this.processing.size === 0) this.resolveDrained();
    return drained;
  }

  private insert(item: T, priority: number, afterMs: number): void {
    if (this.shutdown) return;
    const key = this.keyOf(item);
    const now = this.clock.monotonicNow();
    if (afterMs > 0) this.metrics.retry();
    const existing = this.entries.get(key);
    if (!existing) {
      const entry: Entry<T> = { key, item, priority, readyAt: undefined, readySince: now, order: 0, seq: 0 };
      this.entries.set(key, entry);
      if (afterMs > 0) this.delay(entry, now + afterMs);
      else this.makeReady(entry);
      this.dispatch();
      return;
    }
    existing.item = item;
    let moved = false;
    if (priority > existing.priority) {
      if (existing.readyAt === undefined) this.metrics.reprioritize(existing.priority, priority);
      existing.priority = priority;
      moved = true;
    }
    if (existing.readyAt !== undefined) {
      // Delayed: the earliest requested time wins, as client-go's delaying queue.
      if (afterMs <= 0) this.makeReady(existing);
      else if (now + afterMs < existing.readyAt) this.delay(existing, now + afterMs);
    } else if (moved && !this.processing.has(key)) {
      existing.seq++;
      this.ready.push({ entry: existing, seq: existing.seq });
    }
    this.dispatch();
  }

  private delay(entry: Entry<T>, at: number): void {
    entry.readyAt = at;
    entry.seq++;
    this.delayed.push({ entry, seq: entry.seq, at });
    this.armTimer();
  }

  private makeReady(entry: Entry<T>): void {
    entry.readyAt = undefined;
    entry.readySince = this.clock.monotonicNow();
    entry.order = this.orderCounter++;
    entry.seq++;
    this.readyCount++;
    this.metrics.add(entry.priority);
    // A key being processed waits for `done` (client-go's dirty set): never two workers on one key.
    if (!this.processing.has(entry.key)) this.ready.push({ entry, seq: entry.seq });
  }

  private isLive(node: Node<T>): boolean {
    return this.entries.get(node.entry.key) === node.entry && node.entry.seq === node.seq;
  }

  private popReady(): Entry<T> | undefined {
    for (let node = this.ready.pop(); node; node = this.ready.pop()) {
      if (this.isLive(node) && node.entry.readyAt === undefined && !this.processing.has(node.entry.key)) {
        return node.entry;
      }
    }
    return undefined;
  }

  private handOut(entry: Entry<T>): QueueItem<T> {
    const now = this.clock.monotonicNow();
    this.entries.delete(entry.key);
    this.readyCount--;
    this.processing.set(entry.key, now);
    this.metrics.get(entry.priority, now - entry.readySince);
    return { item: entry.item, priority: entry.priority };
  }

  private dispatch(): void {
    while (this.waiters.length > 0) {
      const next = this.popReady();
      if (!next) return;
      const waiter = this.waiters.shift();
      waiter?.(this.handOut(next));
    }
  }

  /** Moves every delayed item that is due to ready. */
  private promoteDue(): void {
    const now = this.clock.monotonicNow();
    for (let top = this.delayed.peek(); top && top.at <= now; top = this.delayed.peek()) {
      this.delayed.pop();
      if (this.isLive(top) && top.entry.readyAt === top.at) this.makeReady(top.entry);
    }
  }

  /** Keeps one timer, for the earliest delayed item. */
  private armTimer(): void {
    let top = this.delayed.peek();
    while (top && !(this.isLive(top) && top.entry.readyAt === top.at)) {
      this.delayed.pop();
      top = this.delayed.peek();
    }
    if (!top || this.shutdown) return;
    if (this.timer && this.timer.at <= top.at) return;
    if (this.timer) this.clock.clearTimeout(this.timer.handle);
    const at = top.at;
    const handle = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.promoteDue();
      this.dispatch();
      this.armTimer();
    }, at - this.clock.monotonicNow());
    this.timer = { handle, at };
  }

  private resolveDrained(): void {
    for (const r of this.drained.splice(0)) r();
  }

  private unfinishedWorkSeconds(): number {
    const now = this.clock.monotonicNow();
    let total = 0;
    for (const started of this.processing.values()) total += now - started;
    return total / 1000;
  }

  private longestRunningProcessorSeconds(): number {
    const now = this.clock.monotonicNow();
    let longest = 0;
    for (const started of this.processing.values()) longest = Math.max(longest, now - started);
    return longest / 1000;
  }
}
