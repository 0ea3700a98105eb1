import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { eventually } from '../support/eventually.js';
import { isRunning } from '../support/process-state.js';

const fixture = fileURLToPath(new URL('../support/start-then-wait.js', import.meta.url));

void describe('a control plane whose test process is killed', () => {
  void it('leaves no component process and no directory behind after SIGKILL', async () => {
    const child = spawn(process.execPath, [fixture], { stdio: ['ignore', 'pipe', 'inherit'] });
    const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
    const { dir, pids } = JSON.parse(line) as { dir: string; pids: number[] };
    assert.equal(pids.length, 2, 'etcd and kube-apiserver');
    assert.ok(pids.every(isRunning) && existsSync(dir), 'running before the kill');

    child.kill('SIGKILL');
    await once(child, 'exit');

    await eventually(() => {
      assert.deepEqual(pids.filter(isRunning), [], 'component processes still running');
      assert.equal(existsSync(dir), false, `${dir} still exists`);
    }, 15_000);
  });
});
