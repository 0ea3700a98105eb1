import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PriorityHeap } from '../../../src/workqueue/priority-heap.js';

interface Item {
  readonly key: string;
  readonly at: number;
}

const heap = () =>
  new PriorityHeap<Item>(
    (a, b) => a.at < b.at,
    (i) => i.key,
  );
const drain = (h: PriorityHeap<Item>): string[] => {
  const out: string[] = [];
  for (let i = h.pop(); i; i = h.pop()) out.push(`${i.key}@${String(i.at)}`);
  return out;
};

describe('PriorityHeap', () => {
  it('pops in order of `less`', () => {
    const h = heap();
    for (const [key, at] of [
      ['c', 3],
      ['a', 1],
      ['d', 4],
      ['b', 2],
    ] as const)
      h.push({ key, at });
    assert.equal(h.peek()?.key, 'a');
    assert.deepEqual(drain(h), ['a@1', 'b@2', 'c@3', 'd@4']);
    assert.equal(h.size, 0);
  });

  it('holds one item per key: a push of a known key replaces it and moves it, earlier or later', () => {
    const h = heap();
    h.push({ key: 'a', at: 5 });
    h.push({ key: 'b', at: 6 });
    h.push({ key: 'c', at: 7 });
    h.push({ key: 'c', at: 1 });
    h.push({ key: 'a', at: 9 });
    assert.equal(h.size, 3);
    assert.deepEqual(drain(h), ['c@1', 'b@6', 'a@9']);
  });

  it('removes any item by key, keeping the order of the rest', () => {
    const h = heap();
    for (let i = 0; i < 10; i++) h.push({ key: `k${String(i)}`, at: i });
    assert.deepEqual(h.remove('k4'), { key: 'k4', at: 4 });
    assert.equal(h.remove('k4'), undefined);
    assert.equal(h.has('k4'), false);
    assert.equal(h.has('k5'), true);
    assert.deepEqual(
      drain(h).map((s) => s.split('@')[0]),
      ['k0', 'k1', 'k2', 'k3', 'k5', 'k6', 'k7', 'k8', 'k9'],
    );
  });

  it('agrees with a sort after many random pushes, re-pushes and removals', () => {
    let seed = 42;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const h = heap();
    const expected = new Map<string, number>();
    for (let i = 0; i < 5000; i++) {
      const key = `k${String(Math.floor(random() * 200))}`;
      if (random() < 0.2) {
        h.remove(key);
        expected.delete(key);
      } else {
        const at = Math.floor(random() * 1_000_000);
        h.push({ key, at });
        expected.set(key, at);
      }
      assert.equal(h.size, expected.size);
    }
    const sorted = [...expected].sort((a, b) => a[1] - b[1]).map(([, at]) => at);
    assert.deepEqual(
      drain(h).map((s) => Number(s.split('@')[1])),
      sorted,
    );
  });
});
