import assert from 'node:assert/strict';
import { existsSync, globSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

interface PackageManifest {
  name: string;
  version: string;
  license?: string;
  homepage?: string;
  keywords?: string[];
  repository?: { type: string; url: string; directory: string };
  files?: string[];
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const packages = globSync('packages/*/package.json', { cwd: repoRoot }).map((file) => ({
  dir: file.slice(0, -'/package.json'.length),
  manifest: JSON.parse(readFileSync(join(repoRoot, file), 'utf8')) as PackageManifest,
}));

/** Whether a package's own sources import `name` (so that its types may cross the package's API). */
function importedBySource(dir: string, name: string): boolean {
  return globSync(`${dir}/src/**/*.ts`, { cwd: repoRoot }).some((file) =>
    // The imports as the compiler sees them: not a template's text that holds an import line.
    ts
      .preProcessFile(readFileSync(join(repoRoot, file), 'utf8'))
      .importedFiles.some((imported) => imported.fileName === name),
  );
}

describe('the published packages', () => {
  it('are four, at one version, named in the CHANGELOG', () => {
    assert.deepEqual(packages.map((p) => p.manifest.name).sort(), [
      '@spoke/cli',
      '@spoke/envtest',
      '@spoke/manager',
      '@spoke/manifests',
    ]);
    const versions = new Set(packages.map((p) => p.manifest.version));
    assert.equal(versions.size, 1, [...versions].join(', '));
    const changelog = readFileSync(join(repoRoot, 'CHANGELOG.md'), 'utf8');
    assert.match(changelog, new RegExp(`^## \\[${[...versions][0] ?? ''}\\]`, 'm'));
  });

  it('each carry the README, the root LICENSE, and where they come from', () => {
    const license = readFileSync(join(repoRoot, 'LICENSE'), 'utf8');
    for (const { dir, manifest } of packages) {
      assert.ok(existsSync(join(repoRoot, dir, 'README.md')), `${dir}/README.md`);
      assert.equal(readFileSync(join(repoRoot, dir, 'LICENSE'), 'utf8'), license, `${dir}/LICENSE`);
      assert.equal(manifest.license, 'Apache-2.0', dir);
      assert.equal(manifest.repository?.directory, dir, `${dir}: repository.directory`);
      assert.ok(manifest.homepage?.endsWith(`${dir}#readme`), `${dir}: homepage`);
      assert.ok((manifest.keywords ?? []).length > 0, `${dir}: keywords`);
      // src/ ships beside dist/src so that the source and declaration maps resolve.
      for (const path of ['dist/src', 'src'])
        assert.ok(manifest.files?.includes(path), `${dir}: files has ${path}`);
    }
  });

  it('depend with ^ ranges, on each other at the shared version', () => {
    for (const { dir, manifest } of packages) {
      for (const [name, range] of Object.entries({
        ...manifest.dependencies,
        ...manifest.peerDependencies,
      })) {
        assert.match(range, /^\^\d+\.\d+\.\d+$/, `${dir}: ${name}@${range}`);
        if (name.startsWith('@spoke/')) assert.equal(range, `^${manifest.version}`, `${dir}: ${name}`);
      }
    }
  });

  it('take @kubernetes/client-node as a peer wherever their code imports it, so one copy crosses the API', () => {
    for (const { dir, manifest } of packages) {
      assert.equal(
        manifest.dependencies?.['@kubernetes/client-node'],
        undefined,
        `${dir} depends on client-node`,
      );
      if (importedBySource(dir, '@kubernetes/client-node')) {
        assert.ok(
          manifest.peerDependencies?.['@kubernetes/client-node'],
          `${dir}: peer @kubernetes/client-node`,
        );
      }
    }
    const manifests = packages.find((p) => p.manifest.name === '@spoke/manifests');
    assert.ok(
      manifests?.manifest.peerDependencies?.['@spoke/manager'],
      '@spoke/manifests: peer @spoke/manager',
    );
  });
});
