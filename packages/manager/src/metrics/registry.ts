import { Registry } from 'prom-client';

/**
 * The process-wide Prometheus registry served on `/metrics`, as controller-runtime's `metrics.Registry`.
 * Metric names and labels follow controller-runtime and client-go so existing dashboards and alerts work.
 */
export const metricsRegistry = new Registry();
