import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BucketRateLimiter, RateLimitingQueue } from '../../../src/workqueue/index.js';
import { FakeClock } from '../../../src/testing/index.js';

const hour = 3_600_000;

/** Resolves the value of `p` if it is already settled after a macrotask turn, else 'pending'. */
async function settled<T>(p: Promise<T>): Promise<T | 'pending'> {
  return Promise.race([p, new Promise<'pending'>((resolve) => setImmediate(resolve, 'pending'))]);
}

describe('a wall-clock step (NTP, an administrator, a resumed VM) does not change workqueue timing', () => {
  for (const jump of [hour, -hour]) {
    it(`addAfter: a ${jump > 0 ? 'forward' : 'backward'} jump neither shortens nor stretches the delay`, async () => {
      const clock = new FakeClock();
      const q = new RateLimitingQueue<string>({ clock });
      q.addAfter('k', 1000);
      const got = q.get();
      clock.step(400);
      clock.jumpWall(jump);
      assert.equal(q.len(), 0, 'ready before its delay passed');
      clock.step(599);
      assert.equal(q.len(), 0, 'ready before its delay passed');
      assert.equal(await settled(got), 'pending');
      clock.step(1);
      assert.equal(await settled(got), 'k', 'not ready once its delay passed');
    });
  }

  it('BucketRateLimiter: a forward jump does not refill the bucket', () => {
    const clock = new FakeClock();
    const rl = new BucketRateLimiter({ qps: 10, burst: 2, clock });
    assert.deepEqual([rl.when('a'), rl.when('b')], [0, 0]);
    clock.jumpWall(hour);
    assert.equal(rl.when('c'), 100, 'the jump refilled the bucket: retries go unthrottled');
  });

  it('BucketRateLimiter: a backward jump does not drain the bucket', () => {
    const clock = new FakeClock();
    const rl = new BucketRateLimiter({ qps: 10, burst: 2, clock });
    assert.deepEqual([rl.when('a'), rl.when('b')], [0, 0]);
    clock.step(1000);
    clock.jumpWall(-hour);
    assert.deepEqual([rl.when('c'), rl.when('d')], [0, 0], 'a second of refill was lost to the jump');
    assert.equal(rl.when('e'), 100);
  });
});
