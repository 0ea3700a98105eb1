import { spawn } from 'node:child_process';

/** What a finished command printed, and how it exited. */
export interface CommandResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of {@link runCommand}. */
export interface RunOptions {
  readonly cwd?: string;
  /** Written to the command's stdin, which is then closed. */
  readonly input?: string;
  /** Added to (and overriding) the test process's environment. */
  readonly env?: Readonly<Record<string, string>>;
}

/** Runs a command to completion without a shell; never rejects for a non-zero exit, so tests can assert on it. */
export function runCommand(
  command: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** Runs kubectl against the cluster of `kubeconfig`. */
export function kubectl(
  kubeconfig: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<CommandResult> {
  return runCommand('kubectl', args, { ...options, env: { ...options.env, KUBECONFIG: kubeconfig } });
}

/** Like {@link kubectl}, but fails the test with kubectl's stderr when it exits non-zero. */
export async function kubectlOk(
  kubeconfig: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<string> {
  const result = await kubectl(kubeconfig, args, options);
  if (result.code !== 0) {
    throw new Error(
      `kubectl ${args.join(' ')} exited ${String(result.code)}:\n${result.stderr}${result.stdout}`,
    );
  }
  return result.stdout;
}
