import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  locateAssets,
  requireBinaries,
  userCacheDir,
  type AssetsEnvironment,
} from '../../../src/assets/locate-assets.js';
import { readControlPlaneVersions } from '../../../src/assets/control-plane-versions.js';

const versions = { kubernetes: 'v1.33.13', etcd: 'v3.5.21', kwok: 'v0.7.0' };
const setId = 'k8s-v1.33.13_etcd-v3.5.21_kwok-v0.7.0';

function fakeBinaries(dir: string, names: readonly string[]): void {
  mkdirSync(dir, { recursive: true });
  for (const name of names) {
    writeFileSync(join(dir, name), '#!/bin/sh\n');
    chmodSync(join(dir, name), 0o755);
  }
}

describe('finding the control-plane binaries', () => {
  const root = mkdtempSync(join(tmpdir(), 'spoke-envtest-assets-'));
  after(() => {
    rmSync(root, { recursive: true, force: true });
  });
  const spoke = join(root, 'spoke');
  const kubebuilder = join(root, 'kubebuilder');
  const home = join(root, 'home');
  const everything: AssetsEnvironment = {
    SPOKE_ASSETS: spoke,
    KUBEBUILDER_ASSETS: kubebuilder,
    HOME: home,
  };

  it('takes the assetsDir option first, then $SPOKE_ASSETS, then $KUBEBUILDER_ASSETS, then the user cache', () => {
    const option = join(root, 'option');
    assert.deepEqual(locateAssets({ assetsDir: option, env: everything, versions }), {
      dir: option,
      source: 'the assetsDir option',
    });
    assert.deepEqual(locateAssets({ env: everything, versions }), { dir: spoke, source: '$SPOKE_ASSETS' });
    assert.deepEqual(locateAssets({ env: { ...everything, SPOKE_ASSETS: undefined }, versions }), {
      dir: kubebuilder,
      source: '$KUBEBUILDER_ASSETS',
    });
    assert.deepEqual(locateAssets({ env: { HOME: home }, versions }), {
      dir: join(home, '.cache', 'spoke', 'control-plane', setId),
      source: 'the user cache',
    });
  });

  it('treats an empty variable as unset, as build.sh does', () => {
    assert.equal(
      locateAssets({ env: { SPOKE_ASSETS: '', KUBEBUILDER_ASSETS: '', HOME: home }, versions }).source,
      'the user cache',
    );
    assert.equal(
      userCacheDir({ XDG_CACHE_HOME: '', HOME: home }, versions),
      join(home, '.cache', 'spoke', 'control-plane', setId),
    );
  });

  it('puts the user cache under $XDG_CACHE_HOME when set, named by the pinned versions', () => {
    const xdg = join(root, 'xdg');
    assert.equal(
      userCacheDir({ XDG_CACHE_HOME: xdg, HOME: home }, versions),
      join(xdg, 'spoke', 'control-plane', setId),
    );
    // The package's own versions.env names the same directory as its build.sh (checked against the script in
    // build-assets.test.ts); here: it parses, and the name has the documented shape.
    assert.match(
      userCacheDir({ HOME: home }),
      /\/spoke\/control-plane\/k8s-v\d+\.\d+\.\d+_etcd-v\d+\.\d+\.\d+_kwok-v\d+\.\d+\.\d+$/,
    );
    assert.match(readControlPlaneVersions().kubernetes, /^v1\.\d+\.\d+$/);
  });

  it('names the missing binaries, the directory, where it came from and how to build them', () => {
    fakeBinaries(spoke, ['etcd']);
    assert.throws(
      () => requireBinaries({ dir: spoke, source: '$SPOKE_ASSETS' }, ['etcd', 'kube-apiserver', 'kwok']),
      (error: Error) => {
        assert.match(
          error.message,
          new RegExp(`missing kube-apiserver, kwok in ${spoke} \\(from \\$SPOKE_ASSETS\\)`),
        );
        assert.match(error.message, new RegExp(`SPOKE_ASSETS=${spoke} npx spoke envtest use`));
        return true;
      },
    );
    assert.deepEqual(requireBinaries({ dir: spoke, source: '$SPOKE_ASSETS' }, ['etcd']), {
      etcd: join(spoke, 'etcd'),
    });
  });

  it("accepts setup-envtest's layout for an API server alone, and says what the simulated nodes also need", () => {
    fakeBinaries(kubebuilder, ['etcd', 'kube-apiserver', 'kubectl']);
    const location = locateAssets({ env: { KUBEBUILDER_ASSETS: kubebuilder }, versions });
    assert.deepEqual(requireBinaries(location, ['etcd', 'kube-apiserver']), {
      etcd: join(kubebuilder, 'etcd'),
      'kube-apiserver': join(kubebuilder, 'kube-apiserver'),
    });
    assert.throws(
      () =>
        requireBinaries(location, [
          'etcd',
          'kube-apiserver',
          'kube-controller-manager',
          'kube-scheduler',
          'kwok',
        ]),
      (error: Error) => {
        assert.match(
          error.message,
          /missing kube-controller-manager, kube-scheduler, kwok in .*KUBEBUILDER_ASSETS/,
        );
        assert.match(error.message, /has only etcd and kube-apiserver/);
        assert.match(error.message, /npx spoke envtest use.*SPOKE_ASSETS/);
        return true;
      },
    );
  });

  it('tells to run `spoke envtest use` when the user cache is empty', () => {
    const location = locateAssets({ env: { HOME: join(root, 'empty-home') }, versions });
    assert.throws(
      () => requireBinaries(location, ['etcd', 'kube-apiserver']),
      /missing etcd, kube-apiserver in .*\(the user cache; neither SPOKE_ASSETS nor KUBEBUILDER_ASSETS is set\): run `npx spoke envtest use`/,
    );
  });
});
