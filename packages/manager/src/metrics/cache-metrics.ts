import { Counter } from 'prom-client';
import { metricsRegistry } from './registry.js';

/* The informer cache's read-your-writes series (Spoke's own; controller-runtime has no such feature). */

/** `spoke_cache_read_your_writes_waits_total{kind}`: cached reads that waited for an informer to show a write of ours. */
export const readYourWritesWaits = new Counter({
  name: 'spoke_cache_read_your_writes_waits_total',
  help: 'Number of cached reads that waited for the informer to show a write of this process, per kind',
  labelNames: ['kind'] as const,
  registers: [metricsRegistry],
});

/** `spoke_cache_read_your_writes_timeouts_total{kind}`: writes of ours no informer showed within the timeout. */
export const readYourWritesTimeouts = new Counter({
  name: 'spoke_cache_read_your_writes_timeouts_total',
  help: 'Number of writes of this process the informer had not shown within readYourWritesTimeoutMs, per kind',
  labelNames: ['kind'] as const,
  registers: [metricsRegistry],
});
