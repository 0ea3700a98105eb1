#!/usr/bin/env node
/**
 * The memcached operator's manager. It takes a kubebuilder v4 manager's flags with Go's flag syntax
 * (`--metrics-bind-address`, `--health-probe-bind-address`, `--leader-elect`, `--metrics-secure`,
 * `--metrics-cert-path/-name/-key`, `--kubeconfig`, the `--zap-*` logging flags...) and its own `--log-level` and
 * `--leader-elect-lease-duration/-renew-deadline/-retry-period`; `--help` lists them. SIGTERM or SIGINT stops it gracefully.
 */
import {
  type KubeConfig,
  KubeConfigError,
  loadKubeConfig,
  Manager,
  managerOptionsFromFlags,
  newLoggerFromFlags,
  parseManagerFlagsOrExit,
} from '@spoke/manager';
import { memcachedManagerFlags } from './cmd/memcached-manager-flags.js';
import { controllers } from './controllers/index.js';
import { OperatorName } from './contract/labels.js';
import { webhooks } from './webhooks/index.js';

const leaderElectionId = 'memcached-operator.cache.spoke.dev';

async function main(): Promise<void> {
  const flags = parseManagerFlagsOrExit(process.argv.slice(2), {
    program: 'memcached-manager',
    extraFlags: memcachedManagerFlags,
  });
  const logLevel = flags.extra['log-level'];
  const logger = newLoggerFromFlags(flags, {
    defaultMeta: { logger: OperatorName },
    ...(logLevel === undefined ? {} : { level: logLevel }),
  });
  let kubeConfig: KubeConfig;
  try {
    kubeConfig = loadKubeConfig(flags.kubeconfig);
  } catch (err: unknown) {
    if (!(err instanceof KubeConfigError)) throw err;
    // As ctrl.GetConfigOrDie: one line saying which file and why, exit 1.
    logger.error('unable to get kubeconfig', { error: err.message });
    process.exit(1);
  }
  const options = managerOptionsFromFlags(flags, { leaderElectionId });
  const webhookHost = flags.extra['webhook-host'];
  const manager = Manager.create({
    ...options,
    webhookServer: {
      ...options.webhookServer,
      ...(webhookHost === '' ? {} : { host: webhookHost }),
      ...(flags.extra['webhook-self-signed'] ? { selfSigned: true } : {}),
    },
    ...(options.leaderElection
      ? {
          leaderElection: {
            ...options.leaderElection,
            leaseDurationMs: flags.extra['leader-elect-lease-duration'],
            renewDeadlineMs: flags.extra['leader-elect-renew-deadline'],
            retryPeriodMs: flags.extra['leader-elect-retry-period'],
          },
        }
      : {}),
    name: OperatorName,
    kubeConfig,
    logger,
  });
  manager.register(...controllers);
  // As kubebuilder's main.go: on unless ENABLE_WEBHOOKS=false (or --enable-webhooks=false).
  const webhooksEnabled = flags.extra['enable-webhooks'] && process.env['ENABLE_WEBHOOKS'] !== 'false';
  if (webhooksEnabled) manager.registerWebhooks(...webhooks);
  logger.info('starting manager', {
    controllers: manager.controllerMetadata.map((c) => c.name),
    webhooks: webhooksEnabled ? manager.webhookServer.paths : [],
    leaderElect: flags.leaderElect,
  });
  try {
    await manager.start(Manager.setupSignalHandler());
  } catch (err: unknown) {
    // The stack is for a bug; --zap-stacktrace-level decides whether it is logged.
    logger.error('problem running manager', {
      error: err instanceof Error ? err.message : String(err),
      ...(err instanceof Error && err.stack !== undefined ? { stack: err.stack } : {}),
    });
    process.exit(1);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
