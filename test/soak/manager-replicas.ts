import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { freePorts, waitFor } from '@spoke/envtest';
import {
  isLoopbackPeer,
  processTcpSockets,
  residentBytes,
  tcpSockets,
  type TcpSocket,
} from './process-probes.js';
import { imageNodeFlags } from '../support/image-node-flags.js';

/** The memcached manager's compiled entry point. */
const mainScript = fileURLToPath(new URL('main.js', import.meta.resolve('@spoke/memcached-operator')));

/** The Lease the memcached manager elects its leader with (main.ts). */
export const leaseName = 'memcached-operator.cache.spoke.dev';

/**
 * Why a replica process ended: `killed` (SIGKILL from the soak), `stopped` (SIGTERM from the soak), `lease-lost` (it
 * lost its lease and exited, as designed: a paused leader, or an API server down past the renew deadline), `crash`
 * (anything else: a defect).
 */
export type ExitCause = 'killed' | 'stopped' | 'lease-lost' | 'crash';

/** One process of one replica, as the soak saw it. */
export interface ReplicaRecord {
  /** `soak-manager-<replica>-<incarnation>`: its client certificate's CN, the user the audit log names. */
  readonly user: string;
  readonly replica: number;
  readonly incarnation: number;
  readonly pid: number;
  readonly startedAt: number;
  readonly logPath: string;
  /** Signals the soak sent it, in order. */
  readonly signals: string[];
  exitedAt?: number;
  exitCode?: number | null;
  exitSignal?: string | null;
  cause?: ExitCause;
  peakRssBytes: number;
  /** RSS samples (ms since start, bytes), every few seconds. */
  readonly rss: [number, number][];
  /** TCP sockets with a peer outside loopback, as sampled. */
  readonly foreignSockets: TcpSocket[];
}

/** A running memcached manager process with leader election, metrics and probes on loopback. */
export class ManagerReplica {
  private readonly exit: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    readonly record: ReplicaRecord,
    private readonly metricsUrl: string,
    private readonly readyzUrl: string,
  ) {
    this.exit = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        record.exitedAt = Date.now();
        record.exitCode = code;
        record.exitSignal = signal;
        record.cause = exitCause(record);
        resolve();
      });
    });
  }

  static async start(options: {
    replica: number;
    incarnation: number;
    kubeconfigPath: string;
    dir: string;
    namespace: string;
    leaderElectArgs: readonly string[];
  }): Promise<ManagerReplica> {
    const user = replicaUser(options.replica, options.incarnation);
    const { metrics, probe } = await freePorts(['metrics', 'probe']);
    const logPath = join(options.dir, `${user}.log`);
    const log = openSync(logPath, 'a');
    const child = spawn(
      process.execPath,
      [
        ...imageNodeFlags(),
        mainScript,
        `--kubeconfig=${options.kubeconfigPath}`,
        '--leader-elect',
        ...options.leaderElectArgs,
        `--metrics-bind-address=127.0.0.1:${metrics}`,
        '--metrics-secure=false',
        `--health-probe-bind-address=127.0.0.1:${probe}`,
        '--log-level=info',
        // The harness serves the conversion (run-soak.ts): a replica's restarts must not take it down.
        '--enable-webhooks=false',
      ],
      { stdio: ['ignore', log, log], env: { ...process.env, POD_NAMESPACE: options.namespace } },
    );
    closeSync(log);
    if (child.pid === undefined) throw new Error(`could not start ${user}`);
    const record: ReplicaRecord = {
      user,
      replica: options.replica,
      incarnation: options.incarnation,
      pid: child.pid,
      startedAt: Date.now(),
      logPath,
      signals: [],
      peakRssBytes: 0,
      rss: [],
      foreignSockets: [],
    };
    return new ManagerReplica(
      child,
      record,
      `http://127.0.0.1:${metrics}/metrics`,
      `http://127.0.0.1:${probe}/readyz`,
    );
  }

  get running(): boolean {
    return this.record.exitedAt === undefined;
  }

  get pid(): number {
    return this.record.pid;
  }

  /** Resolves once /readyz answers 200 (informers synced); rejects if the process exits first. */
  async ready(timeoutMs = 60_000): Promise<void> {
    await waitFor(async () => (await fetch(this.readyzUrl, { signal: AbortSignal.timeout(2_000) })).ok, {
      description: `${this.record.user} to be ready`,
      timeoutMs,
      intervalMs: 200,
      abortReason: () =>
        this.running ? undefined : new Error(`${this.record.user} exited:\n${this.logTail()}`),
    });
  }

  /** Whether it says it leads (`leader_election_master_status` 1); false when it does not answer (paused, gone). */
  async isLeader(): Promise<boolean> {
    if (!this.running) return false;
    try {
      const text = await (await fetch(this.metricsUrl, { signal: AbortSignal.timeout(1_000) })).text();
      return new RegExp(`^leader_election_master_status\\{name="${leaseName}"\\} 1$`, 'm').test(text);
    } catch {
      return false;
    }
  }

  signal(signal: NodeJS.Signals): void {
    if (!this.running) return;
    this.record.signals.push(signal);
    this.child.kill(signal);
  }

  /** Resolves when the process has exited. */
  exited(): Promise<void> {
    return this.exit;
  }

  /** Samples its RSS and checks its sockets' peers. */
  sample(sockets: ReadonlyMap<string, TcpSocket>): void {
    if (!this.running) return;
    const rss = residentBytes(this.pid);
    if (rss !== undefined) {
      this.record.rss.push([Date.now() - this.record.startedAt, rss]);
      this.record.peakRssBytes = Math.max(this.record.peakRssBytes, rss);
    }
    for (const socket of processTcpSockets(this.pid, sockets)) {
      if (!isLoopbackPeer(socket)) this.record.foreignSockets.push(socket);
    }
  }

  logTail(lines = 30): string {
    return tailOf(this.record.logPath, lines);
  }
}

