import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backendsFromEndpointSlices, expectedPodNames, settleDecision } from '../../../../src/index.js';
import { endpointSlice } from '../../fixtures.js';

describe('settleDecision', () => {
  const observed = backendsFromEndpointSlices([
    endpointSlice('s', [
      { pod: 'web-0', ip: '10.0.0.10', ready: true },
      { pod: 'web-1', ip: '10.0.0.11', ready: false },
    ]),
  ]);

  it('waits for an expected server that is starting, for at most settleMs', () => {
    const input = {
      expectedNames: expectedPodNames('web', 2),
      observed,
      settleMs: 10_000,
      hasPublished: true,
    };
    assert.deepEqual(settleDecision({ ...input, pendingSince: undefined, now: 1000 }), {
      publish: false,
      retryAfterMs: 10_000,
    });
    assert.deepEqual(settleDecision({ ...input, pendingSince: 1000, now: 4000 }), {
      publish: false,
      retryAfterMs: 7000,
    });
    assert.deepEqual(settleDecision({ ...input, pendingSince: 1000, now: 11_000 }), { publish: true });
  });

  it('publishes at once when every expected server is ready, even if others are going away', () => {
    assert.deepEqual(
      settleDecision({
        expectedNames: ['web-0'],
        observed,
        pendingSince: undefined,
        now: 0,
        settleMs: 10_000,
        hasPublished: true,
      }),
      { publish: true },
    );
  });

  it('holds the published config while no expected server is ready, however long that lasts', () => {
    const noneReady = backendsFromEndpointSlices([
      endpointSlice('s', [
        { pod: 'web-0', ip: '10.0.0.10', ready: false },
        { pod: 'web-1', ip: '10.0.0.11', ready: false },
      ]),
    ]);
    const input = { expectedNames: expectedPodNames('web', 2), observed: noneReady, settleMs: 10_000 };
    assert.deepEqual(settleDecision({ ...input, hasPublished: true, pendingSince: 0, now: 3_600_000 }), {
      publish: false,
      retryAfterMs: 10_000,
    });
    // The first config is still published once the wait is over, so the proxy can start and report the outage.
    assert.deepEqual(settleDecision({ ...input, hasPublished: false, pendingSince: 0, now: 11_000 }), {
      publish: true,
    });
  });

  it('publishes an empty config at once when no server is expected (replicas 0)', () => {
    assert.deepEqual(
      settleDecision({
        expectedNames: [],
        observed,
        pendingSince: undefined,
        now: 0,
        settleMs: 10_000,
        hasPublished: true,
      }),
      { publish: true },
    );
  });
});
