import type { KubernetesObject } from '@kubernetes/client-node';
import { IndexedStore, storeKeyOf } from './indexed-store.js';
import type { WatcherEvent } from '../watcher/watcher-event.js';
import { errorMessage } from '../internal/errors/error-message.js';
import { deepFreeze } from '../internal/object/deep-freeze.js';

/** How the store changed, as the reflector applied one watcher event; an informer turns these into handler calls. */
export type StoreChange<T extends KubernetesObject> =
  | { readonly type: 'Added'; readonly object: T; readonly isInInitialList: boolean }
  | {
      readonly type: 'Updated';
      readonly oldObject: T;
      readonly newObject: T;
      readonly isInInitialList: boolean;
    }
  /** `object` is the final state from a watch event, or what the store last held when a relist found it gone. */
  | { readonly type: 'Deleted'; readonly object: T }
  /** A (re)list was applied: the store now matches the API at `resourceVersion`. */
  | { readonly type: 'Listed'; readonly resourceVersion: string };

/** Options of a {@link Reflector}. */
export interface ReflectorOptions<T extends KubernetesObject> {
  readonly store: IndexedStore<T>;
  /**
   * Applied to each object before it is stored; default none (informers pass `stripManagedFields`). What it returns
   * is then deep-frozen: the store, its readers and the change handlers share that one object.
   */
  readonly transform?: (obj: T) => T;
  /** Called synchronously after each change is applied to the store. */
  readonly onChange?: (change: StoreChange<T>) => void;
  /**
   * Told when `transform` throws for an object; that object is then stored as it came, so one object the transform
   * cannot handle neither stops the informer nor goes missing from the cache. Default: ignored.
   */
  readonly onTransformError?: (error: Error, obj: T) => void;
  /**
   * Told when an object cannot be stored because it cannot be keyed (no `metadata.name`); the event is skipped, as
   * client-go's reflector does, rather than thrown (which would end the informer). Default: ignored.
   */
  readonly onSkip?: (error: Error) => void;
}

/**
 * Keeps a store equal to what a watcher reports, and nothing more (kube-rs's `reflector`). A (re)list is buffered
 * until `InitDone` and then applied as a diff: objects that vanished while nobody watched become deletes, so the
 * store holds no ghosts after a 410 Gone or a long disconnect; unchanged objects (same resourceVersion) stay quiet.
 * Every stored object is deep-frozen: it is shared by the store and every reader, and must not be mutated.
 */
export class Reflector<T extends KubernetesObject> {
  readonly store: IndexedStore<T>;
  readonly #transform: (obj: T) => T;
  readonly #onChange: (change: StoreChange<T>) => void;
  readonly #onSkip: (error: Error) => void;
  #buffer: Map<string, T> | undefined;
  #synced = false;
  #resourceVersion: string | undefined;
  #lastEventAt: number | undefined;

  constructor(options: ReflectorOptions<T>) {
    this.store = options.store;
    const transform = options.transform ?? ((obj: T) => obj);
    const onTransformError = options.onTransformError ?? (() => undefined);
    // Frozen once, here, as objects come off the wire: reads then share them instead of copying per read.
    this.#transform = (obj) => {
      try {
        return deepFreeze(transform(obj));
      } catch (err) {
        onTransformError(err instanceof Error ? err : new Error(errorMessage(err)), obj);
        return deepFreeze(obj);
      }
    };
    this.#onChange = options.onChange ?? (() => undefined);
    this.#onSkip = options.onSkip ?? (() => undefined);
  }

  /** True once the first complete list has been applied. */
  get synced(): boolean {
    return this.#synced;
  }

  /** The resourceVersion of the last list, event or bookmark applied. */
  get resourceVersion(): string | undefined {
    return this.#resourceVersion;
  }

  /** When (ms since epoch) the last watcher event arrived, bookmarks included. */
  get lastEventAt(): number | undefined {
    return this.#lastEventAt;
  }

  /** Applies every event of `events` until it ends. */
  async run(events: AsyncIterable<WatcherEvent<T>>): Promise<void> {
    for await (const event of events) this.apply(event);
  }

  /** Applies one watcher event to the store. */
  apply(event: WatcherEvent<T>): void {
    this.#lastEventAt = Date.now();
    switch (event.type) {
      case 'Init':
        this.#buffer = new Map();
        return;
      case 'InitApply': {
        const obj = this.#transform(event.object);
        const key = this.keyOrSkip(obj, 'a listed object');
        if (key !== undefined) (this.#buffer ??= new Map<string, T>()).set(key, obj);
        return;
      }
      case 'InitDone':
        this.replace(this.#buffer ?? new Map<string, T>(), event.resourceVersion);
        this.#buffer = undefined;
        return;
      case 'Apply': {
        const obj = this.#transform(event.object);
        this.#resourceVersion = obj.metadata?.resourceVersion ?? this.#resourceVersion;
        if (this.keyOrSkip(obj, 'an Apply event') === undefined) return;
        const old = this.store.upsert(obj);
        this.#onChange(
          old
            ? { type: 'Updated', oldObject: old, newObject: obj, isInInitialList: false }
            : { type: 'Added', object: obj, isInInitialList: false },
        );
        return;
      }
      case 'Delete': {
        const obj = this.#transform(event.object);
        this.#resourceVersion = obj.metadata?.resourceVersion ?? this.#resourceVersion;
        const key = this.keyOrSkip(obj, 'a Delete event');
        if (key === undefined) return;
        this.store.delete(key);
        this.#onChange({ type: 'Deleted', object: obj });
        return;
      }
      case 'Bookmark':
        this.#resourceVersion = event.resourceVersion;
        return;
    }
  }

  /** The store key of `obj`, or undefined (reported) when it has none. */
  private keyOrSkip(obj: T, what: string): string | undefined {
    try {
      return storeKeyOf(obj);
    } catch (err) {
      this.#onSkip(new Error(`skipped ${what}: ${errorMessage(err)}`, { cause: err }));
      return undefined;
    }
  }

  private replace(listed: Map<string, T>, resourceVersion: string): void {
    // Deletes first: a handler that reacts to an add may look for what replaced the object that went away.
    for (const key of this.store.keys()) {
      if (listed.has(key)) continue;
      const gone = this.store.delete(key);
      if (gone) this.#onChange({ type: 'Deleted', object: gone });
    }
    for (const [key, obj] of listed) {
      const old = this.store.get(key);
      if (!old) {
        this.store.upsert(obj);
        this.#onChange({ type: 'Added', object: obj, isInInitialList: true });
      } else if (old.metadata?.resourceVersion !== obj.metadata?.resourceVersion) {
        this.store.upsert(obj);
        this.#onChange({ type: 'Updated', oldObject: old, newObject: obj, isInInitialList: true });
      }
    }
    this.#resourceVersion = resourceVersion;
    this.#synced = true;
    this.#onChange({ type: 'Listed', resourceVersion });
  }
}
