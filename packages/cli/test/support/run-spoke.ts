import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { runCli } from '../../src/run-cli.js';

/** What one `spoke` run printed, and its exit code. */
export interface SpokeRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `spoke <args>` in `cwd`, in process, with a fixed version and year. */
export async function runSpoke(
  cwd: string,
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
): Promise<SpokeRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    cwd,
    env,
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    version: '0.1.0',
    now: new Date('2025-06-01T00:00:00Z'),
  });
  return { code, stdout, stderr };
}

/** A new empty directory named `name` under a temporary one (the name is the default project name). */
export function emptyProjectDir(name = 'guestbook'): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'spoke-cli-')), name);
  mkdirSync(dir);
  return dir;
}

/** Every file under `dir` with its content, by relative path: a snapshot to prove that nothing changed. */
export function snapshot(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (at: string): void => {
    for (const entry of readdirSync(at)) {
      const path = join(at, entry);
      if (statSync(path).isDirectory()) walk(path);
      else files.set(relative(dir, path), readFileSync(path, 'utf8'));
    }
  };
  walk(dir);
  return files;
}
