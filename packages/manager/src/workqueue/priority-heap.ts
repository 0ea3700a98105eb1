/**
 * A binary min-heap by `less`, holding at most one item per key (client-go's delaying queue keeps a map from item
 * to heap entry for the same reason). Pushing an item whose key is already in the heap replaces that item and moves
 * it to its new place (decrease- or increase-key), and {@link remove} takes out any item by key, so the heap never
 * holds stale copies: its size is the number of keys in it, not the number of changes made to them. Every
 * operation is O(log n).
 */
export class PriorityHeap<T> {
  private readonly items: T[] = [];
  /** key → index in `items`. */
  private readonly positions = new Map<string, number>();

  constructor(
    private readonly less: (a: T, b: T) => boolean,
    private readonly keyOf: (item: T) => string,
  ) {}

  get size(): number {
    return this.items.length;
  }

  has(key: string): boolean {
    return this.positions.has(key);
  }

  /** Adds `item`, or replaces the item of the same key and restores the heap order. */
  push(item: T): void {
    const key = this.keyOf(item);
    const at = this.positions.get(key);
    if (at !== undefined) {
      this.items[at] = item;
      this.fix(at);
      return;
    }
    this.items.push(item);
    this.positions.set(key, this.items.length - 1);
    this.up(this.items.length - 1);
  }

  peek(): T | undefined {
    return this.items[0];
  }

  pop(): T | undefined {
    const top = this.items[0];
    if (top === undefined) return undefined;
    this.removeAt(0);
    return top;
  }

  /** Removes the item of `key`; returns it, or undefined if the heap holds none. */
  remove(key: string): T | undefined {
    const at = this.positions.get(key);
    if (at === undefined) return undefined;
    const item = this.items[at] as T;
    this.removeAt(at);
    return item;
  }

  clear(): void {
    this.items.length = 0;
    this.positions.clear();
  }

  private removeAt(at: number): void {
    const items = this.items;
    const removed = items[at] as T;
    this.positions.delete(this.keyOf(removed));
    const last = items.pop() as T;
    if (at === items.length) return;
    items[at] = last;
    this.positions.set(this.keyOf(last), at);
    this.fix(at);
  }

  /** Moves the item at `at` up or down to its place. */
  private fix(at: number): void {
    if (!this.up(at)) this.down(at);
  }

  /** Sifts up; returns whether the item moved. */
  private up(start: number): boolean {
    let i = start;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(this.items[i] as T, this.items[parent] as T)) break;
      this.swap(i, parent);
      i = parent;
    }
    return i !== start;
  }

  private down(start: number): void {
    const items = this.items;
    let i = start;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < items.length && this.less(items[l] as T, items[m] as T)) m = l;
      if (r < items.length && this.less(items[r] as T, items[m] as T)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }

  private swap(i: number, j: number): void {
    const items = this.items;
    const a = items[i] as T;
    const b = items[j] as T;
    items[i] = b;
    items[j] = a;
    this.positions.set(this.keyOf(b), i);
    this.positions.set(this.keyOf(a), j);
  }
}
