import { MemcachedController } from './memcached/memcached-controller.js';
import { MemcachedStatusController } from './status/memcached-status-controller.js';
import { ProxyConfigController, SettleMs } from './proxy-config/proxy-config-controller.js';
import { ProxyRolloutController } from './proxy-rollout/proxy-rollout-controller.js';
import { ServiceController } from './services/service-controller.js';

export {
  MemcachedController,
  MemcachedStatusController,
  ProxyConfigController,
  ProxyRolloutController,
  ServiceController,
  SettleMs,
};

/** Every controller of the operator, in the order the manager registers them. */
export const controllers = [
  MemcachedController,
  ServiceController,
  ProxyConfigController,
  ProxyRolloutController,
  MemcachedStatusController,
] as const;
export * from './memcached/desired-stateful-set.js';
export * from './services/desired-services.js';
export * from './proxy-config/desired-proxy-config-map.js';
export * from './proxy-config/backends-from-endpoint-slices.js';
export * from './proxy-config/settle-decision.js';
export * from './proxy-config/stale-proxy-config-maps.js';
export * from './proxy-rollout/desired-proxy-deployment.js';
export * from './status/desired-memcached-status.js';
export * from './matches-desired.js';
