import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  findManifestDrift,
  generateManifests,
  generatedHeader,
  loadManifestSources,
} from '../../src/index.js';
import { manifestsModule, repoRoot } from '../support/repo-root.js';

describe('committed manifests', () => {
  it('equal the ones generated from the operator code (run `make manifests` and commit if this fails)', async () => {
    const sources = await loadManifestSources(join(repoRoot, manifestsModule));
    const files = generateManifests(sources);
    assert.deepEqual(
      files.map((file) => file.path),
      [
        'config/crd/bases/cache.spoke.dev_memcacheds.yaml',
        'config/rbac/role.yaml',
        'config/webhook/manifests.yaml',
      ],
    );
    assert.deepEqual(findManifestDrift(files, repoRoot, ['config/webhook']), []);
  });

  it('read every controller the manager registers, each with at least its `for` kind', async () => {
    const { controllers } = await loadManifestSources(join(repoRoot, manifestsModule));
    assert.ok(controllers.length > 0, 'the operator exports no controllers');
    for (const controller of controllers) assert.equal(controller.for.plural, 'memcacheds', controller.name);
  });
});

describe('findManifestDrift', () => {
  const root = mkdtempSync(join(tmpdir(), 'manifest-drift-'));
  after(() => {
    rmSync(root, { recursive: true, force: true });
  });
  const files = [
    { path: 'config/crd/bases/a.yaml', content: `${generatedHeader}\na: 1\n` },
    { path: 'config/rbac/role.yaml', content: `${generatedHeader}\nrole: 1\n` },
  ];

  it('reports missing, changed and stale generated files, and ignores hand-written ones', () => {
    mkdirSync(join(root, 'config/crd/bases'), { recursive: true });
    writeFileSync(join(root, 'config/crd/bases/a.yaml'), `${generatedHeader}\na: 2\n`);
    writeFileSync(join(root, 'config/crd/bases/old.yaml'), `${generatedHeader}\nold: 1\n`);
    writeFileSync(join(root, 'config/crd/bases/kustomization.yaml'), 'resources: []\n');
    assert.deepEqual(findManifestDrift(files, root), [
      { path: 'config/crd/bases/a.yaml', problem: 'differs' },
      { path: 'config/rbac/role.yaml', problem: 'missing' },
      { path: 'config/crd/bases/old.yaml', problem: 'stale' },
    ]);
  });

  it('reports a generated file left in a scanned directory where nothing is generated any more', () => {
    mkdirSync(join(root, 'config/webhook'), { recursive: true });
    writeFileSync(join(root, 'config/webhook/manifests.yaml'), `${generatedHeader}\nold: 1\n`);
    writeFileSync(join(root, 'config/webhook/service.yaml'), 'kind: Service\n');
    assert.deepEqual(
      findManifestDrift(files, root, ['config/webhook']).filter((d) => d.path.startsWith('config/webhook')),
      [{ path: 'config/webhook/manifests.yaml', problem: 'stale' }],
    );
    rmSync(join(root, 'config/webhook'), { recursive: true });
  });

  it('reports nothing once the tree holds exactly the generated files', () => {
    rmSync(join(root, 'config/crd/bases/old.yaml'));
    mkdirSync(join(root, 'config/rbac'), { recursive: true });
    for (const file of files) writeFileSync(join(root, file.path), file.content);
    assert.deepEqual(findManifestDrift(files, root), []);
  });
});
