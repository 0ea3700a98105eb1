import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** A running reaper process; see reaper-process.ts. */
export interface Reaper {
  /** Ends the reaper, once stop() has done its work itself. */
  dismiss(): void;
}

/**
 * Starts a detached reaper that removes `dir` and ends the components in `dir/pids` when this process dies without
 * calling stop() (SIGKILL, a crash, a runner timeout). Detached, so a signal to this process group does not reach
 * it, and unreferenced, so it never keeps this process alive.
 */
export function startReaper(dir: string): Reaper {
  const script = fileURLToPath(new URL('./reaper-process.js', import.meta.url));
  const child = spawn(process.execPath, [script, String(process.pid), dir], {
    detached: true,
    stdio: 'ignore',
  });
  child.unref();
  return {
    dismiss: () => {
      child.kill('SIGTERM');
    },
  };
}
