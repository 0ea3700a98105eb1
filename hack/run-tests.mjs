// Runs the compiled tests with node's built-in runner, tier by tier, with a summary line per tier at the end.
//   node hack/run-tests.mjs                  # unit, integration and e2e
//   node hack/run-tests.mjs unit             # only the fast tier
// Tiers are folders: <package>/test/<tier>/**/*.test.ts, compiled by `tsc -b` to <package>/dist/test/<tier>/.
import { spawnSync } from 'node:child_process';
import { globSync } from 'node:fs';

/**
 * Each test (and hook) of a tier fails after this long, so that a hang fails fast instead of stalling CI: generous,
 * several times the slowest test of its tier on a busy two-core machine (an integration `before` starts a control
 * plane: up to a minute; an e2e one with nodes, and a single e2e test waits up to 90 s for convergence, twice).
 * A test may set its own `timeout` (the chaos soak does: its length is a variable).
 */
const tierTimeoutMs = { unit: 60_000, integration: 300_000, e2e: 600_000 };
const allTiers = Object.keys(tierTimeoutMs);
const tiers = process.argv.slice(2).length > 0 ? process.argv.slice(2) : allTiers;
for (const tier of tiers) {
  if (!allTiers.includes(tier)) {
    console.error(`unknown test tier ${JSON.stringify(tier)}; expected one of ${allTiers.join(', ')}`);
    process.exit(2);
  }
}
const filesOf = (tier) =>
  globSync([
    `packages/*/dist/test/${tier}/**/*.test.js`,
    `examples/*/dist/test/${tier}/**/*.test.js`,
    `test/dist/${tier}/**/*.test.js`,
  ]).sort();
if (tiers.every((tier) => filesOf(tier).length === 0)) {
  console.error(`no compiled tests for ${tiers.join(', ')}: run \`make build\` first`);
  process.exit(1);
}
// Two files at a time: each integration file starts its own control plane, and the machine has two cores.
const concurrency = process.env.TEST_CONCURRENCY ?? '2';
const outcomes = [];
for (const tier of tiers) {
  const files = filesOf(tier);
  if (files.length === 0) continue;
  const started = Date.now();
  const result = spawnSync(
    process.execPath,
    [
      '--enable-source-maps',
      '--test',
      `--test-concurrency=${concurrency}`,
      `--test-timeout=${tierTimeoutMs[tier]}`,
      '--test-reporter=spec',
      ...files,
    ],
    { stdio: 'inherit' },
  );
  outcomes.push({
    tier,
    status: result.status ?? 1,
    files: files.length,
    seconds: (Date.now() - started) / 1000,
  });
}
for (const { tier, status, files, seconds } of outcomes) {
  console.log(
    `# ${tier}: ${status === 0 ? 'passed' : 'FAILED'} (${files} files, ${seconds.toFixed(0)} s, ` +
      `per-test timeout ${tierTimeoutMs[tier] / 1000} s)`,
  );
}
process.exit(outcomes.some((o) => o.status !== 0) ? 1 : 0);
