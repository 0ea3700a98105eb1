import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

/** What a finished command printed (stdout and stderr interleaved), and how it exited. */
export interface CommandResult {
  readonly code: number | null;
  readonly output: string;
}

/** Options of {@link runCommand}. */
export interface RunOptions {
  readonly cwd: string;
  /** The whole environment of the command (nothing is inherited). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Kill it (and its process group) after this long; default 10 minutes. */
  readonly timeoutMs?: number;
}

/** Runs a command without a shell to completion; throws with its output when it exits non-zero or times out. */
export async function runCommand(
  command: string,
  args: readonly string[],
  options: RunOptions,
): Promise<string> {
  const child = spawn(command, [...args], {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const timeoutMs = options.timeoutMs ?? 600_000;
  const timer = setTimeout(() => {
    killGroup(child, 'SIGKILL');
  }, timeoutMs);
  try {
    const [code] = (await Promise.race([
      once(child, 'close'),
      once(child, 'error').then(([e]) => Promise.reject(e as Error)),
    ])) as [number | null];
    if (code !== 0) {
      throw new Error(
        `\`${command} ${args.join(' ')}\` in ${options.cwd} exited ${String(code)}:\n${output}`,
      );
    }
    return output;
  } finally {
    clearTimeout(timer);
  }
}

/** Signals a child started with `detached: true` and everything it started (its process group). */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}
