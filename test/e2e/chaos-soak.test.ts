import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { faultKinds, runSoak, type SoakOptions } from '../soak/run-soak.js';
import { renderReport, soakViolations } from '../soak/soak-report.js';

/** `90s`, `10m`: the soak's length from SOAK_DURATION; undefined when unset. */
function soakDuration(text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  const match = /^(\d+)(s|m)$/.exec(text);
  if (!match?.[1]) throw new Error(`SOAK_DURATION must look like 90s or 10m, not ${JSON.stringify(text)}`);
  return Number(match[1]) * (match[2] === 'm' ? 60_000 : 1_000);
}

const long = soakDuration(process.env.SOAK_DURATION);
/**
 * Without SOAK_DURATION (in `make test`): each fault once, in a fixed order, on 10 Memcacheds, so the run is short
 * and the same every time but for timing. With it (`make soak`): 15 Memcacheds and every fault again and again in
 * a seeded random order until the time is up.
 */
const options: Omit<SoakOptions, 'workDir' | 'log'> = {
  durationMs: long ?? 0,
  faults: long === undefined ? [...faultKinds] : [],
  memcacheds: long === undefined ? 10 : 15,
  replicas: 3,
  seed: Number(process.env.SOAK_SEED ?? (long === undefined ? 1 : Date.now() % 100_000)),
  churnMs: long === undefined ? 3_000 : 6_000,
  changeIntervalMs: 1_000,
  convergenceBoundMs: 120_000,
  lease: { durationMs: 8_000, renewDeadlineMs: 5_000, retryPeriodMs: 1_000 },
};

describe('chaos soak: leader election, restarts and conflicts under random changes', () => {
  it(
    'never writes outside a lease, converges after every fault, loses no update, stays on loopback',
    // Its own bound: the whole soak is one test; the tier's per-test timeout is for tests that should be quick.
    { timeout: (long ?? 0) + 20 * 60_000 },
    async (t) => {
      const workDir = mkdtempSync(join(tmpdir(), 'spoke-soak-'));
      let keep = true;
      try {
        const result = await runSoak({
          ...options,
          // make test: every kind once, however long that takes.
          durationMs: long ?? 1,
          workDir,
          log: (line) => {
            t.diagnostic(line);
            // Also as it happens: the reporter prints diagnostics only when the test ends.
            appendFileSync(join(workDir, 'soak.log'), `${new Date().toISOString()} ${line}\n`);
          },
        });
        const report = renderReport(result);
        const reportDir = process.env.SOAK_REPORT_DIR;
        if (reportDir) {
          mkdirSync(reportDir, { recursive: true });
          writeFileSync(join(reportDir, 'soak-report.md'), report);
          writeFileSync(join(reportDir, 'soak-result.json'), JSON.stringify(result, null, 1));
        }
        for (const line of report.split('\n')) t.diagnostic(line);
        if (long === undefined)
          assert.deepEqual(
            result.faults.map((f) => f.kind),
            [...faultKinds],
            'every fault once',
          );
        const violations = soakViolations(result);
        assert.deepEqual(violations, [], `violations (logs kept in ${workDir}):\n${violations.join('\n')}`);
        keep = false;
      } finally {
        if (keep) t.diagnostic(`soak failed: audit log and replica logs kept in ${workDir}`);
        else rmSync(workDir, { recursive: true, force: true });
      }
    },
  );
});
