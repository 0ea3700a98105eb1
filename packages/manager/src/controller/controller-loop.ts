import { randomUUID } from 'node:crypto';
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'winston';
import type { Cache } from '../cache/cache.js';
import type { HandlerRegistration, Informer } from '../cache/informer.js';
import type { ControllerMetadata, WatchSpec } from './controller-options.js';
import { enqueueRequestForObject } from '../handler/enqueue-request-for-object.js';
import { enqueueRequestForOwner } from '../handler/enqueue-request-for-owner.js';
import type { RequestQueue } from '../handler/event-handler.js';
import {
  activeWorkers,
  maxConcurrentReconciles,
  reconcileErrors,
  reconcilePanics,
  reconcileTime,
  reconcileTimeouts,
  reconcileTotal,
  terminalReconcileErrors,
} from '../metrics/controller-metrics.js';
import type { Predicate } from '../predicate/predicate.js';
import type { Reconciler } from '../reconcile/reconciler.js';
import { requestKey, type Request } from '../reconcile/request.js';
import type { Result } from '../reconcile/result.js';
import { isTerminalError } from '../reconcile/terminal-error.js';
import { LowPriority, RateLimitingQueue } from '../workqueue/rate-limiting-queue.js';
import { errorMessage } from '../internal/errors/error-message.js';
import { isPanic } from './is-panic.js';

/** Options of a {@link ControllerLoop}. */
export interface ControllerLoopOptions {
  readonly metadata: ControllerMetadata;
  readonly reconciler: Reconciler;
  readonly cache: Cache;
  /** The manager's logger; the loop logs through a child with `controller`. */
  readonly logger: Logger;
}

/** Why a loop stops: `drain` lets in-flight reconciles finish; `abort` aborts their signals at once. */
export type StopMode = 'drain' | 'abort';

interface Source {
  readonly informer: Informer<KubernetesObject>;
  readonly watch: WatchSpec;
}

/**
 * One controller's machinery, as controller-runtime's internal Controller: its informers' events go through
 * predicates and handlers into its rate-limited queue; `maxConcurrentReconciles` workers take requests and call
 * the reconciler, then forget, requeue after a delay, or retry with backoff depending on the outcome.
 *
 * A loop starts once and stops once; after losing leadership the manager stops the process's reconciling for good,
 * as controller-runtime does.
 */
export class ControllerLoop {
  readonly name: string;
  private readonly metadata: ControllerMetadata;
  private readonly reconciler: Reconciler;
  private readonly cache: Cache;
  private readonly log: Logger;
  private readonly sources: readonly Source[];
  private readonly queue: RateLimitingQueue<Request>;
  /** Aborted on `stop('abort')` (lease loss, grace period over): every in-flight reconcile's signal follows it. */
  private readonly hardStop = new AbortController();
  private registrations: HandlerRegistration[] = [];
  private workers: Promise<void>[] = [];
  private started = false;

  /** Creates the informers at once, so that the cache lists them before the manager waits for sync. */
  constructor(options: ControllerLoopOptions) {
    this.metadata = options.metadata;
    this.name = options.metadata.name;
    this.reconciler = options.reconciler;
    this.cache = options.cache;
    this.log = options.logger.child({ controller: this.name });
    this.queue = new RateLimitingQueue<Request>({
      name: this.name,
      key: requestKey,
      ...(this.metadata.rateLimiter ? { rateLimiter: this.metadata.rateLimiter() } : {}),
    });
    const m = this.metadata;
    const watches: WatchSpec[] = [
      { kind: m.for, handler: enqueueRequestForObject(), predicates: m.predicates },
      ...m.owns.map((kind) => ({ kind, handler: enqueueRequestForOwner(m.for, { onlyController: true }) })),
      ...m.watches,
    ];
    this.sources = watches.map((w) => ({ informer: this.cache.getInformer(w.kind, w.options), watch: w }));
    this.initMetrics();
  }

  /**
   * Connects the informers to the queue and starts the workers; resolves once the informers have synced and the
   * workers run. Call as leader only.
   */
  async start(): Promise<void> {
    if (this.started) throw new Error(`controller ${this.name} was already started`);
    this.started = true;
    this.registrations = this.sources.map((s) => s.informer.addEventHandler(this.eventHandler(s.watch)));
    if (!(await this.cache.waitForCacheSync(this.hardStop.signal))) return;
    this.log.info('Starting workers', { workerCount: this.metadata.maxConcurrentReconciles });
    for (let i = 0; i < this.metadata.maxConcurrentReconciles; i++) this.workers.push(this.worker());
  }

  /**
   * Stops taking work: handlers are removed and the queue shut down (queued requests are dropped: a level-based
   * controller finds them again after a restart). Resolves once the workers have finished their current reconcile.
   * `abort` additionally aborts in-flight reconciles' signals and fences their client's writes.
   */
  async stop(mode: StopMode, reason?: Error): Promise<void> {
    for (const r of this.registrations) r.remove();
    this.registrations = [];
    if (mode === 'abort' && !this.hardStop.signal.aborted) {
      this.hardStop.abort(reason ?? new Error(`controller ${this.name} stopped`));
    }
    await this.queue.shutDownWithDrain();
    await Promise.all(this.workers);
    this.log.info('All workers finished');
  }

