import { MemcachedController } from './memcached-controller.js';
import { MemcachedStatusController } from './memcached-status-controller.js';
import { ProxyConfigController, SettleMs } from './proxy-config-controller.js';
import { ProxyRolloutController } from './proxy-rollout-controller.js';
import { ServiceController } from './service-controller.js';

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
