import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { convergeRun } from '../../bench/side-by-side.js';

// A smoke test of `make bench`'s harness, on its Spoke contender only (the controller-runtime one needs a Go build):
// it asserts what was done and counted, never how long it took.
describe('the side-by-side harness', () => {
  it('runs the Spoke secret mirror on a fresh control plane and counts its requests on the API server', async () => {
    const n = 20;
    const run = await convergeRun(
      {
        sizes: [n],
        maxConcurrentReconciles: [1],
        runs: 1,
        cachedObjects: 0,
        driverConcurrency: 8,
        controllerRuntimeBinary: '',
        logDir: mkdtempSync(join(tmpdir(), 'spoke-bench-smoke-')),
        log: () => undefined,
      },
      'spoke',
      n,
      1,
      1,
    );
    // One Secret and one Event per ConfigMap, the informers' two LISTs, and not one request more.
    assert.deepEqual(run.requests, {
      'LIST configmaps': 1,
      'LIST secrets': 1,
      'POST events': n,
      'POST secrets': n,
    });
    // Each ConfigMap is reconciled for its own event, and again for its Secret's (which changes nothing).
    assert.ok((run.reconciles ?? 0) >= n, `${run.reconciles} reconciles`);
    assert.ok(run.convergeSeconds > 0);
    assert.ok((run.peakRssBytes ?? 0) > 0 && (run.cpuSeconds ?? -1) >= 0);
    assert.notEqual(run.reconcileP50Seconds, undefined);
  });
});
