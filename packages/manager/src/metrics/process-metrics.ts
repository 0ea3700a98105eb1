import { collectDefaultMetrics } from 'prom-client';
import { metricsRegistry } from './registry.js';

// prom-client's default collectors — process_cpu_seconds_total, process_resident_memory_bytes,
// process_start_time_seconds, process_open_fds... and nodejs_* (event loop lag, heap, GC) — registered on load, as
// controller-runtime registers the process and Go collectors: dashboards built for controller-runtime managers
// find their process_* series.
collectDefaultMetrics({ register: metricsRegistry });
