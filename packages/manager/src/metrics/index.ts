import './process-metrics.js';
export { metricsRegistry } from './registry.js';
export { restClientRequests, restClientRequestDuration } from './rest-client-metrics.js';
export {
  reconcileTotal,
  reconcileErrors,
  terminalReconcileErrors,
  reconcilePanics,
  reconcileTime,
  reconcileTimeouts,
  maxConcurrentReconciles,
  activeWorkers,
} from './controller-metrics.js';
export { readYourWritesWaits, readYourWritesTimeouts } from './cache-metrics.js';
export { leaderElectionMasterStatus } from './leader-election-metrics.js';
export {
  workqueueDepth,
  workqueueAdds,
  workqueueQueueDuration,
  workqueueWorkDuration,
  workqueueUnfinishedWork,
  workqueueLongestRunningProcessor,
  workqueueRetries,
} from './workqueue-metrics.js';
export { webhookLatency, webhookRequestsTotal, webhookRequestsInFlight } from './webhook-metrics.js';
