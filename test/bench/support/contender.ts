import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePorts, waitFor } from '@spoke/envtest';
import { imageNodeFlags } from '../../support/image-node-flags.js';
import { cpuSecondsOf, memoryOf, type Memory } from './proc-stats.js';

/** The frameworks compared, each running the same secret mirror. */
export type Framework = 'spoke' | 'controller-runtime';

/** What a contender's debug endpoint reports. */
export interface DebugState {
  readonly synced: boolean;
  readonly cachedConfigMaps: number;
}

/** How to start one contender. */
export interface ContenderOptions {
  readonly framework: Framework;
  readonly kubeconfigPath: string;
  readonly maxConcurrentReconciles: number;
  /** Its stdout and stderr (JSON logs) go here. */
  readonly logPath: string;
  /** The controller-runtime binary (test/bench/controller-runtime-mirror/build.sh prints it). */
  readonly controllerRuntimeBinary: string;
  /** Spoke only: sync by streaming list (`--streaming-list`). Default false. */
  readonly streamingList?: boolean;
}

const spokeMain = fileURLToPath(new URL('../spoke-mirror-main.js', import.meta.url));

/**
 * One contender process: the Spoke or the controller-runtime secret mirror, started with the same flags, its
 * `/metrics` and its bench-only `/debug` endpoints on loopback, its memory and CPU read from /proc.
 */
export class Contender {
  private constructor(
    readonly framework: Framework,
    private readonly child: ChildProcess,
    readonly pid: number,
    private readonly metricsUrl: string,
    private readonly debugUrl: string,
    readonly logPath: string,
  ) {}

  /** Starts it and resolves once its informers have synced. */
  static async start(options: ContenderOptions): Promise<Contender> {
    const { metrics, debug } = await freePorts(['metrics', 'debug']);
    const flags = [
      `--kubeconfig=${options.kubeconfigPath}`,
      `--metrics-bind-address=127.0.0.1:${metrics}`,
      `--debug-bind-address=127.0.0.1:${debug}`,
      `--max-concurrent-reconciles=${options.maxConcurrentReconciles}`,
    ];
    if (options.streamingList) {
      if (options.framework !== 'spoke') throw new Error('only the Spoke contender has --streaming-list');
      flags.push('--streaming-list');
    }
    // Node as the manager's image runs it (its ENTRYPOINT's flags), plus --expose-gc for /debug/heap only.
    const [command, args] =
      options.framework === 'spoke'
        ? [process.execPath, [...imageNodeFlags(), '--expose-gc', spokeMain, ...flags]]
        : [options.controllerRuntimeBinary, flags];
    const log = openSync(options.logPath, 'a');
    const child = spawn(command, args, { stdio: ['ignore', log, log] });
    closeSync(log);
    if (child.pid === undefined) throw new Error(`could not start ${command}`);
    const contender = new Contender(
      options.framework,
      child,
      child.pid,
      `http://127.0.0.1:${metrics}/metrics`,
      `http://127.0.0.1:${debug}/debug`,
      options.logPath,
    );
    await waitFor(async () => (await contender.state()).synced, {
      description: `${options.framework} to sync its informers`,
      timeoutMs: 60_000,
      intervalMs: 50,
      abortReason: () => contender.exited(),
    });
    return contender;
  }

  /** An error if the process has exited (it should not before `stop`). */
  exited(): Error | undefined {
    if (this.child.exitCode === null && this.child.signalCode === null) return undefined;
    return new Error(
      `${this.framework} exited (${this.child.exitCode ?? this.child.signalCode}):\n${this.logTail()}`,
    );
  }

  /** Whether it has synced, and how many ConfigMaps it caches (in `namespace`, if given). */
  async state(namespace?: string): Promise<DebugState> {
    const query = namespace === undefined ? '' : `?namespace=${encodeURIComponent(namespace)}`;
    return (await (await fetch(`${this.debugUrl}/state${query}`)).json()) as DebugState;
  }

  /** Forces a full garbage collection in the process and returns its live heap, in bytes. */
  async heapAfterGc(): Promise<number> {
    const { heapBytes } = (await (await fetch(`${this.debugUrl}/heap`)).json()) as { heapBytes: number };
    return heapBytes;
  }

  /** The Prometheus text of its /metrics. */
  async metrics(): Promise<string> {
    return (await fetch(this.metricsUrl)).text();
  }

  memory(): Memory {
    return memoryOf(this.pid);
  }

  cpuSeconds(): number {
    return cpuSecondsOf(this.pid);
  }

  logTail(lines = 20): string {
    return readFileSync(this.logPath, 'utf8').split('\n').slice(-lines).join('\n');
  }

  /** SIGTERM, and SIGKILL after 10 s. */
  async stop(): Promise<void> {
    if (this.exited()) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}
