import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExponentialBackoff, defaultWatchBackoff } from '../../../src/watcher/backoff.js';

function sequence(backoff: { next(): number }, n: number): number[] {
  return Array.from({ length: n }, () => backoff.next());
}

describe('ExponentialBackoff', () => {
  it('doubles from 800 ms up to a 30 s ceiling', () => {
    const backoff = new ExponentialBackoff({ random: () => 0 });
    assert.deepEqual(sequence(backoff, 8), [800, 1600, 3200, 6400, 12800, 25600, 30000, 30000]);
  });

  it('shortens each delay by at most a quarter (jitter)', () => {
    const backoff = new ExponentialBackoff({ random: () => 0.999999 });
    const delays = sequence(backoff, 8);
    assert.deepEqual(delays, [600, 1200, 2400, 4800, 9600, 19200, 22500, 22500]);
  });

  it('jitters between 75% and 100% of the exponential delay', () => {
    const backoff = defaultWatchBackoff();
    for (const [i, delay] of sequence(backoff, 12).entries()) {
      const base = Math.min(30_000, 800 * 2 ** i);
      assert.ok(
        delay >= base * 0.75 && delay <= base,
        `attempt ${i}: ${delay} outside [${base * 0.75}, ${base}]`,
      );
    }
  });

  it('starts over after a healthy period with no failures', () => {
    let now = 0;
    const backoff = new ExponentialBackoff({ random: () => 0, now: () => now, resetAfterMs: 120_000 });
    assert.deepEqual(sequence(backoff, 3), [800, 1600, 3200]);
    now += 119_000;
    assert.equal(backoff.next(), 6400, 'a failure within the healthy period keeps growing');
    now += 120_000;
    assert.equal(backoff.next(), 800, 'a failure after two quiet minutes starts over');
  });

  it('starts over on reset()', () => {
    const backoff = new ExponentialBackoff({ random: () => 0 });
    sequence(backoff, 5);
    backoff.reset();
    assert.equal(backoff.next(), 800);
  });

  it('rejects settings that cannot make a sequence', () => {
    assert.throws(() => new ExponentialBackoff({ initialMs: 0 }), RangeError);
    assert.throws(() => new ExponentialBackoff({ initialMs: 5000, maxMs: 1000 }), RangeError);
    assert.throws(() => new ExponentialBackoff({ jitter: 1 }), RangeError);
  });
});
