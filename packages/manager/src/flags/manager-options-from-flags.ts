import type { ManagerOptions } from '../manager/index.js';
import type { ManagerFlags } from './manager-flags.js';

/** The {@link ManagerOptions} fields the manager flags set. */
export type ManagerOptionsFromFlags = Pick<
  ManagerOptions,
  | 'metricsBindAddress'
  | 'secureMetrics'
  | 'metricsCertDir'
  | 'metricsCertName'
  | 'metricsKeyName'
  | 'healthProbeBindAddress'
  | 'leaderElection'
  | 'webhookServer'
>;

/** Options of {@link managerOptionsFromFlags}. */
export interface ManagerOptionsFromFlagsOptions {
  /**
   * The Lease's name when `--leader-elect` is given (kubebuilder's `LeaderElectionID`, in code, not a flag), e.g.
   * `memcached-operator.cache.spoke.dev`. Required with `--leader-elect`.
   */
  readonly leaderElectionId?: string;
}

/**
 * What the flags mean for {@link Manager.create}, as kubebuilder's `main.go` passes them to `ctrl.NewManager`:
 * `--metrics-bind-address`, `--metrics-secure`, `--metrics-cert-path/-name/-key` (the names only with a path),
 * `--health-probe-bind-address`, `--webhook-port` and `--webhook-cert-path/-name/-key` (the names only with a path),
 * and `--leader-elect` with the given Lease name. Spread it into the options:
 * `Manager.create({ ...managerOptionsFromFlags(flags, { leaderElectionId }), name, kubeConfig, logger })`.
 * Throws when `--leader-elect` is given without a `leaderElectionId`, as controller-runtime refuses an empty ID.
 */
export function managerOptionsFromFlags(
  flags: ManagerFlags,
  options: ManagerOptionsFromFlagsOptions = {},
): ManagerOptionsFromFlags {
  if (flags.leaderElect && !options.leaderElectionId)
    throw new Error(
      '--leader-elect needs a leader election ID: pass managerOptionsFromFlags a leaderElectionId',
    );
  return {
    metricsBindAddress: flags.metricsBindAddress,
    secureMetrics: flags.metricsSecure,
    ...(flags.metricsCertPath === undefined
      ? {}
      : {
          metricsCertDir: flags.metricsCertPath,
          metricsCertName: flags.metricsCertName,
          metricsKeyName: flags.metricsCertKey,
        }),
    healthProbeBindAddress: flags.healthProbeBindAddress,
    webhookServer: {
      port: flags.webhookPort,
      ...(flags.webhookCertPath === undefined
        ? {}
        : { certDir: flags.webhookCertPath, certName: flags.webhookCertName, keyName: flags.webhookCertKey }),
    },
    ...(flags.leaderElect && options.leaderElectionId
      ? { leaderElection: { id: options.leaderElectionId } }
      : {}),
  };
}
