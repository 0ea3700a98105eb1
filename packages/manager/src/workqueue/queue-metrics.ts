import {
  trackInFlightWork,
  workqueueAdds,
  workqueueDepth,
  workqueueQueueDuration,
  workqueueRetries,
  workqueueWorkDuration,
} from '../metrics/workqueue-metrics.js';

/** How a queue reports itself; a no-op for unnamed queues, as client-go's. */
export interface QueueMetrics {
  /** An item became ready at `priority`. */
  add(priority: number): void;
  /** A ready item's priority was raised. */
  reprioritize(from: number, to: number): void;
  /** A ready item was handed out after waiting `queuedMs`. */
  get(priority: number, queuedMs: number): void;
  /** A ready item was dropped without being handed out (shutdown). */
  drop(priority: number): void;
  done(workMs: number): void;
  retry(): void;
  close(): void;
}

export const noQueueMetrics: QueueMetrics = {
  add: () => undefined,
  reprioritize: () => undefined,
  get: () => undefined,
  drop: () => undefined,
  done: () => undefined,
  retry: () => undefined,
  close: () => undefined,
};

/** The Prometheus series for one named queue; in-flight gauges are computed from `inFlight` at scrape time. */
export function prometheusQueueMetrics(
  name: string,
  controller: string,
  inFlight: { unfinishedWorkSeconds(): number; longestRunningProcessorSeconds(): number },
): QueueMetrics {
  const labels = { name, controller };
  const depth = (priority: number) => ({ ...labels, priority: String(priority) });
  // Export zeroes from the start so that rate() and absent() work before the first add.
  workqueueAdds.inc(labels, 0);
  workqueueRetries.inc(labels, 0);
  workqueueDepth.set(depth(0), 0);
  const untrack = trackInFlightWork({
    name,
    controller,
    unfinishedWorkSeconds: () => inFlight.unfinishedWorkSeconds(),
    longestRunningProcessorSeconds: () => inFlight.longestRunningProcessorSeconds(),
  });
  return {
    add(priority) {
      workqueueAdds.inc(labels);
      workqueueDepth.inc(depth(priority));
    },
    reprioritize(from, to) {
      workqueueDepth.dec(depth(from));
      workqueueDepth.inc(depth(to));
    },
    get(priority, queuedMs) {
      workqueueDepth.dec(depth(priority));
      workqueueQueueDuration.observe(labels, queuedMs / 1000);
    },
    drop(priority) {
      workqueueDepth.dec(depth(priority));
    },
    done(workMs) {
      workqueueWorkDuration.observe(labels, workMs / 1000);
    },
    retry() {
      workqueueRetries.inc(labels);
    },
    close: untrack,
  };
}
