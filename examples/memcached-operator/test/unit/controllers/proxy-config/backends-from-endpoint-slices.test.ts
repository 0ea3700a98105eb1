import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backendsFromEndpointSlices } from '../../../../src/index.js';
import { endpointSlice } from '../../fixtures.js';

describe('backendsFromEndpointSlices', () => {
  it('lists ready endpoints by pod name in ring order, across slices, and the others as not ready', () => {
    const observed = backendsFromEndpointSlices([
      endpointSlice('web-a', [
        { pod: 'web-2', ip: '10.0.0.12', ready: true },
        { pod: 'web-10', ip: '10.0.0.20' }, // no condition: ready, as the API defines
      ]),
      endpointSlice('web-b', [
        { pod: 'web-0', ip: '10.0.0.10', ready: true },
        { pod: 'web-1', ip: '10.0.0.11', ready: false },
        { pod: 'web-3', ip: '10.0.0.13', ready: true, terminating: true },
      ]),
    ]);
    assert.deepEqual(
      observed.ready.map((b) => `${b.name}=${b.ip}:${b.port}`),
      ['web-0=10.0.0.10:11211', 'web-2=10.0.0.12:11211', 'web-10=10.0.0.20:11211'],
    );
    assert.deepEqual(
      observed.notReady.map((b) => b.name),
      ['web-1', 'web-3'],
    );
  });
});
