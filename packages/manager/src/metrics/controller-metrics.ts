import { Counter, Gauge, Histogram } from 'prom-client';
import { metricsRegistry } from './registry.js';

/* The controller series, named and labelled as controller-runtime's pkg/internal/controller/metrics. */

/** `controller_runtime_reconcile_total{controller,result}`, result one of success, error, requeue, requeue_after. */
export const reconcileTotal = new Counter({
  name: 'controller_runtime_reconcile_total',
  help: 'Total number of reconciliations per controller',
  labelNames: ['controller', 'result'] as const,
  registers: [metricsRegistry],
});

/** `controller_runtime_reconcile_errors_total`: failed reconciles, terminal or not. */
export const reconcileErrors = new Counter({
  name: 'controller_runtime_reconcile_errors_total',
  help: 'Total number of reconciliation errors per controller',
  labelNames: ['controller'] as const,
  registers: [metricsRegistry],
});

/** `controller_runtime_terminal_reconcile_errors_total`: failures with a TerminalError, not retried. */
export const terminalReconcileErrors = new Counter({
  name: 'controller_runtime_terminal_reconcile_errors_total',
  help: 'Total number of terminal reconciliation errors per controller',
  labelNames: ['controller'] as const,
  registers: [metricsRegistry],
});

/** `controller_runtime_reconcile_panics_total`: reconciles that crashed on a programming error (see the controller). */
export const reconcilePanics = new Counter({
  name: 'controller_runtime_reconcile_panics_total',
  help: 'Total number of reconciliation panics per controller',
  labelNames: ['controller'] as const,
  registers: [metricsRegistry],
});

/** `controller_runtime_reconcile_timeouts_total`: reconciles whose signal `reconcileTimeoutMs` aborted. */
export const reconcileTimeouts = new Counter({
  name: 'controller_runtime_reconcile_timeouts_total',
  help: 'Total number of reconciliation timeouts per controller',
  labelNames: ['controller'] as const,
  registers: [metricsRegistry],
});

/** `controller_runtime_reconcile_time_seconds`, with controller-runtime's buckets (5 ms to 60 s). */
export const reconcileTime = new Histogram({
  name: 'controller_runtime_reconcile_time_seconds',
  help: 'Length of time per reconciliation per controller',
  labelNames: ['controller'] as const,
  buckets: [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.25,
    1.5, 1.75, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60,
  ],
  registers: [metricsRegistry],
});

/** `controller_runtime_max_concurrent_reconciles`: the controller's worker count. */
export const maxConcurrentReconciles = new Gauge({
  name: 'controller_runtime_max_concurrent_reconciles',
  help: 'Maximum number of concurrent reconciles per controller',
  labelNames: ['controller'] as const,
  registers: [metricsRegistry],
});

/** `controller_runtime_active_workers`: workers running a reconcile right now. */
export const activeWorkers = new Gauge({
  name: 'controller_runtime_active_workers',
  help: 'Number of currently used workers per controller',
  labelNames: ['controller'] as const,
  registers: [metricsRegistry],
});
