import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** Throws with the install command when a binary the data-path tests need is missing. */
export function requireBinary(name: string): void {
  if (spawnSync('sh', ['-c', `command -v ${name}`]).status !== 0) {
    throw new Error(`${name} is not installed: apt-get install -y memcached nutcracker (.ci/run does this)`);
  }
}

/** A process started by a test, killed by {@link LocalProcess.stop} (call it from an `after` hook). */
export class LocalProcess {
  private output = '';
  private exited = false;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    child.stdout?.on('data', (d: Buffer) => (this.output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this.output += d.toString()));
    child.on('exit', () => (this.exited = true));
  }

  /** Starts `command` and resolves once `port` on loopback accepts connections (or rejects with its output). */
  static async start(
    name: string,
    command: string,
    args: readonly string[],
    port: number,
  ): Promise<LocalProcess> {
    const proc = new LocalProcess(name, spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] }));
    const deadline = Date.now() + 10_000;
    while (!(await accepts(port))) {
      if (proc.exited || Date.now() > deadline) {
        await proc.stop();
        throw new Error(`${name} (${command} ${args.join(' ')}) did not listen on ${port}:\n${proc.output}`);
      }
      await sleep(20);
    }
    return proc;
  }

  /** SIGTERM, then SIGKILL after a second; resolves once the process is gone. */
  async stop(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) =>
      this.child.once('exit', () => {
        resolve();
      }),
    );
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 1000);
    await gone;
    clearTimeout(timer);
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      resolve(false);
    });
  });
}
