import type { KubernetesObject } from '@kubernetes/client-node';
import type { KubeConfigLike } from '../kubeconfig/index.js';
import { ApiError } from '../apierrors/api-error.js';
import { kindId, type ResourceKind } from '../kinds/resource-kind.js';
import { ControllerOwnerIndex, type InformerOptions } from './cache.js';
import { indexByControllerOwner } from './controller-owner-index.js';
import { IndexedStore, storeKeyOf } from './indexed-store.js';
import type {
  HandlerRegistration,
  IndexFunc,
  Informer,
  InformerPhase,
  ResourceEventHandler,
} from './informer.js';
import { Reflector, type StoreChange } from './reflector.js';
import { stripManagedFields, type TransformFunc } from './strip-managed-fields.js';
import { Watcher, type WatcherTuning } from '../watcher/watcher.js';
import { errorMessage } from '../internal/errors/error-message.js';
import { isAborted, sleep } from '../internal/signal/sleep.js';

/** Default resync period: 10 hours, as controller-runtime's `SyncPeriod`; a safety net, not a polling loop. */
export const defaultResyncPeriodMs = 10 * 60 * 60 * 1000;

/**
 * An informer whose list+watch failed (threw, which the watcher and reflector never do for anything the API
 * server sends: a bug, or a callback that threw) restarts with a fresh list after `restartDelayMs` × the number of
 * failures in a row; after this many failures in a row without a complete list in between, restarting does not
 * help: it stops and says so ({@link SharedInformer.failure}), and `/healthz` fails so that the process restarts.
 */
export const maxInformerFailures = 3;
const restartDelayMs = 1000;

/** Options of a {@link SharedInformer}: what to watch ({@link InformerOptions}) and how to keep it. */
export interface SharedInformerOptions<T extends KubernetesObject> extends InformerOptions {
  readonly kubeConfig: KubeConfigLike;
  readonly kind: ResourceKind<T>;
  /**
   * How often every handler gets each stored object again as `onUpdate(obj, obj, true)`, replayed from memory (no
   * request), so a controller that missed a change of the outside world converges anyway. Each period varies by
   * ±10% so that informers started together do not resync together. Default {@link defaultResyncPeriodMs}; 0 disables.
   */
  readonly resyncPeriodMs?: number;
  /** Applied to each object before it is stored. Default {@link stripManagedFields}; pass your own to replace it. */
  readonly transform?: TransformFunc;
  /** Extra indexes; {@link ControllerOwnerIndex} is always present. */
  readonly indexers?: Readonly<Record<string, IndexFunc<T>>>;
  /** Watch tuning: page size, backoff, inactivity timeout. */
  readonly watcher?: WatcherTuning;
  /**
   * Told about failures the informer recovers from (watch errors, handlers that threw). Default: written to stderr,
   * because a watch that keeps failing must be visible somewhere.
   */
  readonly onError?: (error: Error) => void;
}

interface Registration<T extends KubernetesObject> {
  readonly handler: ResourceEventHandler<T>;
}

interface SyncWaiter {
  readonly resolve: (synced: boolean) => void;
  readonly reject: (error: Error) => void;
  readonly failOn?: (error: Error) => boolean;
}

/**
 * One LIST+WATCH of one kind with a store, indexes, event handlers and periodic resync: client-go's
 * SharedIndexInformer, built from a {@link Watcher} (list+watch → events) and a {@link Reflector} (events → store).
 * Handlers run synchronously in event order; a handler added after the informer synced first receives every stored
 * object as `onAdd(obj, true)`, as client-go does.
 */
export class SharedInformer<T extends KubernetesObject> implements Informer<T> {
  readonly kind: ResourceKind<T>;
  readonly store: IndexedStore<T>;
  readonly namespace: string | undefined;
  readonly labelSelector: string | undefined;
  readonly fieldSelector: string | undefined;
  readonly metadataOnly: boolean;
  readonly #watcher: Watcher<T>;
  readonly #reflector: Reflector<T>;
  readonly #resyncPeriodMs: number;
  readonly #onError: (error: Error) => void;
  #registrations: Registration<T>[] = [];
  #waiters: SyncWaiter[] = [];
  #running = false;
  #stopped = false;
  #restarting = false;
  #lastError: Error | undefined;
  /** Failures of the list+watch in a row, since the last complete list. */
  #failures = 0;
  #failure: Error | undefined;

