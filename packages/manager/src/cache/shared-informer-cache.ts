import type { KubernetesObject } from '@kubernetes/client-node';
import type { KubeConfigLike } from '../kubeconfig/index.js';
import type { Logger } from 'winston';
import { ReadYourWrites, showsWrite } from './read-your-writes.js';
import { parseLabelSelector } from '../labels/label-selector.js';
import { readYourWritesTimeouts, readYourWritesWaits } from '../metrics/cache-metrics.js';
import { objectKeyString, type ObjectKey } from '../kinds/object-key.js';
import { kindId, type ResourceKind } from '../kinds/resource-kind.js';
import type { Cache, CacheListOptions, CacheWrite, InformerOptions } from './cache.js';
import { storeKeyOf } from './indexed-store.js';
import type { IndexFunc, Informer, InformerPhase } from './informer.js';
import type { PartialObjectMetadata } from './partial-object-metadata.js';
import { SharedInformer, isPermanentListError } from './shared-informer.js';
import type { TransformFunc } from './strip-managed-fields.js';
import type { WatcherTuning } from '../watcher/watcher.js';
import { errorMessage } from '../internal/errors/error-message.js';
import { ApiError, isForbidden } from '../apierrors/api-error.js';

/** Options of a {@link SharedInformerCache}. */
export interface SharedInformerCacheOptions {
  readonly kubeConfig: KubeConfigLike;
  /**
   * Informers of namespaced kinds that name no namespace watch only this one. Default: all namespaces. Set it for
   * an operator whose RBAC is a Role in one namespace.
   */
  readonly defaultNamespace?: string;
  /** Resync period of every informer; see {@link SharedInformerOptions.resyncPeriodMs}. Default 10 h; 0 disables. */
  readonly resyncPeriodMs?: number;
  /** Applied to every object before it is stored. Default `stripManagedFields`; yours replaces it. */
  readonly transform?: TransformFunc;
  /** Watch tuning for every informer (page size, backoff, inactivity timeout). */
  readonly watcher?: WatcherTuning;
  /** Told about failures informers recover from. Default: stderr. */
  readonly onError?: (error: Error) => void;
  /**
   * Read your own writes: after a write through a client on this cache, how long a `get` or `list` touching the
   * written key may wait for the informer to show that write (see {@link SharedInformerCache.recordWrite}). Default
   * 1000 ms; 0 disables (reads answer at once, possibly from before the write, as controller-runtime's cache).
   */
  readonly readYourWritesTimeoutMs?: number;
  /** Debug lines (a write the informer did not show in time). Default: none. */
  readonly logger?: Logger;
}

/** Default of {@link SharedInformerCacheOptions.readYourWritesTimeoutMs}: long past a healthy watch's lag of milliseconds. */
export const defaultReadYourWritesTimeoutMs = 1000;

/** One informer's health, for `/readyz` and debugging. */
export interface InformerHealth {
  /** e.g. `apps/v1/Deployment`. */
  readonly kind: string;
  readonly namespace: string | undefined;
  readonly labelSelector: string | undefined;
  readonly fieldSelector: string | undefined;
  readonly metadataOnly: boolean;
  readonly synced: boolean;
  readonly phase: InformerPhase;
  /** Since the last list, event or bookmark; undefined before the first. A Watching informer gets a bookmark a minute. */
  readonly lastEventAgeMs: number | undefined;
  /** The last failure, while it is the latest news from this informer. */
  readonly lastError: string | undefined;
  /** Why the informer stopped for good (see `SharedInformer.failure`); it is then `Stopped`. */
  readonly failure: string | undefined;
}

interface Entry {
  readonly informer: SharedInformer<KubernetesObject>;
  running: Promise<void> | undefined;
  /** Stops this informer alone (when a read made it and it cannot list). */
  readonly stop: AbortController;
  /** Made by a read, and asked for by nobody through `getInformer` since: removable when it cannot list. */
  onlyForReads: boolean;
}