  private initMetrics(): void {
    const controller = this.name;
    for (const result of ['success', 'error', 'requeue', 'requeue_after']) {
      reconcileTotal.inc({ controller, result }, 0);
    }
    reconcileErrors.inc({ controller }, 0);
    terminalReconcileErrors.inc({ controller }, 0);
    reconcilePanics.inc({ controller }, 0);
    reconcileTimeouts.inc({ controller }, 0);
    maxConcurrentReconciles.set({ controller }, this.metadata.maxConcurrentReconciles);
    activeWorkers.set({ controller }, 0);
  }

  /** A queue view that adds at `priority`: low for replays (initial list, resync), normal for live changes. */
  private queueAt(priority: number): RequestQueue {
    return {
      add: (req) => {
        this.queue.add(req, { priority });
      },
      addAfter: (req, delayMs) => {
        this.queue.addAfter(req, delayMs, { priority });
      },
    };
  }

  private eventHandler(w: WatchSpec) {
    const { handler } = w;
    const predicates: readonly Predicate[] = w.predicates ?? [];
    const low = this.queueAt(LowPriority);
    const normal = this.queueAt(0);
    // A handler or predicate that throws must not break the informer's delivery to other handlers.
    const guarded = (what: string, fn: () => void) => {
      try {
        fn();
      } catch (err: unknown) {
        this.log.error('event handler failed', { kind: w.kind.kind, event: what, error: errorMessage(err) });
      }
    };
    return {
      onAdd: (object: KubernetesObject, isInInitialList: boolean) => {
        guarded('create', () => {
          const e = { object, isInInitialList };
          if (predicates.every((p) => p.create(e))) handler.create(e, isInInitialList ? low : normal);
        });
      },
      onUpdate: (objectOld: KubernetesObject, objectNew: KubernetesObject, isResync: boolean) => {
        guarded('update', () => {
          const e = { objectOld, objectNew, isResync };
          // Unchanged means a replay, as controller-runtime's WithLowPriorityWhenUnchanged.
          const unchanged =
            isResync || objectOld.metadata?.resourceVersion === objectNew.metadata?.resourceVersion;
          if (predicates.every((p) => p.update(e))) handler.update(e, unchanged ? low : normal);
        });
      },
      onDelete: (object: KubernetesObject) => {
        guarded('delete', () => {
          const e = { object };
          if (predicates.every((p) => p.delete(e))) handler.delete(e, normal);
        });
      },
    };
  }

  private async worker(): Promise<void> {
    for (;;) {
      const next = await this.queue.getWithPriority();
      if (!next) return;
      activeWorkers.inc({ controller: this.name });
      try {
        await this.reconcileHandler(next.item, next.priority);
      } catch (err: unknown) {
        // Nothing may end a worker but the queue's shutdown: a rejected worker would also be an unhandled rejection.
        this.log.error('reconcile handler failed', { error: errorMessage(err) });
      } finally {
        activeWorkers.dec({ controller: this.name });
        this.queue.done(next.item);
      }
    }
  }

  private async reconcileHandler(req: Request, priority: number): Promise<void> {
    const controller = this.name;
    const started = performance.now();
    const reconcileID = randomUUID();
    const log = this.log.child({ namespace: req.namespace ?? '', name: req.name, reconcileID });
    const timeout = this.metadata.reconcileTimeoutMs;
    const timeoutController = timeout === undefined ? undefined : new AbortController();
    const timer =
      timeoutController &&
      setTimeout(() => {
        reconcileTimeouts.inc({ controller });
        timeoutController.abort(new Error(`reconcile timed out after ${timeout} ms`));
      }, timeout);
    const signal = timeoutController
      ? AbortSignal.any([this.hardStop.signal, timeoutController.signal])
      : this.hardStop.signal;
    let result: Result | undefined;
    // Checked once: a logger not made by newLogger formats even the lines its level drops.
    const debug = log.isDebugEnabled();
    try {
      if (debug) log.debug('Reconciling');
      result = (await this.reconciler.reconcile(req, { log, signal, reconcileID })) ?? undefined;
    } catch (err: unknown) {
      if (isPanic(err)) {
        reconcilePanics.inc({ controller });
        log.error('Observed a panic in reconciler', { error: errorMessage(err), stack: stackOf(err) });
      }
      reconcileErrors.inc({ controller });
      reconcileTotal.inc({ controller, result: 'error' });
      if (isTerminalError(err)) {
        terminalReconcileErrors.inc({ controller });
        log.error('Reconciler error (terminal, not retried)', { error: errorMessage(err) });
      } else {
        // Retried at the priority it had: a failed replay does not jump ahead of live changes.
        this.queue.addRateLimited(req, { priority });
        log.error('Reconciler error', { error: errorMessage(err), retries: this.queue.numRequeues(req) });
      }
      return;
    } finally {
      if (timer) clearTimeout(timer);
      reconcileTime.observe({ controller }, (performance.now() - started) / 1000);
    }
    const requeueAfter = result?.requeueAfter ?? 0;
    if (requeueAfter > 0) {
      this.queue.forget(req);
      this.queue.addAfter(req, requeueAfter, { priority });
      reconcileTotal.inc({ controller, result: 'requeue_after' });
      if (debug) log.debug('Reconcile done, requeueing after delay', { requeueAfterMs: requeueAfter });
    } else {
      this.queue.forget(req);
      reconcileTotal.inc({ controller, result: 'success' });
      if (debug) log.debug('Reconcile successful');
    }
  }
}

function stackOf(err: unknown): string | undefined {
  return err instanceof Error ? err.stack : undefined;
}
