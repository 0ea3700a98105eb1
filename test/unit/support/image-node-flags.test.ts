import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { imageNodeFlags } from '../../support/image-node-flags.js';

describe('imageNodeFlags', () => {
  it("reads the manager image's Node flags, and the pinned Node accepts every one of them", () => {
    const flags = imageNodeFlags();
    assert.ok(flags.length > 0, 'the Dockerfile ENTRYPOINT starts node with no flags');
    // A V8 flag a newer Node no longer knows makes the image fail at start ("bad option"): catch it here.
    const run = spawnSync(process.execPath, [...flags, '-e', 'process.exit(0)'], { encoding: 'utf8' });
    assert.equal(run.status, 0, `node ${flags.join(' ')} failed: ${run.stderr}`);
  });
});
