import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';

/**
 * The golden files live in the source tree (test/testdata/golden), not in dist, so that they are reviewed in diffs;
 * named `*.golden` so that formatters leave their bytes alone.
 */
const goldenDir = new URL('../../../test/testdata/golden/', import.meta.url);

/**
 * Asserts that `actual` equals the golden file `name`, byte for byte. `UPDATE_GOLDEN=1` rewrites the file instead:
 * run it once after an intended change, and read the diff before committing.
 */
export function assertGolden(name: string, actual: string): void {
  const file = new URL(name, goldenDir);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, actual);
  assert.equal(
    actual,
    readFileSync(file, 'utf8'),
    `${name} differs from its golden file (UPDATE_GOLDEN=1 to accept)`,
  );
}