  constructor(options: SharedInformerOptions<T>) {
    this.kind = options.kind;
    this.namespace = options.kind.namespaced ? options.namespace : undefined;
    this.labelSelector = options.labelSelector;
    this.fieldSelector = options.fieldSelector;
    this.metadataOnly = options.metadataOnly ?? false;
    this.#resyncPeriodMs = options.resyncPeriodMs ?? defaultResyncPeriodMs;
    this.#onError = options.onError ?? writeToStderr;
    this.store = new IndexedStore<T>(
      { [ControllerOwnerIndex]: indexByControllerOwner, ...options.indexers },
      (error) => {
        this.#onError(
          new Error(`${kindId(options.kind)}: ${error.message}; the object is stored but not indexed`),
        );
      },
    );
    const transform = options.transform ?? stripManagedFields;
    this.#watcher = new Watcher<T>({
      ...options.watcher,
      kubeConfig: options.kubeConfig,
      kind: options.kind,
      namespace: this.namespace,
      labelSelector: options.labelSelector,
      fieldSelector: options.fieldSelector,
      metadataOnly: this.metadataOnly,
      onError: (error) => {
        this.#lastError = error;
        this.failWaiters(error);
        this.#onError(error);
      },
    });
    this.#reflector = new Reflector<T>({
      store: this.store,
      transform: (obj) => transform(obj) as T,
      onTransformError: (error, obj) => {
        this.#onError(
          new Error(
            `${kindId(options.kind)} ${storeKeyOf(obj)}: transform failed, stored as received: ${error.message}`,
          ),
        );
      },
      onChange: (change) => {
        this.dispatch(change);
      },
      onSkip: (error) => {
        this.#onError(new Error(`informer ${this.describe()}: ${error.message}`, { cause: error }));
      },
    });
  }

  get phase(): InformerPhase {
    if (this.#stopped) return 'Stopped';
    if (!this.#running) return 'Pending';
    if (this.#restarting) return 'Backoff';
    const phase = this.#watcher.phase;
    return phase === 'Stopped' ? 'Stopped' : phase;
  }

  get lastSyncResourceVersion(): string | undefined {
    return this.#reflector.resourceVersion;
  }

  /** The last failure the watch reported, until the next successful list or event clears it. */
  get lastError(): Error | undefined {
    return this.#lastError;
  }

  /**
   * Why this informer stopped for good while its signal had not aborted: it failed {@link maxInformerFailures}
   * times in a row without completing a list. Undefined while it runs (or restarts), and after a normal stop.
   */
  get failure(): Error | undefined {
    return this.#failure;
  }

  hasSynced(): boolean {
    return this.#reflector.synced;
  }

  /** Milliseconds since the last list, event or bookmark; undefined before the first one. */
  lastEventAgeMs(now = Date.now()): number | undefined {
    const at = this.#reflector.lastEventAt;
    return at === undefined ? undefined : now - at;
  }

  addEventHandler(handler: ResourceEventHandler<T>): HandlerRegistration {
    const registration: Registration<T> = { handler };
    this.#registrations = [...this.#registrations, registration];
    // Late joiners see the current state as adds, so every handler observes the full set exactly once.
    for (const obj of this.store.list()) this.call(registration, 'onAdd', () => handler.onAdd?.(obj, true));
    return {
      remove: () => {
        this.#registrations = this.#registrations.filter((r) => r !== registration);
      },
    };
  }

  /** Adds indexes; stored objects are indexed at once. */
  addIndexers(indexers: Readonly<Record<string, IndexFunc<T>>>): void {
    this.store.addIndexers(indexers);
  }

  /**
   * Resolves true once synced, false if `signal` aborts or the informer stops first. With `failOn`, rejects with
   * the first watch error it accepts (e.g. 403 or 404 on the initial list) rather than waiting forever.
   */
  waitForSync(signal?: AbortSignal, failOn?: (error: Error) => boolean): Promise<boolean> {
    if (this.hasSynced()) return Promise.resolve(true);
    if (this.#stopped || signal?.aborted) return Promise.resolve(false);
    if (failOn && this.#lastError && failOn(this.#lastError)) return Promise.reject(this.#lastError);
    return new Promise<boolean>((resolve, reject) => {
      const onAbort = (): void => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        resolve(false);
      };
      const waiter: SyncWaiter = {
        resolve: (synced) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(synced);
        },
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
        failOn,
      };
      this.#waiters.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /**
   * Lists, watches and resyncs until `signal` aborts. An informer runs once; a failure of its list+watch restarts
   * it with a fresh list (the store is kept and diffed, so handlers see only real changes), up to
   * {@link maxInformerFailures} in a row.
   */
  async run(signal: AbortSignal): Promise<void> {
    if (this.#running || this.#stopped)
      throw new Error(`informer for ${this.describe()} was already started`);
    this.#running = true;
    const resync = this.startResync(signal);
    try {
      while (!isAborted(signal)) {
        try {
          await this.#reflector.run(this.#watcher.events(signal));
        } catch (err) {
          if (isAborted(signal)) break;
          this.#failures++;
          const why = errorMessage(err);
          if (this.#failures >= maxInformerFailures) {
            this.#failure = new Error(
              `informer ${this.describe()} failed ${this.#failures} times in a row without completing a list: ${why}`,
              { cause: err },
            );
            this.#lastError = this.#failure;
            this.#onError(new Error(`${this.#failure.message}; giving up`, { cause: err }));
            break;
          }
          const delayMs = restartDelayMs * this.#failures;
          this.#lastError = new Error(`informer ${this.describe()} failed: ${why}`, { cause: err });
          this.#onError(
            new Error(`${this.#lastError.message}; restarting with a fresh list in ${delayMs} ms`),
          );
          this.#restarting = true;
          await sleep(delayMs, signal);
          this.#restarting = false;
        }
      }
    } finally {
      resync();
      this.#stopped = true;
      this.#running = false;
      const waiters = this.#waiters;
      this.#waiters = [];
      for (const waiter of waiters) waiter.resolve(this.hasSynced());
    }
  }

  /** `v1 ConfigMap in namespace default (labels app=web)`: how logs and errors name this informer. */
  describe(): string {
    const parts = [kindId(this.kind)];
    if (this.namespace) parts.push(`in namespace ${this.namespace}`);
    if (this.labelSelector) parts.push(`labels ${this.labelSelector}`);
    if (this.fieldSelector) parts.push(`fields ${this.fieldSelector}`);
    if (this.metadataOnly) parts.push('(metadata only)');
    return parts.join(' ');
  }

  private dispatch(change: StoreChange<T>): void {
    this.#lastError = undefined;
    if (change.type === 'Listed') this.#failures = 0;
    const registrations = this.#registrations;
    switch (change.type) {
      case 'Added':
        for (const r of registrations)
          this.call(r, 'onAdd', () => r.handler.onAdd?.(change.object, change.isInInitialList));
        return;
      case 'Updated':
        for (const r of registrations) {
          this.call(r, 'onUpdate', () => r.handler.onUpdate?.(change.oldObject, change.newObject, false));
        }
        return;
      case 'Deleted':
        for (const r of registrations) this.call(r, 'onDelete', () => r.handler.onDelete?.(change.object));
        return;
      case 'Listed': {
        const waiters = this.#waiters;
        this.#waiters = [];
        for (const waiter of waiters) waiter.resolve(true);
        return;
      }
    }
  }

  private call(_registration: Registration<T>, method: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      const why = errorMessage(err);
      this.#onError(
        new Error(`informer ${this.describe()}: handler ${method} threw: ${why}`, { cause: err }),
      );
    }
  }

  private failWaiters(error: Error): void {
    if (this.hasSynced()) return;
    const failing = this.#waiters.filter((w) => w.failOn?.(error));
    if (failing.length === 0) return;
    this.#waiters = this.#waiters.filter((w) => !failing.includes(w));
    for (const waiter of failing) waiter.reject(error);
  }

  /** Schedules the periodic replay; returns the function that cancels it. */
  private startResync(signal: AbortSignal): () => void {
    if (this.#resyncPeriodMs <= 0) return () => undefined;
    let timer: NodeJS.Timeout | undefined;
    const schedule = (): void => {
      const jittered = this.#resyncPeriodMs * (0.9 + 0.2 * Math.random());
      timer = setTimeout(() => {
        this.resync();
        schedule();
      }, jittered);
      // A resync alone must not keep the process alive.
      timer.unref();
    };
    schedule();
    const cancel = (): void => {
      clearTimeout(timer);
    };
    signal.addEventListener('abort', cancel, { once: true });
    return cancel;
  }

  /** Replays every stored object to every handler as `onUpdate(obj, obj, true)`; no request is sent. */
  resync(): void {
    if (!this.hasSynced()) return;
    const objects = this.store.list();
    for (const r of this.#registrations) {
      for (const obj of objects) this.call(r, 'onUpdate', () => r.handler.onUpdate?.(obj, obj, true));
    }
  }
}

/** The default `onError`: one line on stderr. Messages name the verb and kind; they carry no credentials. */
function writeToStderr(error: Error): void {
  process.stderr.write(`${new Date().toISOString()} spoke informer: ${error.message}\n`);
}

/** For `waitForSync(signal, failOn)`: errors that retrying will not fix without a human (RBAC, missing CRD). */
export function isPermanentListError(error: Error): boolean {
  const cause = error.cause instanceof ApiError ? error.cause : error;
  return cause instanceof ApiError && (cause.code === 401 || cause.code === 403 || cause.code === 404);
}
