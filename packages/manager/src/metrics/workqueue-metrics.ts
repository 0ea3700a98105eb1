import { Counter, Gauge, Histogram, exponentialBuckets } from 'prom-client';
import { metricsRegistry } from './registry.js';

/*
 * The workqueue series, with client-go's names and controller-runtime's labels (`name` and `controller` both carry
 * the queue's name; `priority` on the depth as controller-runtime's priority queue), so existing dashboards work.
 */

const labelNames = ['name', 'controller'] as const;
// client-go's buckets: 10 ns to ~1000 s in powers of ten.
const durationBuckets = exponentialBuckets(10e-9, 10, 12);

/** `workqueue_depth`: items ready to be handed out, by priority. */
export const workqueueDepth = new Gauge({
  name: 'workqueue_depth',
  help: 'Current depth of workqueue by workqueue and priority',
  labelNames: ['name', 'controller', 'priority'] as const,
  registers: [metricsRegistry],
});

/** `workqueue_adds_total`: items that became ready (a duplicate add of a queued item is not counted). */
export const workqueueAdds = new Counter({
  name: 'workqueue_adds_total',
  help: 'Total number of adds handled by workqueue',
  labelNames,
  registers: [metricsRegistry],
});

/** `workqueue_queue_duration_seconds`: time from ready to handed to a worker. */
export const workqueueQueueDuration = new Histogram({
  name: 'workqueue_queue_duration_seconds',
  help: 'How long in seconds an item stays in workqueue before being requested',
  labelNames,
  buckets: durationBuckets,
  registers: [metricsRegistry],
});

/** `workqueue_work_duration_seconds`: time from handed out to `done`. */
export const workqueueWorkDuration = new Histogram({
  name: 'workqueue_work_duration_seconds',
  help: 'How long in seconds processing an item from workqueue takes.',
  labelNames,
  buckets: durationBuckets,
  registers: [metricsRegistry],
});

/** `workqueue_retries_total`: delayed and rate-limited adds. */
export const workqueueRetries = new Counter({
  name: 'workqueue_retries_total',
  help: 'Total number of retries handled by workqueue',
  labelNames,
  registers: [metricsRegistry],
});

/** A queue's in-flight work, read at scrape time for the two gauges below. */
export interface InFlightWorkSource {
  readonly name: string;
  readonly controller: string;
  /** Seconds of work in progress not yet observed by `workqueue_work_duration_seconds`. */
  unfinishedWorkSeconds(): number;
  /** Seconds the longest item in progress has been processing. */
  longestRunningProcessorSeconds(): number;
}

const inFlightSources = new Set<InFlightWorkSource>();

/** `workqueue_unfinished_work_seconds`; large values mean stuck workers. Computed at scrape time. */
export const workqueueUnfinishedWork = new Gauge({
  name: 'workqueue_unfinished_work_seconds',
  help:
    "How many seconds of work has been done that is in progress and hasn't been observed by work_duration. " +
    'Large values indicate stuck threads. One can deduce the number of stuck threads by observing the rate at ' +
    'which this increases.',
  labelNames,
  registers: [metricsRegistry],
  collect() {
    for (const s of inFlightSources) {
      this.set({ name: s.name, controller: s.controller }, s.unfinishedWorkSeconds());
    }
  },
});

/** `workqueue_longest_running_processor_seconds`. Computed at scrape time. */
export const workqueueLongestRunningProcessor = new Gauge({
  name: 'workqueue_longest_running_processor_seconds',
  help: 'How many seconds has the longest running processor for workqueue been running.',
  labelNames,
  registers: [metricsRegistry],
  collect() {
    for (const s of inFlightSources) {
      this.set({ name: s.name, controller: s.controller }, s.longestRunningProcessorSeconds());
    }
  },
});

/** Reports `source` on every scrape until the returned function is called (which zeroes its gauges). */
export function trackInFlightWork(source: InFlightWorkSource): () => void {
  inFlightSources.add(source);
  return () => {
    inFlightSources.delete(source);
    const labels = { name: source.name, controller: source.controller };
    workqueueUnfinishedWork.set(labels, 0);
    workqueueLongestRunningProcessor.set(labels, 0);
  };
}
