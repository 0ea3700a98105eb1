import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ControlPlane } from '../../src/index.js';

describe('a control plane that cannot start', () => {
  const empty = mkdtempSync(join(tmpdir(), 'spoke-envtest-no-assets-'));
  after(() => {
    rmSync(empty, { recursive: true, force: true });
  });

  it('names the missing binaries and where they were looked for', async () => {
    await assert.rejects(ControlPlane.start({ assetsDir: empty }), (error: Error) => {
      assert.match(
        error.message,
        new RegExp(`missing etcd, kube-apiserver in ${empty} \\(from the assetsDir option\\)`),
      );
      return true;
    });
  });

  it('reports the failing component with the tail of its log', async () => {
    await assert.rejects(ControlPlane.start({ apiServerFlags: { 'no-such-flag': 'x' } }), (error: Error) => {
      assert.match(
        error.message,
        /^envtest: kube-apiserver exited \(exit code 1\); last lines of \/.*kube-apiserver\.log:/,
      );
      assert.match(error.message, /unknown flag: --no-such-flag/);
      return true;
    });
  });
});
