import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { parseLabelSelector } from '../internal/labels/label-selector.js';
import { objectKeyString, type ObjectKey } from '../kinds/object-key.js';
import { kindId, type ResourceKind } from '../kinds/resource-kind.js';
import type { Cache, CacheListOptions, InformerOptions } from './cache.js';
import type { IndexFunc, Informer, InformerPhase } from './informer.js';
import type { PartialObjectMetadata } from './partial-object-metadata.js';
import { SharedInformer, isPermanentListError } from './shared-informer.js';
import type { TransformFunc } from './strip-managed-fields.js';
import type { WatcherTuning } from './watcher.js';

/** Options of a {@link SharedInformerCache}. */
export interface SharedInformerCacheOptions {
  readonly kubeConfig: KubeConfig;
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
}

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
}

interface Entry {
  readonly informer: SharedInformer<KubernetesObject>;
  running: Promise<void> | undefined;
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
  #signal: AbortSignal | undefined;

  constructor(options: SharedInformerCacheOptions) {
    this.#options = options;
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
      entry = { informer: informer as unknown as SharedInformer<KubernetesObject>, running: undefined };
      this.#entries.set(key, entry);
      if (this.#signal) this.run(entry, this.#signal);
    }
    return entry.informer as unknown as SharedInformer<T>;
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
    await Promise.all([...this.#entries.values()].flatMap((e) => (e.running ? [e.running] : [])));
  }

  /** True once started and every informer made so far has synced; false if `signal` aborts first. */
  async waitForCacheSync(signal?: AbortSignal): Promise<boolean> {
    for (;;) {
      const informers = [...this.#entries.values()].map((e) => e.informer);
      const results = await Promise.all(informers.map((i) => i.waitForSync(signal)));
      if (results.includes(false)) return false;
      // Informers made while we waited must sync too.
      if (this.#entries.size === informers.length) return true;
    }
  }

  async get<T extends KubernetesObject>(kind: ResourceKind<T>, key: ObjectKey): Promise<T | undefined> {
    const namespace = kind.namespaced ? key.namespace : undefined;
    if (kind.namespaced && !namespace) {
      throw new Error(
        `get ${kind.apiVersion} ${kind.kind} ${key.name}: a namespaced kind needs key.namespace`,
      );
    }
    const informer = await this.readerFor(
      kind,
      namespace,
      `get ${kind.apiVersion} ${kind.kind} ${objectKeyString(key)}`,
    );
    const obj = informer.store.get(objectKeyString({ namespace, name: key.name }));
    // Copies: a caller that mutates what it read must not change the cache under every other reader.
    return obj === undefined ? undefined : structuredClone(obj);
  }

  async list<T extends KubernetesObject>(
    kind: ResourceKind<T>,
    options: CacheListOptions = {},
  ): Promise<T[]> {
    // A cache restricted to one namespace lists that namespace when asked for all.
    const namespace = kind.namespaced ? (options.namespace ?? this.#options.defaultNamespace) : undefined;
    const action = `list ${kind.apiVersion} ${kind.kind}${namespace ? ` in namespace ${namespace}` : ''}`;
    const informer = await this.readerFor(kind, namespace, action);
    let objects = options.index
      ? informer.store.byIndex(options.index.name, options.index.value)
      : informer.store.list();
    if (namespace) objects = objects.filter((o) => o.metadata?.namespace === namespace);
    if (options.labelSelector) {
      const selector = parseLabelSelector(options.labelSelector);
      objects = objects.filter((o) => selector.matches(o.metadata?.labels));
    }
    return objects.map((o) => structuredClone(o));
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
    }));
  }

  /**
   * An informer whose store can answer a read in `namespace` (undefined: all namespaces): full objects, no
   * selectors, watching all namespaces or exactly that one. Made and awaited if none exists.
   */
  private async readerFor<T extends KubernetesObject>(
    kind: ResourceKind<T>,
    namespace: string | undefined,
    action: string,
  ): Promise<SharedInformer<T>> {
    const signal = this.#signal;
    if (!signal) throw new Error(`${action}: the informer cache is not started; start the manager first`);
    const id = kindId(kind);
    let candidate: SharedInformer<KubernetesObject> | undefined;
    for (const { informer } of this.#entries.values()) {
      if (
        kindId(informer.kind) !== id ||
        informer.metadataOnly ||
        informer.labelSelector ||
        informer.fieldSelector
      ) {
        continue;
      }
      if (informer.namespace === undefined || informer.namespace === namespace) {
        // Prefer a synced informer, then the narrower one.
        if (!candidate || (informer.hasSynced() && !candidate.hasSynced())) candidate = informer;
      }
    }
    let informer = candidate as SharedInformer<T> | undefined;
    if (!informer) {
      const restricted = this.#options.defaultNamespace;
      if (kind.namespaced && restricted && namespace !== restricted) {
        throw new Error(`${action}: the cache is restricted to namespace ${restricted}`);
      }
      informer = this.informerFor(kind, { namespace });
    }
    if (!informer.hasSynced()) {
      // RBAC denials and missing CRDs do not heal by waiting: fail the read instead of hanging the reconcile.
      const synced = await informer.waitForSync(signal, isPermanentListError);
      if (!synced)
        throw new Error(`${action}: the informer cache stopped before ${informer.describe()} synced`);
    }
    return informer;
  }

  private run(entry: Entry, signal: AbortSignal): void {
    entry.running = entry.informer.run(signal).catch((err: unknown) => {
      const why = err instanceof Error ? err.message : String(err);
      (this.#options.onError ?? ((e: Error) => process.stderr.write(`${e.message}\n`)))(
        new Error(`informer ${entry.informer.describe()} stopped: ${why}`, { cause: err }),
      );
    });
  }
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
