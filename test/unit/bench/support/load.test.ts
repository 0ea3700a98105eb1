import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  configMapBody,
  configMapBytes,
  configMapName,
  forEachConcurrently,
} from '../../../bench/support/load.js';

describe('the load driver', () => {
  it('makes ConfigMaps of exactly configMapBytes of JSON, labelled or not', () => {
    for (const labelled of [true, false]) {
      const body = configMapBody('bench', 42, labelled);
      assert.equal(JSON.stringify(body).length, configMapBytes);
      assert.equal(body.metadata.name, 'cm-00042');
      assert.deepEqual(body.metadata.labels, labelled ? { 'spoke.dev/mirror': 'true' } : undefined);
    }
    assert.equal(configMapName(7), 'cm-00007');
  });

  it('runs every task once with at most `concurrency` in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const done: number[] = [];
    await forEachConcurrently(50, 8, async (i) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      done.push(i);
      inFlight--;
    });
    assert.deepEqual(
      [...done].sort((a, b) => a - b),
      Array.from({ length: 50 }, (_, i) => i),
    );
    assert.equal(most, 8);
  });
});
