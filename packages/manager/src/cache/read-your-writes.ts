import type { KubernetesObject } from '@kubernetes/client-node';

/** What a write of this process left at the API server, as its response said. */
export interface WriteExpectation {
  /** The resourceVersion the server returned; undefined when a delete answered with a Status, not the object. */
  readonly resourceVersion: string | undefined;
  /** A delete: the key's absence satisfies the expectation too. */
  readonly deleted: boolean;
}

/** Options of {@link ReadYourWrites}. */
export interface ReadYourWritesOptions {
  /** How long after a write its entry stays pending; 0 disables the bookkeeping (nothing is recorded). */
  readonly timeoutMs: number;
  /** Told when an entry expires before any informer showed the write. */
  readonly onTimeout?: (kind: string, key: string) => void;
}

/** Who reads the store of one informer: an opaque token (the cache passes the informer itself). */
export type Reader = object;

interface Entry {
  expectation: WriteExpectation;
  timer: NodeJS.Timeout;
  /** The readers that must still show the write; the entry ends when none is left (or on timeout). */
  pending: Set<Reader>;
  /** Reads waiting for one reader to show the write, by reader. */
  readonly waiting: Map<Reader, (() => void)[]>;
}

/** Whether `stored` (what an informer holds under the key, undefined if nothing) shows the expected write. */
export function showsWrite(expectation: WriteExpectation, stored: KubernetesObject | undefined): boolean {
  if (stored === undefined) return expectation.deleted;
  // resourceVersions are opaque: equality is the only comparison the API allows.
  return (
    expectation.resourceVersion !== undefined &&
    stored.metadata?.resourceVersion === expectation.resourceVersion
  );
}

/**
 * The bookkeeping of read-your-writes: per (kind, store key), the write of this process that some informer able to
 * answer reads of it has not shown yet. A read waits until *the informer it reads* shows the write (another
 * informer of the kind showing it first proves nothing about this one's store); the entry ends once every such
 * informer has ({@link observe}), or `timeoutMs` after the write. A newer write of the same key replaces the
 * expectation and restarts the clock, and its waiters wait for the newer one.
 */
export class ReadYourWrites {
  readonly #timeoutMs: number;
  readonly #onTimeout: (kind: string, key: string) => void;
  /** kind id → store key → entry. */
  readonly #entries = new Map<string, Map<string, Entry>>();
  #stopped = false;

  constructor(options: ReadYourWritesOptions) {
    this.#timeoutMs = options.timeoutMs;
    this.#onTimeout = options.onTimeout ?? (() => undefined);
  }

  get enabled(): boolean {
    return this.#timeoutMs > 0 && !this.#stopped;
  }

