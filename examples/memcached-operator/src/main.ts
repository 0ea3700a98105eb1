#!/usr/bin/env node
/**
 * The memcached operator's manager: `memcached-manager [--metrics-bind-address ...] [--metrics-secure=false]
 * [--metrics-cert-path ...] [--health-probe-bind-address ...] [--leader-elect] [--leader-elect-lease-duration 15s]
 * [--leader-elect-renew-deadline 10s] [--leader-elect-retry-period 2s] [--kubeconfig ...] [--log-level ...]`.
 * SIGTERM or SIGINT stops it gracefully.
 */
import { Manager, newLogger } from '@spoke/manager';
import { parseManagerFlags } from './cmd/manager-flags.js';
import { loadKubeConfig } from './cmd/load-kube-config.js';
import { controllers } from './controllers/index.js';
import { OperatorName } from './resources/labels.js';

async function main(): Promise<void> {
  const flags = parseManagerFlags(process.argv.slice(2));
  const logger = newLogger({ level: flags.logLevel, defaultMeta: { logger: OperatorName } });
  const manager = Manager.create({
    name: OperatorName,
    kubeConfig: loadKubeConfig(flags.kubeconfig),
    logger,
    metricsBindAddress: flags.metricsBindAddress,
    secureMetrics: flags.metricsSecure,
    ...(flags.metricsCertPath === undefined ? {} : { metricsCertDir: flags.metricsCertPath }),
    healthProbeBindAddress: flags.healthProbeBindAddress,
    ...(flags.leaderElect
      ? {
          leaderElection: {
            id: 'memcached-operator.cache.spoke.dev',
            leaseDurationMs: flags.leaseDurationMs,
            renewDeadlineMs: flags.renewDeadlineMs,
            retryPeriodMs: flags.retryPeriodMs,
          },
        }
      : {}),
  });
  manager.register(...controllers);
  logger.info('starting manager', {
    controllers: manager.controllerMetadata.map((c) => c.name),
    leaderElect: flags.leaderElect,
  });
  await manager.start(Manager.setupSignalHandler());
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
