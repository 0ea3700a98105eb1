import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { assetSetId, readControlPlaneVersions, userCacheDir } from '@spoke/envtest/assets';
import { runSpoke } from '../../support/run-spoke.js';

function fakeBinaries(dir: string, names: readonly string[]): void {
  mkdirSync(dir, { recursive: true });
  for (const name of names) {
    writeFileSync(join(dir, name), '#!/bin/sh\n');
    chmodSync(join(dir, name), 0o755);
  }
}

describe('spoke envtest use', () => {
  const root = mkdtempSync(join(tmpdir(), 'spoke-envtest-use-'));
  const home = join(root, 'home');
  const env = { HOME: home, PATH: process.env['PATH'] };
  const versions = readControlPlaneVersions();

  it('finds a complete set in the user cache, printing its directory, an export or an overview', async () => {
    const dir = userCacheDir(env, versions);
    fakeBinaries(dir, ['etcd', 'kube-apiserver']);
    const path = await runSpoke(root, ['envtest', 'use', '--api-server-only', '-i'], env);
    assert.deepEqual(path, { code: 0, stdout: `${dir}\n`, stderr: '' });
    const exported = await runSpoke(root, ['envtest', 'use', '--api-server-only', '-i', '-p', 'env'], env);
    assert.equal(exported.stdout, `export SPOKE_ASSETS='${dir}'\n`);
    const overview = await runSpoke(
      root,
      ['envtest', 'use', '--api-server-only', '-i', '--print=overview'],
      env,
    );
    assert.match(
      overview.stdout,
      new RegExp(
        `^Version: Kubernetes ${versions.kubernetes}, .*\nPath: ${dir}\nBinaries: etcd, kube-apiserver\n$`,
      ),
    );
  });

  it('reuses a complete set without building (and without Go), in $SPOKE_ASSETS or under --bin-dir', async () => {
    const spokeAssets = join(root, 'assets');
    fakeBinaries(spokeAssets, [
      'etcd',
      'kube-apiserver',
      'kube-controller-manager',
      'kube-scheduler',
      'kwok',
    ]);
    const run = await runSpoke(root, ['envtest', 'use'], { ...env, SPOKE_ASSETS: spokeAssets });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, `${spokeAssets}\n`);
    assert.match(run.stderr, /reusing k8s-/);

    const binDir = join(root, 'bin');
    fakeBinaries(join(binDir, assetSetId(versions)), ['etcd', 'kube-apiserver']);
    const fromBinDir = await runSpoke(root, ['envtest', 'use', '--api-server-only', '--bin-dir', 'bin'], env);
    assert.equal(fromBinDir.stdout, `${join(binDir, assetSetId(versions))}\n`);
  });

  it('with --installed-only, fails naming what is missing instead of building', async () => {
    const run = await runSpoke(root, ['envtest', 'use', '-i'], { ...env, HOME: join(root, 'empty') });
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /^spoke envtest use: missing etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok in .* \(the user cache\): run without --installed-only/,
    );
  });

  it('takes the pinned version only, as setup-envtest spells versions', async () => {
    const dir = userCacheDir(env, versions);
    fakeBinaries(dir, ['etcd', 'kube-apiserver']);
    const minor = versions.kubernetes.replace(/^v/, '').split('.').slice(0, 2).join('.');
    for (const asked of [versions.kubernetes, `${minor}.x`, minor]) {
      assert.equal(
        (await runSpoke(root, ['envtest', 'use', asked, '--api-server-only', '-i'], env)).code,
        0,
        asked,
      );
    }
    const other = await runSpoke(root, ['envtest', 'use', '1.20.0'], env);
    assert.equal(other.code, 2);
    assert.match(
      other.stderr,
      new RegExp(`builds Kubernetes ${versions.kubernetes} only .*, not "1\\.20\\.0"\nUsage:`),
    );
    const print = await runSpoke(root, ['envtest', 'use', '-p', 'json'], env);
    assert.equal(print.code, 2);
    assert.match(print.stderr, /invalid --print "json": must be one of path, env, overview/);
  });
});
