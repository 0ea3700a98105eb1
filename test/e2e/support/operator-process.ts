import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePorts } from '@spoke/envtest';
import { imageNodeFlags } from '../../support/image-node-flags.js';
import { eventually } from './eventually.js';

/** The operator's compiled binary, next to the package's entry point. */
const mainScript = fileURLToPath(new URL('main.js', import.meta.resolve('@spoke/memcached-operator')));

/** Sums the samples of a Prometheus series by one label, e.g. `controller_runtime_reconcile_total` by `controller`. */
function sumBy(metrics: string, series: string, label: string): Map<string, number> {
  const sums = new Map<string, number>();
  for (const line of metrics.split('\n')) {
    if (!line.startsWith(`${series}{`)) continue;
    const key = new RegExp(`${label}="([^"]*)"`).exec(line)?.[1];
    if (key === undefined) continue;
    sums.set(key, (sums.get(key) ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1)));
  }
  return sums;
}

/** How to start the operator, besides its kubeconfig and log file. */
export interface OperatorProcessOptions {
  /** `--log-level`; default `debug`, for the post-mortem of a failed test. */
  readonly logLevel?: string;
  /** Node flags, as the Deployment's `NODE_OPTIONS` sets them (e.g. `--max-old-space-size=192`). Default none. */
  readonly nodeOptions?: string;
  /**
   * Where the webhook server listens and finds its certificate: envtest's `webhookInstallOptions` (the API server
   * calls it there, trusting that certificate). Without it the webhooks are off (`--enable-webhooks=false`), for a
   * cluster whose CRD converts nothing.
   */
  readonly webhook?: { readonly host: string; readonly port: number; readonly certDir: string };
}

/**
 * The memcached operator's manager binary, run as a child process as a user runs it (`--kubeconfig`,
 * `--metrics-bind-address`...). What it wrote is for kube-apiserver's audit log to say; its own `/metrics` say what
 * it did meanwhile (reconciles, queues).
 */
export class OperatorProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly logPath: string,
    private readonly metricsUrl: string,
    private readonly readyzUrl: string,
  ) {}

  /** Starts the manager and resolves once its /readyz answers 200 (informers synced, webhook server serving). */
  static async start(
    kubeconfigPath: string,
    logPath: string,
    options: OperatorProcessOptions = {},
  ): Promise<OperatorProcess> {
    const { metrics: metricsPort, probe: probePort } = await freePorts(['metrics', 'probe']);
    const log = openSync(logPath, 'a');
    const child = spawn(
      process.execPath,
      [
        ...imageNodeFlags(),
        mainScript,
        `--kubeconfig=${kubeconfigPath}`,
        `--metrics-bind-address=127.0.0.1:${metricsPort}`,
        // Loopback only, read by this process: plain HTTP, no TokenReview round trips.
        '--metrics-secure=false',
        `--health-probe-bind-address=127.0.0.1:${probePort}`,
        `--log-level=${options.logLevel ?? 'debug'}`,
        ...(options.webhook === undefined
          ? ['--enable-webhooks=false']
          : [
              `--webhook-host=${options.webhook.host}`,
              `--webhook-port=${options.webhook.port}`,
              `--webhook-cert-path=${options.webhook.certDir}`,
            ]),
      ],
      {
        stdio: ['ignore', log, log],
        env:
          options.nodeOptions === undefined
            ? process.env
            : { ...process.env, NODE_OPTIONS: options.nodeOptions },
      },
    );
    closeSync(log);
    const operator = new OperatorProcess(
      child,
      logPath,
      `http://127.0.0.1:${metricsPort}/metrics`,
      `http://127.0.0.1:${probePort}/readyz`,
    );
    await eventually(
      'the operator to be ready',
      async () => {
        if (child.exitCode !== null)
          throw new Error(`operator exited with ${child.exitCode}:\n${operator.logTail()}`);
        return (await fetch(operator.readyzUrl)).ok;
      },
      60_000,
    );
    return operator;
  }

  /** The manager's process id (for /proc/PID/status). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Completed reconciles so far (any result), by controller. */
  async reconciles(): Promise<Map<string, number>> {
    return sumBy(await this.metrics(), 'controller_runtime_reconcile_total', 'controller');
  }

  /** Whether nothing is queued and no reconcile runs, in any controller. */
  async idle(): Promise<boolean> {
    const text = await this.metrics();
    const busy = [
      ...sumBy(text, 'workqueue_depth', 'name').values(),
      ...sumBy(text, 'controller_runtime_active_workers', 'controller').values(),
    ];
    return busy.every((n) => n === 0);
  }

  private async metrics(): Promise<string> {
    return (await fetch(this.metricsUrl)).text();
  }

  /** The last lines of its log, for failure messages. */
  logTail(lines = 40): string {
    return readFileSync(this.logPath, 'utf8').split('\n').slice(-lines).join('\n');
  }

  /** SIGTERM (a graceful stop, as the kubelet does) and wait for the exit. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }
}
