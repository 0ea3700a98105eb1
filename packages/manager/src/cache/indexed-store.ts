import type { KubernetesObject } from '@kubernetes/client-node';
import { keyOf, objectKeyString } from '../kinds/object-key.js';
import type { IndexFunc, Store } from './informer.js';
import { errorMessage } from '../internal/errors/error-message.js';

/** The key a store files an object under: `namespace/name`, or `name` for cluster-scoped objects. */
export function storeKeyOf(obj: KubernetesObject): string {
  return objectKeyString(keyOf(obj));
}

/**
 * An in-memory {@link Store} with secondary indexes, as client-go's thread-safe indexer. Index values are kept up
 * to date on every write, so {@link Store.byIndex} is a map lookup, not a scan.
 */
export class IndexedStore<T extends KubernetesObject> implements Store<T> {
  readonly #objects = new Map<string, T>();
  readonly #indexers = new Map<string, IndexFunc<T>>();
  /** index name → index value → keys of the objects under that value. */
  readonly #indices = new Map<string, Map<string, Set<string>>>();

  readonly #onIndexError: (error: Error) => void;

  /**
   * `onIndexError` is told when an index function throws for an object: the object is then stored and found by key,
   * just not under that index, so one object an index cannot handle neither fails the write nor stops the informer.
   */
  constructor(indexers: Readonly<Record<string, IndexFunc<T>>> = {}, onIndexError?: (error: Error) => void) {
    this.#onIndexError = onIndexError ?? (() => undefined);
    this.addIndexers(indexers);
  }

  get size(): number {
    return this.#objects.size;
  }

  get(key: string): T | undefined {
    return this.#objects.get(key);
  }

  list(): T[] {
    return [...this.#objects.values()];
  }

  keys(): string[] {
    return [...this.#objects.keys()];
  }

  byIndex(indexName: string, value: string): T[] {
    const index = this.#indices.get(indexName);
    if (!index) throw new Error(`store has no index named ${JSON.stringify(indexName)}`);
    const keys = index.get(value);
    if (!keys) return [];
    const result: T[] = [];
    for (const key of keys) {
      const obj = this.#objects.get(key);
      if (obj) result.push(obj);
    }
    return result;
  }

  hasIndex(indexName: string): boolean {
    return this.#indexers.has(indexName);
  }

  /**
   * Adds indexes; objects already stored are indexed at once, so an index may be added after the informer started.
   * Re-adding a name with the same function is a no-op; with another function, an error (it would change answers
   * under a reader's feet).
   */
  addIndexers(indexers: Readonly<Record<string, IndexFunc<T>>>): void {
    for (const [name, fn] of Object.entries(indexers)) {
      const existing = this.#indexers.get(name);
      if (existing === fn) continue;
      if (existing) throw new Error(`index ${JSON.stringify(name)} is already defined with another function`);
      this.#indexers.set(name, fn);
      const index = new Map<string, Set<string>>();
      this.#indices.set(name, index);
      for (const [key, obj] of this.#objects) addToIndex(index, this.indexValues(name, fn, obj), key);
    }
  }

  /** Stores `obj` under its key; returns the object it replaced. */
  upsert(obj: T): T | undefined {
    const key = storeKeyOf(obj);
    const old = this.#objects.get(key);
    if (old) this.unindex(key, old);
    this.#objects.set(key, obj);
    this.index(key, obj);
    return old;
  }

  /** Removes the object under `key`; returns it. */
  delete(key: string): T | undefined {
    const old = this.#objects.get(key);
    if (!old) return undefined;
    this.unindex(key, old);
    this.#objects.delete(key);
    return old;
  }

  private indexValues(name: string, fn: IndexFunc<T>, obj: T): string[] {
    try {
      return fn(obj);
    } catch (err) {
      const message = errorMessage(err);
      this.#onIndexError(new Error(`index ${JSON.stringify(name)} of ${storeKeyOf(obj)}: ${message}`));
      return [];
    }
  }

  private index(key: string, obj: T): void {
    for (const [name, fn] of this.#indexers) {
      const index = this.#indices.get(name);
      if (index) addToIndex(index, this.indexValues(name, fn, obj), key);
    }
  }

  private unindex(key: string, obj: T): void {
    for (const [name, fn] of this.#indexers) {
      const index = this.#indices.get(name);
      if (!index) continue;
      for (const value of this.indexValues(name, fn, obj)) {
        const keys = index.get(value);
        if (!keys) continue;
        keys.delete(key);
        if (keys.size === 0) index.delete(value);
      }
    }
  }
}

function addToIndex(index: Map<string, Set<string>>, values: readonly string[], key: string): void {
  for (const value of values) {
    let keys = index.get(value);
    if (!keys) {
      keys = new Set();
      index.set(value, keys);
    }
    keys.add(key);
  }
}
