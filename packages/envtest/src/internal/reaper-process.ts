// The reaper: a small detached node process per control plane, started by startReaper(). It outlives a test process
// killed with SIGKILL (which runs no handler of its own) and then does what stop() would have done: it ends the
// components listed in <dir>/pids and removes <dir>. On a normal stop() the control plane kills the reaper itself.
//
//   node reaper-process.js <parent pid> <control plane dir>
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const pollMs = 200;
const graceMs = 3_000;

const parentPid = Number(process.argv[2]);
const dir = process.argv[3] ?? '';
if (!Number.isInteger(parentPid) || parentPid <= 0 || dir === '') {
  console.error('usage: reaper-process.js <parent pid> <control plane dir>');
  process.exit(2);
}

/** Alive and not a zombie: a SIGKILLed parent stays a zombie until its own parent reaps it. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error: unknown) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc (not Linux): trust kill(0)
  }
}

/** Whether `pid` still runs `binary`, so a pid reused by an unrelated process is never killed. */
function runs(pid: number, binary: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] === binary;
  } catch {
    return isAlive(pid);
  }
}

function componentPids(): number[] {
  let files: string[];
  try {
    files = readdirSync(join(dir, 'pids'));
  } catch {
    return [];
  }
  const pids: number[] = [];
  for (const file of files) {
    try {
      const [pidText, ...binary] = readFileSync(join(dir, 'pids', file), 'utf8')
        .trim()
        .split(' ');
      const pid = Number(pidText);
      if (Number.isInteger(pid) && pid > 0 && runs(pid, binary.join(' '))) pids.push(pid);
    } catch {
      // the file went away: its process exited
    }
  }
  return pids;
}

function signal(pids: number[], name: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, name);
    } catch {
      // already gone
    }
  }
}

async function reap(): Promise<void> {
  const pids = componentPids();
  signal(pids, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (pids.some(isAlive) && Date.now() < deadline) await sleep(50);
  signal(pids.filter(isAlive), 'SIGKILL');
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}

while (isAlive(parentPid)) await sleep(pollMs);
await reap();
