import { Counter, Histogram } from 'prom-client';
import { registerRequestMetrics } from '../rest/request-metrics.js';
import { metricsRegistry } from './registry.js';

/** client-go's `rest_client_requests_total`: every request sent to the API server, by status code, method and host. */
export const restClientRequests = new Counter({
  name: 'rest_client_requests_total',
  help: 'Number of HTTP requests, partitioned by status code, method, and host.',
  labelNames: ['code', 'method', 'host'] as const,
  registers: [metricsRegistry],
});

/**
 * client-go's `rest_client_request_duration_seconds`: how long each request waited for the response headers (for a
 * watch, until the stream opened), by HTTP method (client-go's `verb`) and host, with client-go's buckets.
 */
export const restClientRequestDuration = new Histogram({
  name: 'rest_client_request_duration_seconds',
  help: 'Request latency in seconds. Broken down by verb, and host.',
  labelNames: ['verb', 'host'] as const,
  buckets: [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60],
  registers: [metricsRegistry],
});

// Registered on load, as controller-runtime's metrics package registers its client-go adapter in init(): any process
// that loads the metrics (every manager does) counts its requests.
registerRequestMetrics({
  observe: ({ method, host, code, durationSeconds }) => {
    restClientRequests.inc({ code, method, host });
    restClientRequestDuration.observe({ verb: method, host }, durationSeconds);
  },
});