export function replicaUser(replica: number, incarnation: number): string {
  return `soak-manager-${replica}-${incarnation}`;
}

function tailOf(path: string, lines: number): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function exitCause(record: ReplicaRecord): ExitCause {
  if (record.signals.includes('SIGKILL')) return 'killed';
  if (record.signals.includes('SIGTERM')) return 'stopped';
  if (record.exitCode === 1 && /leader election lost/.test(tailOf(record.logPath, 50))) return 'lease-lost';
  return 'crash';
}

/** Options of {@link ManagerReplicas}. */
export interface ManagerReplicasOptions {
  readonly count: number;
  readonly dir: string;
  readonly namespace: string;
  readonly leaderElectArgs: readonly string[];
  /** A kubeconfig file for a user (a fresh client certificate per process). */
  readonly kubeconfigFor: (user: string) => string;
  /** How long a replica stays down after it exits before it is started again, as a kubelet would. */
  readonly restartDelayMs: number;
}

/**
 * Keeps `count` replicas of the manager running, as a Deployment's kubelet would: a replica that exits (killed,
 * stopped or lost its lease) is started again after `restartDelayMs` as a new process with a new identity.
 */
export class ManagerReplicas {
  private readonly current = new Map<number, ManagerReplica>();
  private readonly incarnations = new Map<number, number>();
  readonly records: ReplicaRecord[] = [];
  private supervising = true;
  private readonly restarts = new Set<Promise<void>>();

  constructor(private readonly options: ManagerReplicasOptions) {}

  /** Starts every replica and waits until all are ready. */
  async start(): Promise<void> {
    const started = await Promise.all(
      Array.from({ length: this.options.count }, (_, replica) => this.launch(replica)),
    );
    await Promise.all(started.map((r) => r.ready()));
  }

  /** The replicas whose processes run now. */
  get running(): ManagerReplica[] {
    return [...this.current.values()].filter((r) => r.running);
  }

  /** Waits until exactly one running replica says it leads, and returns it. */
  async leader(timeoutMs = 60_000): Promise<ManagerReplica> {
    return waitFor(
      async () => {
        const replicas = this.running;
        const flags = await Promise.all(replicas.map((r) => r.isLeader()));
        const leading = replicas.filter((_, i) => flags[i] === true);
        return leading.length === 1 ? leading[0] : undefined;
      },
      { description: 'one leader among the manager replicas', timeoutMs, intervalMs: 250 },
    );
  }

  /** Samples every running replica (RSS, sockets). */
  sample(): void {
    const sockets = tcpSockets();
    for (const replica of this.running) replica.sample(sockets);
  }

  /** Stops supervising, then SIGTERMs every replica and waits for them (SIGKILL after `graceMs`). */
  async stop(graceMs = 20_000): Promise<void> {
    this.supervising = false;
    await Promise.all([...this.restarts]);
    await Promise.all(
      this.running.map(async (replica) => {
        replica.signal('SIGCONT');
        replica.signal('SIGTERM');
        const gone = await Promise.race([replica.exited().then(() => true), sleep(graceMs, false)]);
        if (!gone) {
          replica.signal('SIGKILL');
          await replica.exited();
        }
      }),
    );
  }

  private async launch(replica: number): Promise<ManagerReplica> {
    const incarnation = (this.incarnations.get(replica) ?? -1) + 1;
    this.incarnations.set(replica, incarnation);
    const user = replicaUser(replica, incarnation);
    const started = await ManagerReplica.start({
      replica,
      incarnation,
      kubeconfigPath: this.options.kubeconfigFor(user),
      dir: this.options.dir,
      namespace: this.options.namespace,
      leaderElectArgs: this.options.leaderElectArgs,
    });
    this.records.push(started.record);
    this.current.set(replica, started);
    void started.exited().then(() => {
      if (!this.supervising) return;
      const restart = sleep(this.options.restartDelayMs).then(async () => {
        if (this.supervising) await this.launch(replica);
      });
      this.restarts.add(restart);
      void restart.finally(() => this.restarts.delete(restart));
    });
    return started;
  }
}
