import { boolFlag, intFlag, stringFlag, type FlagDefinitions, type FlagValues } from './flag-definition.js';
import { goFlagUsage } from './go-flag-usage.js';
import { parseGoFlags } from './parse-go-flags.js';
import { zapFlagDefinitions, type ZapFlags } from './zap-flags.js';

/**
 * The flags of a kubebuilder v4 manager (its scaffolded `cmd/main.go` and controller-runtime's zap and
 * `--kubeconfig` flags), parsed. A path flag given empty (`--metrics-cert-path=`) is undefined, as Go treats `""`.
 */
export interface ManagerFlags {
  /** `--metrics-bind-address`: where `/metrics` is served; `0` disables it. Default `0`, as kubebuilder. */
  readonly metricsBindAddress: string;
  /** `--health-probe-bind-address`: where `/healthz` and `/readyz` are served. Default `:8081`. */
  readonly healthProbeBindAddress: string;
  /** `--leader-elect`: only the holder of a Lease reconciles. Default false. */
  readonly leaderElect: boolean;
  /** `--metrics-secure`: `/metrics` over HTTPS, with authentication and authorization. Default true, as kubebuilder. */
  readonly metricsSecure: boolean;
  /**
   * `--enable-http2`: accepted for kubebuilder's Deployments; Spoke's servers speak HTTP/1.1 only, so HTTP/2 is off
   * whatever it says (kubebuilder's default too, against the HTTP/2 Rapid Reset CVEs). Default false.
   */
  readonly enableHttp2: boolean;
  /** `--metrics-cert-path`: a directory with the metrics server's certificate. Default none: a self-signed one. */
  readonly metricsCertPath: string | undefined;
  /** `--metrics-cert-name`: the certificate's file name in `metricsCertPath`. Default `tls.crt`. */
  readonly metricsCertName: string;
  /** `--metrics-cert-key`: the key's file name in `metricsCertPath`. Default `tls.key`. */
  readonly metricsCertKey: string;
  /** `--webhook-cert-path`: a directory with the webhook server's certificate, kept for the webhook server. */
  readonly webhookCertPath: string | undefined;
  /** `--webhook-cert-name`. Default `tls.crt`. */
  readonly webhookCertName: string;
  /** `--webhook-cert-key`. Default `tls.key`. */
  readonly webhookCertKey: string;
  /** `--webhook-port`. Default 9443. */
  readonly webhookPort: number;
  /** `--kubeconfig`: see {@link loadKubeConfig} for what is tried without it. */
  readonly kubeconfig: string | undefined;
  /** The `--zap-*` flags; {@link newLoggerFromFlags} turns them into a logger. */
  readonly zap: ZapFlags;
}

/** Defaults replacing kubebuilder's for {@link parseManagerFlags}; the usage shows them. */
export interface ManagerFlagDefaults {
  readonly metricsBindAddress?: string;
  readonly healthProbeBindAddress?: string;
  readonly leaderElect?: boolean;
  readonly metricsSecure?: boolean;
  readonly webhookPort?: number;
  /** `--zap-devel`'s default. Default false: JSON lines (kubebuilder's scaffold sets true: console lines). */
  readonly zapDevel?: boolean;
}

/** Options of {@link parseManagerFlags}. */
export interface ParseManagerFlagsOptions<E extends FlagDefinitions = FlagDefinitions> {
  /** The name in the usage's first line, `Usage of <program>:`. Default `manager`. */
  readonly program?: string;
  /**
   * The program's own flags, by name without dashes, parsed with the same rules; their values are in
   * `flags.extra`. A name that is already a manager flag, begins with `-` or contains `=` is a programming error
   * (thrown, as Go's flag package panics).
   */
  readonly extraFlags?: E;
  readonly defaults?: ManagerFlagDefaults;
}

/** {@link ManagerFlags} with the program's own flags and what else the command line held. */
export interface ParsedManagerFlags<E extends FlagDefinitions = FlagDefinitions> extends ManagerFlags {
  /** The values of `extraFlags`, by flag name. */
  readonly extra: FlagValues<E>;
  /** The names of the flags given on the command line (Go's `flag.Visit`), e.g. to let one override another. */
  readonly given: ReadonlySet<string>;
  /** The arguments after the flags (Go's `flag.Args()`): a kubebuilder manager ignores them. */
  readonly args: readonly string[];
}

/**
 * The outcome of {@link parseManagerFlags}; each carries the usage text so that the caller prints what Go would:
 * for `help`, the usage; for `error`, the message line then the usage.
 */
export type ParseManagerFlagsResult<E extends FlagDefinitions = FlagDefinitions> =
  | { readonly kind: 'flags'; readonly flags: ParsedManagerFlags<E>; readonly usage: string }
  | { readonly kind: 'help'; readonly usage: string }
  | { readonly kind: 'error'; readonly message: string; readonly usage: string };

