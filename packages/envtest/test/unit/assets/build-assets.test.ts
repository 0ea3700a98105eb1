import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  accessSync,
  chmodSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { buildAssets } from '../../../src/assets/build-assets.js';
import { controlPlaneSourceDir } from '../../../src/assets/control-plane-versions.js';
import { allBinaries, userCacheDir } from '../../../src/assets/locate-assets.js';

/** The absolute path of a program on this machine's PATH. */
function which(program: string): string {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    const candidate = join(dir, program);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  throw new Error(`${program} is not on PATH`);
}

/** A PATH with only the programs build.sh needs before it looks for Go, and `extra` scripts. */
function restrictedPath(root: string, extra: Record<string, string> = {}): string {
  const bin = join(root, 'bin');
  mkdirSync(bin, { recursive: true });
  for (const program of ['bash', 'dirname', 'awk', 'sort', 'head'])
    symlinkSync(which(program), join(bin, program));
  for (const [name, script] of Object.entries(extra)) {
    writeFileSync(join(bin, name), script);
    chmodSync(join(bin, name), 0o755);
  }
  return bin;
}

describe('building the control-plane binaries', () => {
  const root = mkdtempSync(join(tmpdir(), 'spoke-envtest-build-'));
  after(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('names the same user cache directory as build.sh --print-dir', () => {
    const home = join(root, 'home');
    const printed = execFileSync('bash', [`${controlPlaneSourceDir}build.sh`, '--print-dir'], {
      env: { PATH: process.env['PATH'], HOME: home },
      encoding: 'utf8',
    }).trim();
    assert.equal(printed, userCacheDir({ HOME: home }));
  });

  it('reuses a complete set at once, without needing Go', async () => {
    const dir = join(root, 'complete');
    mkdirSync(dir);
    for (const name of allBinaries) {
      writeFileSync(join(dir, name), '#!/bin/sh\n');
      chmodSync(join(dir, name), 0o755);
    }
    const progress: string[] = [];
    const location = await buildAssets({
      env: { PATH: restrictedPath(join(root, 'complete-path')), HOME: root, SPOKE_ASSETS: dir },
      onProgress: (line) => progress.push(line),
    });
    assert.deepEqual(location, { dir, source: '$SPOKE_ASSETS' });
    assert.match(progress.join('\n'), /reusing k8s-v.* in /);
  });

  it('without Go on PATH, fails saying where to get Go and what else to do, and creates nothing', async () => {
    const dir = join(root, 'no-go');
    await assert.rejects(
      buildAssets({
        dir,
        binaries: ['etcd', 'kube-apiserver'],
        env: { PATH: restrictedPath(join(root, 'no-go-path')), HOME: root },
        onProgress: () => undefined,
      }),
      (error: Error) => {
        assert.match(error.message, /Go is needed to build the control plane, and there is none on PATH/);
        assert.match(error.message, /install Go 1\.\d+(\.\d+)? or newer \(https:\/\/go\.dev\/dl\/\)/);
        assert.match(error.message, /to build etcd kube-apiserver into /);
        assert.match(error.message, /SPOKE_ASSETS=.*KUBEBUILDER_ASSETS=/s);
        return true;
      },
    );
    assert.equal(existsSync(dir), false);
  });

  it('with a Go older than the go.mod files need, fails naming both versions', async () => {
    const path = restrictedPath(join(root, 'old-go-path'), { go: '#!/bin/sh\necho go1.22.1\n' });
    await assert.rejects(
      buildAssets({
        dir: join(root, 'old-go'),
        env: { PATH: path, HOME: root },
        onProgress: () => undefined,
      }),
      /Go 1\.22\.1 is too old to build the control plane: it needs Go 1\.\d+(\.\d+)? or newer/,
    );
  });
});
