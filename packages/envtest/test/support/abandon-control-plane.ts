import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { eventually } from './eventually.js';
import { isRunning } from './process-state.js';

const fixture = fileURLToPath(new URL('./start-then-wait.js', import.meta.url));

/**
 * Starts a control plane with `nodes` in a child process that never calls stop() and then either is SIGKILLed or
 * ends by itself; asserts that its `components` processes end and its directory is removed within 15 s.
 */
export async function assertCleanupWithoutStop(
  nodes: number,
  components: number,
  end: 'SIGKILL' | 'exit',
): Promise<void> {
  const child = spawn(process.execPath, [fixture, String(nodes), end === 'exit' ? 'exit' : 'wait'], {
    stdio: [end === 'exit' ? 'pipe' : 'ignore', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  assert.ok(child.stdout);
  const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
  const { dir, pids } = JSON.parse(line) as { dir: string; pids: number[] };
  assert.equal(pids.length, components);
  assert.ok(existsSync(dir), 'the directory exists while the control plane runs');

  assert.ok(pids.every(isRunning), 'running before the end');
  if (end === 'SIGKILL') child.kill('SIGKILL');
  // An idle event loop ends the child once its stdin closes: nothing of the control plane keeps it alive.
  else child.stdin?.end();
  await exited;

  await eventually(() => {
    assert.deepEqual(pids.filter(isRunning), [], 'component processes still running');
    assert.equal(existsSync(dir), false, `${dir} still exists`);
  }, 15_000);
}