/** The flags {@link parseManagerFlags} defines, with `defaults` replacing kubebuilder's. */
export function managerFlagDefinitions(defaults: ManagerFlagDefaults = {}) {
  return {
    'metrics-bind-address': stringFlag(
      defaults.metricsBindAddress ?? '0',
      "Where /metrics is served: ':8443' for HTTPS, ':8080' for HTTP, or '0' to turn it off.",
    ),
    'health-probe-bind-address': stringFlag(
      defaults.healthProbeBindAddress ?? ':8081',
      "Where /healthz and /readyz are served; '0' turns them off.",
    ),
    'leader-elect': boolFlag(
      defaults.leaderElect ?? false,
      'Elect a leader through a Lease, so that one replica of the manager reconciles at a time.',
    ),
    'metrics-secure': boolFlag(
      defaults.metricsSecure ?? true,
      'Serve /metrics over HTTPS to callers allowed to get it. Use --metrics-secure=false for plain HTTP.',
    ),
    'enable-http2': boolFlag(
      false,
      'Accepted for kubebuilder Deployments: the metrics and webhook servers speak HTTP/1.1 only.',
    ),
    'webhook-cert-path': stringFlag('', "The directory holding the webhook server's certificate."),
    'webhook-cert-name': stringFlag('tls.crt', 'The file name of the webhook certificate.'),
    'webhook-cert-key': stringFlag('tls.key', 'The file name of the webhook key.'),
    'webhook-port': intFlag(defaults.webhookPort ?? 9443, 'The port the webhook server listens on.'),
    'metrics-cert-path': stringFlag(
      '',
      "The directory holding the metrics server's certificate; without it, a self-signed one made at startup.",
    ),
    'metrics-cert-name': stringFlag('tls.crt', 'The file name of the metrics server certificate.'),
    'metrics-cert-key': stringFlag('tls.key', 'The file name of the metrics server key.'),
    kubeconfig: stringFlag('', 'Paths to a kubeconfig. Only required if out-of-cluster.'),
    ...zapFlagDefinitions(defaults.zapDevel ?? false),
  };
}

/**
 * Parses a manager's command line as a kubebuilder v4 manager's `flag.Parse()` would (see {@link parseGoFlags} for
 * Go's rules): kubebuilder's flags, controller-runtime's zap flags and `--kubeconfig`, plus the program's own.
 * Pure: it prints nothing and never exits; {@link parseManagerFlagsOrExit} does what Go's `flag.ExitOnError` does.
 */
export function parseManagerFlags<E extends FlagDefinitions = FlagDefinitions>(
  argv: readonly string[],
  options: ParseManagerFlagsOptions<E> = {},
): ParseManagerFlagsResult<E> {
  const base = managerFlagDefinitions(options.defaults ?? {});
  const extraFlags: FlagDefinitions = options.extraFlags ?? {};
  for (const name of Object.keys(extraFlags)) {
    // Go's FlagSet.Var panics on these: such a flag could never be given.
    if (name === '' || name.startsWith('-') || name.includes('='))
      throw new Error(`flag ${JSON.stringify(name)} begins with - or contains = or is empty`);
    if (Object.hasOwn(base, name)) throw new Error(`flag redefined: ${name}`);
  }
  const definitions = { ...base, ...extraFlags };
  const usage = goFlagUsage(options.program ?? 'manager', definitions);
  const parsed = parseGoFlags(definitions, argv);
  if (parsed.kind === 'help') return { kind: 'help', usage };
  if (parsed.kind === 'error') return { kind: 'error', message: parsed.message, usage };
  const v = parsed.values as FlagValues<typeof base>;
  const extra = Object.fromEntries(
    Object.keys(extraFlags).map((name) => [name, (parsed.values as Record<string, unknown>)[name]]),
  ) as FlagValues<E>;
  const flags: ParsedManagerFlags<E> = {
    metricsBindAddress: v['metrics-bind-address'],
    healthProbeBindAddress: v['health-probe-bind-address'],
    leaderElect: v['leader-elect'],
    metricsSecure: v['metrics-secure'],
    enableHttp2: v['enable-http2'],
    metricsCertPath: v['metrics-cert-path'] || undefined,
    metricsCertName: v['metrics-cert-name'],
    metricsCertKey: v['metrics-cert-key'],
    webhookCertPath: v['webhook-cert-path'] || undefined,
    webhookCertName: v['webhook-cert-name'],
    webhookCertKey: v['webhook-cert-key'],
    webhookPort: v['webhook-port'],
    kubeconfig: v.kubeconfig || undefined,
    zap: {
      devel: v['zap-devel'],
      encoder: v['zap-encoder'],
      logLevel: v['zap-log-level'],
      stacktraceLevel: v['zap-stacktrace-level'],
      timeEncoding: v['zap-time-encoding'],
    },
    extra,
    given: parsed.given,
    args: parsed.args,
  };
  return { kind: 'flags', flags, usage };
}

/** Options of {@link parseManagerFlagsOrExit}: those of {@link parseManagerFlags}, with the program named. */
export interface ParseManagerFlagsOrExitOptions<E extends FlagDefinitions = FlagDefinitions>
  extends ParseManagerFlagsOptions<E> {
  readonly program: string;
}

/**
 * {@link parseManagerFlags}, then what Go's `flag.ExitOnError` does: for `-h`/`--help`, the usage on stderr and exit
 * 0; for an unknown flag or a bad value, one line naming it, then the usage, on stderr, and exit 2. No stack trace:
 * a bad command line is the user's to fix, not a crash.
 */
export function parseManagerFlagsOrExit<E extends FlagDefinitions = FlagDefinitions>(
  argv: readonly string[],
  options: ParseManagerFlagsOrExitOptions<E>,
): ParsedManagerFlags<E> {
  const result = parseManagerFlags(argv, options);
  switch (result.kind) {
    case 'flags':
      return result.flags;
    case 'help':
      process.stderr.write(result.usage);
      return process.exit(0);
    case 'error':
      process.stderr.write(`${result.message}\n${result.usage}`);
      return process.exit(2);
  }
}
