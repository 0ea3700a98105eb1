import { Counter, Gauge, Histogram } from 'prom-client';
import { metricsRegistry } from './registry.js';

/* The webhook server's series, named and labelled as controller-runtime's pkg/webhook/internal/metrics; `webhook` is the path. */

/** `controller_runtime_webhook_latency_seconds{webhook}`: time to answer a review (Prometheus' default buckets, as controller-runtime). */
export const webhookLatency = new Histogram({
  name: 'controller_runtime_webhook_latency_seconds',
  help: 'Histogram of the latency of processing admission requests',
  labelNames: ['webhook'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry],
});

/** `controller_runtime_webhook_requests_total{webhook,code}`: requests answered, by HTTP status code. */
export const webhookRequestsTotal = new Counter({
  name: 'controller_runtime_webhook_requests_total',
  help: 'Total number of admission requests by HTTP status code.',
  labelNames: ['webhook', 'code'] as const,
  registers: [metricsRegistry],
});

/** `controller_runtime_webhook_requests_in_flight{webhook}`: requests being answered right now. */
export const webhookRequestsInFlight = new Gauge({
  name: 'controller_runtime_webhook_requests_in_flight',
  help: 'Current number of admission requests being served.',
  labelNames: ['webhook'] as const,
  registers: [metricsRegistry],
});
