import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseManagerFlags } from '@spoke/manager';
import { memcachedManagerFlags, parseDuration } from '../../../src/cmd/memcached-manager-flags.js';

function parse(args: string[]) {
  const result = parseManagerFlags(args, { program: 'memcached-manager', extraFlags: memcachedManagerFlags });
  assert.equal(result.kind, 'flags', result.kind === 'error' ? result.message : result.kind);
  return result.flags;
}

describe('the memcached manager’s own flags', () => {
  it("defaults the election's timings to client-go's: 15 s lease, 10 s renew deadline, 2 s retry period", () => {
    const { extra } = parse([]);
    assert.deepEqual(
      [
        extra['leader-elect-lease-duration'],
        extra['leader-elect-renew-deadline'],
        extra['leader-elect-retry-period'],
      ],
      [15_000, 10_000, 2_000],
    );
  });

  it('reads the timings as Go durations, attached or as the next argument', () => {
    const { extra } = parse([
      '--leader-elect-lease-duration=4s',
      '-leader-elect-renew-deadline',
      '2500ms',
      '--leader-elect-retry-period=.5s',
    ]);
    assert.deepEqual(
      [
        extra['leader-elect-lease-duration'],
        extra['leader-elect-renew-deadline'],
        extra['leader-elect-retry-period'],
      ],
      [4_000, 2_500, 500],
    );
    assert.equal(parseDuration('1m30s'), 90_000);
    assert.equal(parseDuration('1h'), 3_600_000);
    assert.equal(parseDuration('1.5s'), 1_500);
  });

  it('refuses what is not a positive duration, saying why', () => {
    for (const bad of ['', '15', '1x', '1s ', 's', '-1s'])
      assert.throws(() => parseDuration(bad), /not a duration such as 15s or 500ms/, bad);
    assert.throws(() => parseDuration('0s'), /must be positive/);
  });
});
