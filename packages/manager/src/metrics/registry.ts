import { Counter, Registry } from 'prom-client';

/**
 * The process-wide Prometheus registry served on `/metrics`, as controller-runtime's `metrics.Registry`.
 * Metric names and labels follow controller-runtime and client-go so existing dashboards and alerts work.
 */
export const metricsRegistry = new Registry();

/** client-go's `rest_client_requests_total`: every request sent to the API server, by status code, method and host. */
export const restClientRequests = new Counter({
  name: 'rest_client_requests_total',
  help: 'Number of HTTP requests, partitioned by status code, method, and host.',
  labelNames: ['code', 'method', 'host'] as const,
  registers: [metricsRegistry],
});
