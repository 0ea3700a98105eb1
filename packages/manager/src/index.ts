/**
 * `@spoke/manager`: write Kubernetes operators in TypeScript, the controller-runtime way.
 *
 * The root exports what a controller author needs: kinds, the client and its helpers, API errors, conditions,
 * labels, reconcile, controller, handler, predicate, recorder, manager, flags, healthz and log. Each concept also has
 * its own subpath, which holds the rest: `@spoke/manager/cache`, `/client/guard`, `/rest`, `/watcher`, `/workqueue`,
 * `/leaderelection`, `/metrics`, `/metrics/filters`, `/metrics/server`, `/clock`, `/testing`, `/webhook`, `/certwatcher`.
 */
export * from './kinds/index.js';
export * from './apierrors/index.js';
export * from './client/index.js';
export * from './conditions/index.js';
export * from './labels/index.js';
export * from './reconcile/index.js';
export * from './controller/index.js';
export * from './handler/index.js';
export * from './predicate/index.js';
export * from './recorder/index.js';
export * from './manager/index.js';
export * from './flags/index.js';
export * from './healthz/index.js';
export * from './log/index.js';
export * from './webhook/index.js';
export type { Cache, CacheListOptions, InformerOptions, Informer, IndexFunc } from './cache/index.js';
export { ControllerOwnerIndex, controllerOwnerIndexValue, SharedInformerCache } from './cache/index.js';
export { SingleWriterViolationError } from './client/guard/index.js';
export {
  defaultControllerRateLimiter,
  ItemExponentialFailureRateLimiter,
  BucketRateLimiter,
  MaxOfRateLimiter,
  type RateLimiter,
} from './workqueue/index.js';