  /** Entries pending now, over all kinds. */
  get size(): number {
    let n = 0;
    for (const byKey of this.#entries.values()) n += byKey.size;
    return n;
  }

  /**
   * Records a write of `key` that `readers` (the informers that can answer reads of it and do not show it yet)
   * must show; a no-op when disabled, stopped, or no reader is given.
   */
  record(kind: string, key: string, expectation: WriteExpectation, readers: Iterable<Reader>): void {
    const pending = new Set(readers);
    if (!this.enabled || pending.size === 0) return;
    let byKey = this.#entries.get(kind);
    if (!byKey) {
      byKey = new Map();
      this.#entries.set(kind, byKey);
    }
    const existing = byKey.get(key);
    if (existing) {
      clearTimeout(existing.timer);
      existing.expectation = expectation;
      existing.pending = pending;
      existing.timer = this.expireLater(kind, key, existing);
      // Waiters on a reader that need not show this write go on; the others wait for the newer write.
      for (const reader of [...existing.waiting.keys()])
        if (!pending.has(reader)) this.release(existing, reader);
      return;
    }
    const entry: Entry = {
      expectation,
      timer: undefined as unknown as NodeJS.Timeout,
      pending,
      waiting: new Map(),
    };
    entry.timer = this.expireLater(kind, key, entry);
    byKey.set(key, entry);
  }

  /** The pending expectation of `key`, if any. */
  get(kind: string, key: string): WriteExpectation | undefined {
    return this.#entries.get(kind)?.get(key)?.expectation;
  }

  /** Keys of `kind` with a pending write that `include` accepts. */
  keys(kind: string, include: (key: string) => boolean = () => true): string[] {
    return [...(this.#entries.get(kind)?.keys() ?? [])].filter(include);
  }

  /**
   * Whether `reader`, whose store holds `stored` under `key`, has no pending write of this process to show there:
   * none was recorded for it, or `stored` shows it.
   */
  isShownBy(kind: string, key: string, reader: Reader, stored: KubernetesObject | undefined): boolean {
    const entry = this.#entries.get(kind)?.get(key);
    return !entry?.pending.has(reader) || showsWrite(entry.expectation, stored);
  }

  /**
   * `reader` stored `stored` under `key` (undefined: it deleted the key). The write is shown by that reader if
   * `stored` shows it, or if the key was deleted: whatever the write was, that informer has moved past it.
   */
  observe(kind: string, key: string, reader: Reader, stored: KubernetesObject | undefined): void {
    const entry = this.#entries.get(kind)?.get(key);
    if (!entry?.pending.has(reader)) return;
    if (stored === undefined || showsWrite(entry.expectation, stored)) this.shownBy(kind, key, entry, reader);
  }

  /**
   * Resolves once `reader` shows this process's pending writes of these keys: each is shown by `lookup` (that
   * reader's store) now, or later by {@link observe} of that reader, or its entry ends (timeout, stop). Resolves
   * true if it had to wait.
   */
  async waitFor(
    kind: string,
    keys: readonly string[],
    reader: Reader,
    lookup: (key: string) => KubernetesObject | undefined,
  ): Promise<boolean> {
    const byKey = this.#entries.get(kind);
    if (!byKey) return false;
    const waiting: Promise<void>[] = [];
    for (const key of keys) {
      const entry = byKey.get(key);
      if (!entry?.pending.has(reader)) continue;
      if (showsWrite(entry.expectation, lookup(key))) {
        this.shownBy(kind, key, entry, reader);
        continue;
      }
      waiting.push(
        new Promise<void>((resolve) => {
          const list = entry.waiting.get(reader) ?? [];
          list.push(resolve);
          entry.waiting.set(reader, list);
        }),
      );
    }
    if (waiting.length === 0) return false;
    await Promise.all(waiting);
    return true;
  }

  /**
   * Ends every entry and refuses new ones: the cache stopped. Their timers are cleared (none fires, or reports a
   * timeout, after the stop) and every waiting read goes on.
   */
  stop(): void {
    this.#stopped = true;
    for (const [kind, byKey] of [...this.#entries]) {
      for (const [key, entry] of [...byKey]) this.end(kind, key, entry);
    }
  }

  private shownBy(kind: string, key: string, entry: Entry, reader: Reader): void {
    entry.pending.delete(reader);
    this.release(entry, reader);
    if (entry.pending.size === 0) this.end(kind, key, entry);
  }

  private release(entry: Entry, reader: Reader): void {
    const resolvers = entry.waiting.get(reader);
    entry.waiting.delete(reader);
    for (const resolve of resolvers ?? []) resolve();
  }

  private expireLater(kind: string, key: string, entry: Entry): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.end(kind, key, entry);
      this.#onTimeout(kind, key);
    }, this.#timeoutMs);
    // A pending write must not keep the process alive.
    timer.unref();
    return timer;
  }

  private end(kind: string, key: string, entry: Entry): void {
    clearTimeout(entry.timer);
    const byKey = this.#entries.get(kind);
    if (byKey?.get(key) !== entry) return;
    byKey.delete(key);
    if (byKey.size === 0) this.#entries.delete(kind);
    for (const reader of [...entry.waiting.keys()]) this.release(entry, reader);
  }
}
