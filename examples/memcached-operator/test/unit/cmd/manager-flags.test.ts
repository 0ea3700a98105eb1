import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDuration, parseManagerFlags } from '../../../src/cmd/manager-flags.js';

describe('the manager flags', () => {
  it("defaults the election's timings to client-go's: 15 s lease, 10 s renew deadline, 2 s retry period", () => {
    const flags = parseManagerFlags([]);
    assert.deepEqual(
      [flags.leaseDurationMs, flags.renewDeadlineMs, flags.retryPeriodMs],
      [15_000, 10_000, 2_000],
    );
  });

  it('reads the timings as Go durations', () => {
    const flags = parseManagerFlags([
      '--leader-elect=true',
      '--leader-elect-lease-duration=4s',
      '--leader-elect-renew-deadline=2500ms',
      '--leader-elect-retry-period',
      '0.5s',
    ]);
    assert.equal(flags.leaderElect, true);
    assert.deepEqual(
      [flags.leaseDurationMs, flags.renewDeadlineMs, flags.retryPeriodMs],
      [4_000, 2_500, 500],
    );
    assert.equal(parseDuration('x', '1m30s'), 90_000);
    assert.equal(parseDuration('x', '1h'), 3_600_000);
  });

  it('refuses a duration that is not one, naming the flag', () => {
    for (const bad of ['', '15', '0s', '-1s', '1x', '1s ', 's']) {
      assert.throws(
        () => parseManagerFlags([`--leader-elect-lease-duration=${bad}`]),
        /--leader-elect-lease-duration must be a positive duration/,
        bad,
      );
    }
  });
});
