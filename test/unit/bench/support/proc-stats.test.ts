import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cpuSecondsOf, memoryOf } from '../../../bench/support/proc-stats.js';

describe('proc-stats', () => {
  it("reads this process's memory and CPU time from /proc", () => {
    const { rssBytes, peakRssBytes } = memoryOf(process.pid);
    assert.ok(rssBytes > 0 && peakRssBytes >= rssBytes, `${rssBytes} ≤ ${peakRssBytes}`);
    const before = cpuSecondsOf(process.pid);
    const until = Date.now() + 100;
    while (Date.now() < until); // burn CPU: the reading must grow
    assert.ok(cpuSecondsOf(process.pid) > before);
  });
});
