import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { locateAssets, requireBinaries } from '../../src/internal/assets.js';

describe('finding the control-plane binaries', () => {
  const dir = mkdtempSync(join(tmpdir(), 'spoke-envtest-assets-'));
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('prefers the assetsDir option, then $SPOKE_ASSETS', () => {
    assert.deepEqual(locateAssets(dir), { dir, source: 'the assetsDir option' });
    const saved = process.env['SPOKE_ASSETS'];
    process.env['SPOKE_ASSETS'] = dir;
    try {
      assert.deepEqual(locateAssets(undefined), { dir, source: '$SPOKE_ASSETS' });
    } finally {
      if (saved === undefined) delete process.env['SPOKE_ASSETS'];
      else process.env['SPOKE_ASSETS'] = saved;
    }
  });

  it('names the missing binaries, the directory, where it came from and how to build them', () => {
    writeFileSync(join(dir, 'etcd'), '#!/bin/sh\n');
    chmodSync(join(dir, 'etcd'), 0o755);
    assert.throws(
      () => requireBinaries({ dir, source: '$SPOKE_ASSETS' }, ['etcd', 'kube-apiserver', 'kwok']),
      (error: Error) => {
        assert.match(
          error.message,
          new RegExp(`missing kube-apiserver, kwok in ${dir} \\(from \\$SPOKE_ASSETS\\)`),
        );
        assert.match(error.message, /make control-plane/);
        return true;
      },
    );
    assert.deepEqual(requireBinaries({ dir, source: 'x' }, ['etcd']), { etcd: join(dir, 'etcd') });
  });
});
