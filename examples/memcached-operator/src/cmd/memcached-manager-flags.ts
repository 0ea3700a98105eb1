import { boolFlag, stringFlag, valueFlag } from '@spoke/manager';

const logLevels = ['error', 'warn', 'info', 'debug'] as const;

/** A winston level the memcached manager's `--log-level` accepts. */
export type LogLevel = (typeof logLevels)[number];

const durationUnitsMs: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/**
 * A positive Go duration (`time.ParseDuration`: `15s`, `1.5s`, `500ms`, `1m30s`) in milliseconds; throws with the
 * reason, which Go's `invalid value "x" for flag -name: ` completes.
 */
export function parseDuration(text: string): number {
  const part = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let end = 0;
  for (let match = part.exec(text); match !== null; match = part.exec(text)) {
    total += Number(match[1]) * (durationUnitsMs[match[2] ?? ''] ?? Number.NaN);
    end = part.lastIndex;
  }
  if (text === '' || end !== text.length) throw new Error('not a duration such as 15s or 500ms');
  if (!(total > 0)) throw new Error('must be positive');
  return total;
}

function durationFlag(defaultMs: number, usage: string) {
  return valueFlag<number>({
    usage,
    default: defaultMs,
    defaultText: `${defaultMs / 1000}s`,
    parse: parseDuration,
  });
}

/**
 * The memcached manager's own flags, besides kubebuilder's and the zap flags (see `parseManagerFlags`):
 * - `--log-level`: error, warn, info or debug, winston's names. It predates `--zap-log-level` and is kept for the
 *   scripts and tests that pass it; when given, it wins over `--zap-log-level`.
 * - `--leader-elect-lease-duration`, `--leader-elect-renew-deadline`, `--leader-elect-retry-period`: the
 *   election's timings, as kube-controller-manager names them (kubebuilder's main.go sets them in code, if at all).
 *   Defaults are client-go's; shorter ones fail over sooner and cost more Lease writes (the chaos soak uses them).
 * - `--enable-webhooks`: serve the defaulting, validating and conversion webhooks (default true). kubebuilder's
 *   main.go reads `ENABLE_WEBHOOKS=false` for the same; both are honoured. Without them the API server cannot
 *   convert v1alpha1 objects, so only a manager on a cluster whose webhooks another process serves turns it off.
 * - `--webhook-host`: the address the webhook server listens on; default all interfaces (the Service calls the
 *   pod). Local runs and tests pass 127.0.0.1.
 * - `--webhook-self-signed`: for `make run` against a cluster: a self-signed serving certificate instead of a
 *   mounted one.
 */
export const memcachedManagerFlags = {
  'log-level': valueFlag<LogLevel | undefined>({
    usage:
      "The lowest level logged, in winston's words: error, warn, info or debug. Overrides --zap-log-level.",
    default: undefined,
    parse: (text) => {
      const level = logLevels.find((l) => l === text);
      if (!level) throw new Error(`must be one of ${logLevels.join(', ')}`);
      return level;
    },
  }),
  'leader-elect-lease-duration': durationFlag(
    15_000,
    'With --leader-elect: how long a standby waits after the last renewal before it takes the lease.',
  ),
  'leader-elect-renew-deadline': durationFlag(
    10_000,
    'With --leader-elect: how long the leader retries a failing renewal before it gives leadership up.',
  ),
  'leader-elect-retry-period': durationFlag(
    2_000,
    'With --leader-elect: how often the leader renews, and a standby tries to acquire.',
  ),
  'enable-webhooks': boolFlag(
    true,
    'Serve the Memcached defaulting, validating and conversion webhooks (ENABLE_WEBHOOKS=false also disables them).',
  ),
  'webhook-host': stringFlag('', 'The address the webhook server listens on; empty for all interfaces.'),
  'webhook-self-signed': boolFlag(
    false,
    'Local runs only: when --webhook-cert-path holds no certificate, write a self-signed one there.',
  ),
};
