// Runs the compiled tests with node's built-in runner, one tier or several, as a single run with one summary.
//   node hack/run-tests.mjs                  # unit, integration and e2e
//   node hack/run-tests.mjs unit             # only the fast tier
// Tiers are folders: <package>/test/<tier>/**/*.test.ts, compiled by `tsc -b` to <package>/dist/test/<tier>/.
import { spawnSync } from 'node:child_process';
import { globSync } from 'node:fs';

const allTiers = ['unit', 'integration', 'e2e'];
const tiers = process.argv.slice(2).length > 0 ? process.argv.slice(2) : allTiers;
for (const tier of tiers) {
  if (!allTiers.includes(tier)) {
    console.error(`unknown test tier ${JSON.stringify(tier)}; expected one of ${allTiers.join(', ')}`);
    process.exit(2);
  }
}
const files = tiers.flatMap((tier) =>
  globSync([
    `packages/*/dist/test/${tier}/**/*.test.js`,
    `examples/*/dist/test/${tier}/**/*.test.js`,
    `test/dist/${tier}/**/*.test.js`,
  ]).sort(),
);
if (files.length === 0) {
  console.error(`no compiled tests for ${tiers.join(', ')}: run \`make build\` first`);
  process.exit(1);
}
// Two files at a time: each integration file starts its own control plane, and the machine has two cores.
const concurrency = process.env.TEST_CONCURRENCY ?? '2';
const result = spawnSync(
  process.execPath,
  ['--enable-source-maps', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
