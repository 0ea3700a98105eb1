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

interface Entry {
  expectation: WriteExpectation;
  timer: NodeJS.Timeout;
  readonly settled: Promise<void>;
  readonly settle: () => void;
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
 * The bookkeeping of read-your-writes: per (kind, store key), the write of this process the informers have not
 * shown yet. An entry ends when an informer shows the write ({@link observe}), or `timeoutMs` after the write; a
 * newer write of the same key replaces the expectation and restarts the clock, and its waiters wait for the newer one.
 */
export class ReadYourWrites {
  readonly #timeoutMs: number;
  readonly #onTimeout: (kind: string, key: string) => void;
  /** kind id → store key → entry. */
  readonly #entries = new Map<string, Map<string, Entry>>();

  constructor(options: ReadYourWritesOptions) {
    this.#timeoutMs = options.timeoutMs;
    this.#onTimeout = options.onTimeout ?? (() => undefined);
  }

  get enabled(): boolean {
    return this.#timeoutMs > 0;
  }

  /** Entries pending now, over all kinds. */
  get size(): number {
    let n = 0;
    for (const byKey of this.#entries.values()) n += byKey.size;
    return n;
  }

  /** Records a write of `key`; a no-op when disabled. */
  record(kind: string, key: string, expectation: WriteExpectation): void {
    if (!this.enabled) return;
    let byKey = this.#entries.get(kind);
    if (!byKey) {
      byKey = new Map();
      this.#entries.set(kind, byKey);
    }
    const existing = byKey.get(key);
    if (existing) {
      clearTimeout(existing.timer);
      existing.expectation = expectation;
      existing.timer = this.expireLater(kind, key, existing);
      return;
    }
    let settle!: () => void;
    const settled = new Promise<void>((resolve) => (settle = resolve));
    const entry: Entry = { expectation, timer: undefined as unknown as NodeJS.Timeout, settled, settle };
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
   * An informer stored `stored` under `key` (undefined: it deleted the key). Ends the entry if that shows the write,
   * or if the key was deleted: whatever the write was, the informer has moved past it.
   */
  observe(kind: string, key: string, stored: KubernetesObject | undefined): void {
    const entry = this.#entries.get(kind)?.get(key);
    if (entry && (stored === undefined || showsWrite(entry.expectation, stored))) this.end(kind, key, entry);
  }

  /**
   * Resolves once no write of these keys is pending: each is shown by `lookup` (the reading informer's store) now,
   * or ends later by {@link observe} or on timeout. Resolves true if it had to wait.
   */
  async waitFor(
    kind: string,
    keys: readonly string[],
    lookup: (key: string) => KubernetesObject | undefined,
  ): Promise<boolean> {
    const byKey = this.#entries.get(kind);
    if (!byKey) return false;
    const waiting: Promise<void>[] = [];
    for (const key of keys) {
      const entry = byKey.get(key);
      if (!entry) continue;
      if (showsWrite(entry.expectation, lookup(key))) this.end(kind, key, entry);
      else waiting.push(entry.settled);
    }
    if (waiting.length === 0) return false;
    await Promise.all(waiting);
    return true;
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
    entry.settle();
  }
}
