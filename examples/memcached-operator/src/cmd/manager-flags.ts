import { parseArgs } from 'node:util';

/** The manager binary's flags, named as kubebuilder's scaffolded main.go names them. */
export interface ManagerFlags {
  /** `--metrics-bind-address`: where /metrics is served; `0` (the default, as kubebuilder) turns it off. */
  readonly metricsBindAddress: string;
  /**
   * `--metrics-secure`: serve /metrics over HTTPS to callers allowed to `get` `/metrics` (TokenReview, then
   * SubjectAccessReview). Default true, as kubebuilder; `--metrics-secure=false` serves plain HTTP to anyone.
   */
  readonly metricsSecure: boolean;
  /**
   * `--metrics-cert-path`: a directory with `tls.crt` and `tls.key` for the secure metrics server (a mounted Secret),
   * as kubebuilder's flag. Default none: a self-signed certificate made in-process at startup.
   */
  readonly metricsCertPath: string | undefined;
  /** `--health-probe-bind-address`: /healthz and /readyz. Default `:8081`. */
  readonly healthProbeBindAddress: string;
  /** `--leader-elect`: run one active manager among replicas, through a Lease. Default false (local runs). */
  readonly leaderElect: boolean;
  /**
   * `--leader-elect-lease-duration`, `--leader-elect-renew-deadline`, `--leader-elect-retry-period`: the election's
   * timings as Go durations (`15s`, `500ms`), named as kube-controller-manager names them. Defaults 15s, 10s, 2s
   * (client-go's); shorter ones fail over faster and cost more Lease writes.
   */
  readonly leaseDurationMs: number;
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
  /** `--kubeconfig`: a kubeconfig file; default `$KUBECONFIG`, then in-cluster, then `~/.kube/config`. */
  readonly kubeconfig: string | undefined;
  /** `--log-level`: error, warn, info or debug. Default `info`. */
  readonly logLevel: string;
}

const logLevels = ['error', 'warn', 'info', 'debug'];

const durationUnitsMs: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A positive Go duration (`1m30s`, `1.5s`, `500ms`) in milliseconds; throws naming the flag otherwise. */
export function parseDuration(flag: string, text: string): number {
  const part = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let end = 0;
  for (let match = part.exec(text); match !== null; match = part.exec(text)) {
    total += Number(match[1]) * (durationUnitsMs[match[2] ?? ''] ?? Number.NaN);
    end = part.lastIndex;
  }
  if (text === '' || end !== text.length || !(total > 0))
    throw new Error(
      `--${flag} must be a positive duration such as 15s or 500ms, got ${JSON.stringify(text)}`,
    );
  return total;
}

/** Go's flag package spells a boolean `--name=false`, as kubebuilder's docs do; parseArgs spells it `--no-name`. */
function goStyleBooleans(argv: readonly string[], names: readonly string[]): string[] {
  return argv.map((arg) => {
    const match = /^--([a-z-]+)=(true|false)$/.exec(arg);
    if (!match?.[1] || !names.includes(match[1])) return arg;
    return match[2] === 'true' ? `--${match[1]}` : `--no-${match[1]}`;
  });
}

/** Parses the command line; throws with a usage message on an unknown flag or a bad value. */
export function parseManagerFlags(argv: readonly string[]): ManagerFlags {
  const { values } = parseArgs({
    args: goStyleBooleans(argv, ['metrics-secure', 'leader-elect']),
    strict: true,
    allowPositionals: false,
    allowNegative: true,
    options: {
      'metrics-bind-address': { type: 'string', default: '0' },
      'metrics-secure': { type: 'boolean', default: true },
      'metrics-cert-path': { type: 'string' },
      'health-probe-bind-address': { type: 'string', default: ':8081' },
      'leader-elect': { type: 'boolean', default: false },
      'leader-elect-lease-duration': { type: 'string', default: '15s' },
      'leader-elect-renew-deadline': { type: 'string', default: '10s' },
      'leader-elect-retry-period': { type: 'string', default: '2s' },
      kubeconfig: { type: 'string' },
      'log-level': { type: 'string', default: 'info' },
    },
  });
  const logLevel = values['log-level'];
  if (!logLevels.includes(logLevel))
    throw new Error(`--log-level must be one of ${logLevels.join(', ')}, got ${logLevel}`);
  return {
    metricsBindAddress: values['metrics-bind-address'],
    metricsSecure: values['metrics-secure'],
    metricsCertPath: values['metrics-cert-path'],
    healthProbeBindAddress: values['health-probe-bind-address'],
    leaderElect: values['leader-elect'],
    leaseDurationMs: parseDuration('leader-elect-lease-duration', values['leader-elect-lease-duration']),
    renewDeadlineMs: parseDuration('leader-elect-renew-deadline', values['leader-elect-renew-deadline']),
    retryPeriodMs: parseDuration('leader-elect-retry-period', values['leader-elect-retry-period']),
    kubeconfig: values.kubeconfig,
    logLevel,
  };
}