/**
 * The process-wide {@link Cache}: one {@link SharedInformer} per (kind, namespace, label selector, field selector,
 * metadataOnly), however many controllers and clients ask for it, so each is one LIST and one WATCH at the API
 * server. Reads are answered from memory; the first read of a kind nobody informed yet starts its informer and
 * waits for its sync, as controller-runtime's informer cache does.
 */
export class SharedInformerCache implements Cache {
  readonly #options: SharedInformerCacheOptions;
  readonly #entries = new Map<string, Entry>();
  /** Field indexes by kind id, applied to every informer of that kind, present and future. */
  readonly #indexers = new Map<string, Record<string, IndexFunc<KubernetesObject>>>();
  readonly #readYourWrites: ReadYourWrites;
  #signal: AbortSignal | undefined;

  constructor(options: SharedInformerCacheOptions) {
    this.#options = options;
    const timeoutMs = options.readYourWritesTimeoutMs ?? defaultReadYourWritesTimeoutMs;
    this.#readYourWrites = new ReadYourWrites({
      timeoutMs,
      onTimeout: (kind, key) => {
        readYourWritesTimeouts.inc({ kind });
        options.logger?.debug('read-your-writes: the informer did not show a write in time; reads go on', {
          kind,
          key,
          readYourWritesTimeoutMs: timeoutMs,
        });
      },
    });
  }

  getInformer<T extends KubernetesObject>(
    kind: ResourceKind<T>,
    options: InformerOptions & { readonly metadataOnly: true },
  ): Informer<PartialObjectMetadata>;
  getInformer<T extends KubernetesObject>(kind: ResourceKind<T>, options?: InformerOptions): Informer<T>;
  getInformer<T extends KubernetesObject>(kind: ResourceKind<T>, options: InformerOptions = {}): Informer<T> {
    return this.informerFor(kind, options);
  }

  /** The same as {@link getInformer}, typed as the concrete {@link SharedInformer}. */
  informerFor<T extends KubernetesObject>(
    kind: ResourceKind<T>,
    options: InformerOptions = {},
  ): SharedInformer<T> {
    const entry = this.entryFor(kind, options);
    entry.onlyForReads = false;
    return entry.informer as unknown as SharedInformer<T>;
  }

  private entryFor<T extends KubernetesObject>(kind: ResourceKind<T>, options: InformerOptions): Entry {
    const namespace = kind.namespaced ? (options.namespace ?? this.#options.defaultNamespace) : undefined;
    const normalized: InformerOptions = {
      namespace,
      labelSelector: options.labelSelector || undefined,
      fieldSelector: options.fieldSelector || undefined,
      metadataOnly: options.metadataOnly ?? false,
    };
    const key = informerKey(kind, normalized);
    let entry = this.#entries.get(key);
    if (!entry) {
      const informer = new SharedInformer<T>({
        kubeConfig: this.#options.kubeConfig,
        kind,
        ...normalized,
        resyncPeriodMs: this.#options.resyncPeriodMs,
        transform: this.#options.transform,
        indexers: this.#indexers.get(kindId(kind)) ?? {},
        watcher: this.#options.watcher,
        onError: this.#options.onError,
      });
      entry = {
        informer: informer as unknown as SharedInformer<KubernetesObject>,
        running: undefined,
        stop: new AbortController(),
        onlyForReads: true,
      };
      this.#entries.set(key, entry);
      if (this.#readYourWrites.enabled && canAnswerReads(entry.informer)) this.observeWrites(entry.informer);
      if (this.#signal) this.run(entry, this.#signal);
    }
    return entry;
  }

  indexField<T extends KubernetesObject>(
    kind: ResourceKind<T>,
    indexName: string,
    extract: IndexFunc<T>,
  ): void {
    const id = kindId(kind);
    const indexers = this.#indexers.get(id) ?? {};
    indexers[indexName] = extract as IndexFunc<KubernetesObject>;
    this.#indexers.set(id, indexers);
    for (const { informer } of this.#entries.values()) {
      if (kindId(informer.kind) === id)
        informer.addIndexers({ [indexName]: extract as IndexFunc<KubernetesObject> });
    }
  }

  /** Starts every informer made so far and each one made later; resolves once `signal` aborted and all stopped. */
  async start(signal: AbortSignal): Promise<void> {
    if (this.#signal) throw new Error('the informer cache was already started');
    this.#signal = signal;
    for (const entry of this.#entries.values()) this.run(entry, signal);
    if (!signal.aborted) {
      await new Promise<void>((resolve) => {
        signal.addEventListener(
          'abort',
          () => {
            resolve();
          },
          { once: true },
        );
      });
    }
    // Pending writes end with the cache: no timer outlives it, no read waits on it.
    this.#readYourWrites.stop();
    await Promise.all([...this.#entries.values()].flatMap((e) => (e.running ? [e.running] : [])));
  }

  /** True once started and every informer made so far has synced; false if `signal` aborts first. */
  async waitForCacheSync(signal?: AbortSignal): Promise<boolean> {
    for (;;) {
      const entries = [...this.#entries.values()];
      const results = await Promise.all(entries.map((e) => e.informer.waitForSync(signal)));
      // An informer a read made and removed (it could not list) does not hold the cache unsynced.
      if (results.some((synced, i) => !synced && !(entries[i]?.stop.signal.aborted ?? false))) return false;
      // Informers made while we waited must sync too.
      if ([...this.#entries.values()].every((e) => entries.includes(e))) return true;
    }
  }

  async get<T extends KubernetesObject>(kind: ResourceKind<T>, key: ObjectKey): Promise<T | undefined> {
    const namespace = kind.namespaced ? key.namespace : undefined;
    if (kind.namespaced && !namespace) {
      throw new Error(
        `get ${kind.apiVersion} ${kind.kind} ${key.name}: a namespaced kind needs key.namespace`,
      );
    }
    const storeKey = objectKeyString({ namespace, name: key.name });
    const informer = await this.readerFor(
      kind,
      namespace,
      `get ${kind.apiVersion} ${kind.kind} ${objectKeyString(key)}`,
      [storeKey],
    );
    await this.awaitOwnWrites(informer, [storeKey]);
    // Shared, not copied: the stored object is deep-frozen (see Cache.get).
    return informer.store.get(storeKey);
  }

  async list<T extends KubernetesObject>(
    kind: ResourceKind<T>,
    options: CacheListOptions = {},
  ): Promise<T[]> {
    // A cache restricted to one namespace lists that namespace when asked for all.
    const namespace = kind.namespaced ? (options.namespace ?? this.#options.defaultNamespace) : undefined;
    const action = `list ${kind.apiVersion} ${kind.kind}${namespace ? ` in namespace ${namespace}` : ''}`;
    const pending = this.#readYourWrites.keys(
      kindId(kind),
      (k) => !namespace || k.startsWith(`${namespace}/`),
    );
    const informer = await this.readerFor(kind, namespace, action, pending);
    await this.awaitOwnWrites(informer, pending);
    let objects = options.index
      ? informer.store.byIndex(options.index.name, options.index.value)
      : informer.store.list();
    if (namespace) objects = objects.filter((o) => o.metadata?.namespace === namespace);
    if (options.labelSelector) {
      const selector = parseLabelSelector(options.labelSelector);
      objects = objects.filter((o) => selector.matches(o.metadata?.labels));
    }
    return objects;
  }

  /**
   * Read your own writes. A controller that reads right after its own write would otherwise often read the cache
   * from before it (the watch event trails the response by milliseconds), decide the write is still missing and
   * send it again: a second apply, or a create that fails 409 AlreadyExists. So a client on this cache records each
   * successful write here, with the resourceVersion the server returned, and a `get` or `list` touching that key
   * waits until the reading informer stores the key at exactly that resourceVersion (resourceVersions are opaque:
   * equality is the only comparison allowed), or has deleted it, before answering from the store. With several
   * informers able to answer (one for all namespaces, one for a namespace), a read prefers one that already shows
   * the write, and otherwise waits for the one it reads, not for whichever shows the write first.
   *
   * The wait is bounded: an entry ends `readYourWritesTimeoutMs` after the write (default 1 s; logged at debug,
   * counted in `spoke_cache_read_your_writes_timeouts_total`), and then reads answer from the store as it is, as
   * without this feature (the optimistic-concurrency 409 still guards a stale write). Only writes to a key some
   * informer able to answer reads of it already watches are recorded: a write never starts an informer.
   */
  recordWrite(kind: ResourceKind, write: CacheWrite): void {
    if (!this.#readYourWrites.enabled) return;
    const namespace = kind.namespaced ? write.namespace : undefined;
    const key = objectKeyString({ namespace, name: write.name });
    const expectation = { resourceVersion: write.resourceVersion, deleted: write.deleted };
    // Readers that show the write already (the watch event beat the response, or the write changed nothing) have
    // nothing to wait for; with none left, nothing is recorded.
    const readers = this.readersOf(kind, namespace).filter(
      (i) => !(i.hasSynced() && showsWrite(expectation, i.store.get(key))),
    );
    this.#readYourWrites.record(kindId(kind), key, expectation, readers);
  }

  /** Every informer's health, for `/readyz`: an informer not Watching, or silent for minutes, is worth reporting. */
  health(now = Date.now()): InformerHealth[] {
    return [...this.#entries.values()].map(({ informer }) => ({
      kind: kindId(informer.kind),
      namespace: informer.namespace,
      labelSelector: informer.labelSelector,
      fieldSelector: informer.fieldSelector,
      metadataOnly: informer.metadataOnly,
      synced: informer.hasSynced(),
      phase: informer.phase,
      lastEventAgeMs: informer.lastEventAgeMs(now),
      lastError: informer.lastError?.message,
      failure: informer.failure?.message,
    }));
  }

  /**
   * A `/healthz` check (a `Checker`): throws, naming them, while some informer has failed for good (see
   * `SharedInformer.failure`). A stalled or unsynced informer fails readiness, not this: waiting may heal it; a
   * failed one stays failed until the process restarts with a clean cache. Bound, so it can be passed as is.
   */
  readonly livenessCheck = (): void => {
    const failed = [...this.#entries.values()].flatMap(({ informer }) =>
      informer.failure ? [informer.failure.message] : [],
    );
    if (failed.length > 0) throw new Error(failed.join('; '));
  };

  /**
   * An informer whose store can answer a read in `namespace` (undefined: all namespaces): full objects, no
   * selectors, watching all namespaces or exactly that one. Made and awaited if none exists.
   */
  private async readerFor<T extends KubernetesObject>(
    kind: ResourceKind<T>,
    namespace: string | undefined,
    action: string,
    /** Store keys the read touches that have a pending write of this process. */
    pendingKeys: readonly string[],
  ): Promise<SharedInformer<T>> {
    const signal = this.#signal;
    if (!signal) throw new Error(`${action}: the informer cache is not started; start the manager first`);
    const id = kindId(kind);
    // Prefer a synced informer that already shows this process's writes of those keys, then any synced one.
    const rank = (i: SharedInformer<KubernetesObject>): number => {
      if (!i.hasSynced()) return 0;
      const fresh = pendingKeys.every((k) => this.#readYourWrites.isShownBy(id, k, i, i.store.get(k)));
      return fresh ? 2 : 1;
    };
    let candidate: SharedInformer<KubernetesObject> | undefined;
    for (const informer of this.readersOf(kind, namespace)) {
      if (!candidate || rank(informer) > rank(candidate)) candidate = informer;
    }
    let informer = candidate as SharedInformer<T> | undefined;
    if (!informer) {
      const restricted = this.#options.defaultNamespace;
      if (kind.namespaced && restricted && namespace !== restricted) {
        throw new Error(`${action}: the cache is restricted to namespace ${restricted}`);
      }
      // One informer per kind for all reads, as controller-runtime's cache: all namespaces (or the cache's one),
      // never one per namespace read, which would add a LIST and a WATCH connection per namespace for good.
      informer = this.entryFor(kind, {}).informer as unknown as SharedInformer<T>;
    }
    if (!informer.hasSynced()) {
      let synced: boolean;
      try {
        // RBAC denials and missing CRDs do not heal by waiting: fail the read instead of hanging the reconcile.
        synced = await informer.waitForSync(signal, isPermanentListError);
      } catch (err) {
        throw this.readFailed(informer, action, err);
      }
      if (!synced)
        throw new Error(`${action}: the informer cache stopped before ${informer.describe()} synced`);
    }
    return informer;
  }

  /**
   * A read's informer was refused its list (403, 404): retrying will not help, so an informer that only reads
   * made is stopped and removed (no retries, nothing left failing `/readyz`; the next read tries afresh), and the
   * read fails with the API's error, with a hint when RBAC refused a list of all namespaces.
   */
  private readFailed<T extends KubernetesObject>(
    informer: SharedInformer<T>,
    action: string,
    err: unknown,
  ): Error {
    const cause = err instanceof Error && err.cause instanceof ApiError ? err.cause : err;
    for (const [key, entry] of this.#entries) {
      if ((entry.informer as unknown) !== informer || !entry.onlyForReads) continue;
      this.#entries.delete(key);
      entry.stop.abort();
    }
    const allNamespaces = informer.kind.namespaced && informer.namespace === undefined;
    const hint =
      allNamespaces && isForbidden(cause)
        ? `; the cache reads ${kindId(informer.kind)} through one informer for all namespaces, which needs list and watch on it in all namespaces: grant them cluster-wide, restrict the cache to one namespace (defaultNamespace), or read with uncached: true`
        : '';
    return new Error(`${action}: ${errorMessage(cause)}${hint}`, { cause });
  }

  /** The informers that could answer a read of `kind` in `namespace` (undefined: all namespaces). */
  private readersOf(kind: ResourceKind, namespace: string | undefined): SharedInformer<KubernetesObject>[] {
    const id = kindId(kind);
    return [...this.#entries.values()]
      .map((e) => e.informer)
      .filter(
        (i) =>
          kindId(i.kind) === id &&
          canAnswerReads(i) &&
          (i.namespace === undefined || i.namespace === namespace),
      );
  }

  /** Ends pending writes as `informer` stores them (its handlers run right after each store change). */
  private observeWrites(informer: SharedInformer<KubernetesObject>): void {
    const id = kindId(informer.kind);
    informer.addEventHandler({
      onAdd: (obj) => {
        this.#readYourWrites.observe(id, storeKeyOf(obj), informer, obj);
      },
      onUpdate: (_old, obj) => {
        this.#readYourWrites.observe(id, storeKeyOf(obj), informer, obj);
      },
      onDelete: (obj) => {
        this.#readYourWrites.observe(id, storeKeyOf(obj), informer, undefined);
      },
    });
  }

  /** Waits (bounded) until `informer` shows this process's pending writes of `keys`; see {@link recordWrite}. */
  private async awaitOwnWrites<T extends KubernetesObject>(
    informer: SharedInformer<T>,
    keys: readonly string[],
  ): Promise<void> {
    if (keys.length === 0) return;
    const id = kindId(informer.kind);
    if (await this.#readYourWrites.waitFor(id, keys, informer, (k) => informer.store.get(k))) {
      readYourWritesWaits.inc({ kind: id });
    }
  }

  private run(entry: Entry, signal: AbortSignal): void {
    entry.running = entry.informer.run(AbortSignal.any([signal, entry.stop.signal])).catch((err: unknown) => {
      const why = errorMessage(err);
      (this.#options.onError ?? ((e: Error) => process.stderr.write(`${e.message}\n`)))(
        new Error(`informer ${entry.informer.describe()} stopped: ${why}`, { cause: err }),
      );
    });
  }
}

/** Full objects, unfiltered: the store holds every object of its namespace scope, so a read can use it. */
function canAnswerReads(informer: SharedInformer<KubernetesObject>): boolean {
  return !informer.metadataOnly && !informer.labelSelector && !informer.fieldSelector;
}

function informerKey(kind: ResourceKind, options: InformerOptions): string {
  return JSON.stringify([
    kindId(kind),
    options.namespace ?? '',
    options.labelSelector ?? '',
    options.fieldSelector ?? '',
    options.metadataOnly === true,
  ]);
}
