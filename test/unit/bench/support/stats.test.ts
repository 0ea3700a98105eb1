import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { median, summarize } from '../../../bench/support/stats.js';

describe('stats', () => {
  it('takes the median of odd and even counts, and a range', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.throws(() => median([]), /median of nothing/);
    assert.deepEqual(summarize([5, 1, 3]), { median: 3, min: 1, max: 5, runs: [5, 1, 3] });
  });
});
