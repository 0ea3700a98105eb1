import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../../../src/testing/index.js';

describe('FakeClock', () => {
  it('step lets time pass on both clocks and fires due timers in order, each at its own time', () => {
    const clock = new FakeClock(1_000_000);
    const fired: [string, number][] = [];
    clock.setTimeout(() => fired.push(['b', clock.monotonicNow()]), 200);
    clock.setTimeout(() => fired.push(['a', clock.monotonicNow()]), 100);
    clock.setTimeout(() => fired.push(['c', clock.monotonicNow()]), 301);
    clock.step(300);
    assert.deepEqual(fired, [
      ['a', 100],
      ['b', 200],
    ]);
    assert.equal(clock.monotonicNow(), 300);
    assert.equal(clock.now(), 1_000_300);
    assert.equal(clock.pendingTimers, 1);
  });

  it('jumpWall moves only the wall clock and fires nothing', () => {
    const clock = new FakeClock(1_000_000);
    let fired = false;
    clock.setTimeout(() => (fired = true), 100);
    clock.jumpWall(3_600_000);
    assert.equal(clock.now(), 4_600_000);
    assert.equal(clock.monotonicNow(), 0);
    assert.equal(fired, false);
    clock.jumpWall(-7_200_000);
    assert.equal(clock.now(), -2_600_000);
    clock.step(100);
    assert.equal(fired, true);
    assert.equal(clock.now(), -2_599_900);
  });
});
