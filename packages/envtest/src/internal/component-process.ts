import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { waitFor } from '../wait-for.js';

/** How to run one control-plane component. */
export interface ComponentSpec {
  /** Names the component in logs, pid files and errors: `etcd`, `kube-apiserver`, ... */
  readonly name: string;
  readonly binary: string;
  readonly args: readonly string[];
  /** The control plane's directory: the working directory, and home of `logs/` and `pids/`. */
  readonly dir: string;
  readonly env?: Readonly<Record<string, string>>;
}

/** How many log lines an error quotes: enough for a Go stack's first frames or a flag error with its usage hint. */
const tailLines = 30;

/**
 * One component process. Its stdout and stderr go straight to `logs/<name>.log` (a file descriptor, not a pipe, so
 * the log is complete even if this process dies first), and while it runs its pid and binary are in
 * `pids/<name>.pid`, which is how the reaper finds it after a SIGKILL of the test process.
 */
export class ComponentProcess {
  private child: ChildProcess | undefined;
  private exitStatus: string | undefined;
  private exited: Promise<void> = Promise.resolve();
  readonly logPath: string;
  private readonly pidPath: string;

  constructor(readonly spec: ComponentSpec) {
    this.logPath = join(spec.dir, 'logs', `${spec.name}.log`);
    this.pidPath = join(spec.dir, 'pids', `${spec.name}.pid`);
  }

  get name(): string {
    return this.spec.name;
  }

  /** The pid while the process runs. */
  get pid(): number | undefined {
    return this.exitStatus === undefined ? this.child?.pid : undefined;
  }

  /** Starts the process; a restart appends to the same log. */
  start(): void {
    const log = openSync(this.logPath, 'a');
    try {
      const child = spawn(this.spec.binary, [...this.spec.args], {
        cwd: this.spec.dir,
        env: { ...process.env, ...this.spec.env },
        stdio: ['ignore', log, log],
      });
      // Unreferenced: a test process that forgets stop() still ends (and its exit handler kills the components)
      // instead of hanging the test run. stop() references it again while it waits for the exit.
      child.unref();
      this.child = child;
      this.exitStatus = undefined;
      this.exited = new Promise((resolve) => {
        child.once('exit', (code, signal) => {
          this.exitStatus = signal === null ? `exit code ${code ?? '?'}` : `signal ${signal}`;
          rmSync(this.pidPath, { force: true });
          resolve();
        });
        child.once('error', (error) => {
          this.exitStatus = `spawn error: ${error.message}`;
          rmSync(this.pidPath, { force: true });
          resolve();
        });
      });
      if (child.pid !== undefined) writeFileSync(this.pidPath, `${child.pid} ${this.spec.binary}\n`);
    } finally {
      closeSync(log);
    }
  }

  /** An error naming the component, how it ended and its log tail, if it has exited; else `undefined`. */
  exitError(): Error | undefined {
    if (this.child === undefined || this.exitStatus === undefined) return undefined;
    return this.failure(`exited (${this.exitStatus})`);
  }

  /** An error about this component that quotes the end of its log. */
  failure(what: string, cause?: unknown): Error {
    return new Error(
      `envtest: ${this.spec.name} ${what}; last lines of ${this.logPath}:\n${this.logTail()}`,
      cause === undefined ? undefined : { cause },
    );
  }

  /** The last lines of the component's log. */
  logTail(lines = tailLines): string {
    try {
      return readFileSync(this.logPath, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  /**
   * Polls `probe` until it returns true. Fails fast, with the log tail, if the process exits meanwhile, and on
   * timeout also quotes the log.
   */
  async waitUntil(description: string, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
    try {
      await waitFor(async () => ((await probe()) ? true : undefined), {
        description: `${this.spec.name} ${description}`,
        timeoutMs,
        abortReason: () => this.exitError(),
      });
    } catch (error: unknown) {
      if (this.exitStatus !== undefined) throw this.exitError() ?? error;
      throw this.failure(`did not become ${description} within ${timeoutMs} ms`, error);
    }
  }

  /** SIGKILL (a crash, nothing flushed or drained); resolves once the process is gone. */
  async kill(): Promise<void> {
    const child = this.child;
    if (child === undefined || this.exitStatus !== undefined) return;
    child.ref();
    child.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  async stop(graceMs = 5_000): Promise<void> {
    const child = this.child;
    if (child === undefined || this.exitStatus !== undefined) return;
    child.ref();
    child.kill('SIGTERM');
    // An unreferenced timer: once the process is gone, the grace period must not hold the test process open.
    const gone = await Promise.race([this.exited.then(() => true), sleep(graceMs, false, { ref: false })]);
    if (!gone) {
      child.kill('SIGKILL');
      await this.exited;
    }
  }
}
