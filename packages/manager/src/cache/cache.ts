import type { KubernetesObject } from '@kubernetes/client-node';
import type { ResourceKind } from '../kinds/resource-kind.js';
import type { ObjectKey } from '../kinds/object-key.js';
import type { ListWatchOptions } from '../watcher/watcher.js';
import type { IndexFunc, Informer } from './informer.js';

/**
 * Narrows one informer: each distinct combination is its own LIST+WATCH. Without a namespace, an informer watches
 * all namespaces, or the cache's default namespace if it has one.
 */
export type InformerOptions = ListWatchOptions;

/** Reads from the cache: the same filters as the API's LIST, answered from memory. */
export interface CacheListOptions {
  readonly namespace?: string;
  readonly labelSelector?: string;
  /** Only objects the named field index maps to this value (see {@link Cache.indexField}). */
  readonly index?: { readonly name: string; readonly value: string };
}

/** A write this process made, as the API server answered it: what {@link Cache.recordWrite} waits for. */
export interface CacheWrite extends ObjectKey {
  /** The resourceVersion the server returned; a delete answered with a Status has none. */
  readonly resourceVersion: string | undefined;
  /** A delete: the key's absence from the informer shows it too. */
  readonly deleted: boolean;
}

/**
 * The process-wide set of informers: one per (kind, namespace, selectors), created on first use and shared.
 * Reads through it never reach the API server; a kind read for the first time starts its informer and waits for it
 * to sync, as controller-runtime's cache does.
 */
export interface Cache {
  /** The shared informer for `kind` with these options, created (and started, if the cache is running) on first use. */
  getInformer<T extends KubernetesObject>(kind: ResourceKind<T>, options?: InformerOptions): Informer<T>;
  /** Adds a field index to every informer of `kind`; call before the informer starts. */
  indexField<T extends KubernetesObject>(
    kind: ResourceKind<T>,
    indexName: string,
    extract: IndexFunc<T>,
  ): void;
  /** Starts every informer made so far and each one made later; runs until `signal` aborts. */
  start(signal: AbortSignal): Promise<void>;
  /** Resolves true once every informer has synced, false if `signal` aborts first. */
  waitForCacheSync(signal?: AbortSignal): Promise<boolean>;
  /**
   * The cached object under `key`, or undefined. **Shared, not copied**: the object is the one the informer stores,
   * deep-frozen when it came off the wire, and handed to every reader (as controller-runtime: objects from the cache
   * are shared; DeepCopy before mutating). Mutating it throws a TypeError; copy first
   * (`structuredClone(obj)`) to change and write it.
   */
  get<T extends KubernetesObject>(kind: ResourceKind<T>, key: ObjectKey): Promise<T | undefined>;
  /** The cached objects that match, in a new array; the objects are shared and deep-frozen, as {@link Cache.get}'s. */
  list<T extends KubernetesObject>(kind: ResourceKind<T>, options?: CacheListOptions): Promise<T[]>;
  /**
   * Read your own writes: the client tells the cache about each write it made, so that a later `get` or `list`
   * touching that key waits (bounded) until the informer shows it. Optional: a cache without it answers at once.
   */
  recordWrite?(kind: ResourceKind, write: CacheWrite): void;
}

/** The built-in index: objects by their controller owner, value `<group>/<Kind>/<namespace>/<name>`. */
export const ControllerOwnerIndex = 'spoke.dev/controller-owner';
