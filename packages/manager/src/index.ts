/**
 * `@spoke/manager`: write Kubernetes operators in TypeScript, the controller-runtime way.
 *
 * One folder per concept, as controller-runtime's packages: kinds, cache, client, reconcile, workqueue, handler,
 * predicate, controller, leaderelection, metrics, healthz, log, recorder, manager.
 */
import 'reflect-metadata';

export * from './kinds/index.js';
export * from './cache/index.js';
export * from './client/index.js';
export * from './reconcile/index.js';
export * from './workqueue/index.js';
export * from './handler/index.js';
export * from './predicate/index.js';
export * from './controller/index.js';
export * from './leaderelection/index.js';
export * from './metrics/index.js';
export * from './healthz/index.js';
export * from './log/index.js';
export * from './recorder/index.js';
export * from './manager/index.js';
export * from './flags/index.js';
