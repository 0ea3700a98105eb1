import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { scaffoldDependencyVersions } from '../../../src/scaffold/dependency-versions.js';

/** The version of `name` that Node would load from here: the nearest node_modules/<name>/package.json. */
function installedVersion(name: string): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const manifest = join(dir, 'node_modules', name, 'package.json');
    if (existsSync(manifest))
      return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
    if (dirname(dir) === dir) throw new Error(`${name} is not installed`);
  }
}

/** Whether `version` (x.y.z) is in `range` (^x.y.z or ~x.y.z), as npm reads them. */
function satisfies(version: string, range: string): boolean {
  const op = range[0];
  const want = range.slice(1).split('.').map(Number);
  const have = version.split('.').map(Number);
  const [wMajor = 0, wMinor = 0, wPatch = 0] = want;
  const [hMajor = 0, hMinor = 0, hPatch = 0] = have;
  const atLeast =
    hMajor > wMajor || (hMajor === wMajor && (hMinor > wMinor || (hMinor === wMinor && hPatch >= wPatch)));
  if (!atLeast) return false;
  if (op === '~') return hMajor === wMajor && hMinor === wMinor;
  if (op === '^') return wMajor > 0 ? hMajor === wMajor : hMajor === 0 && hMinor === wMinor;
  return false;
}

describe('the versions a scaffolded project starts with', () => {
  it('admit the versions this repository builds and tests the packages with', () => {
    for (const [name, range] of Object.entries(scaffoldDependencyVersions)) {
      const version = installedVersion(name);
      assert.ok(satisfies(version, range), `${name}: ${version} is not in ${range}`);
    }
  });
});
