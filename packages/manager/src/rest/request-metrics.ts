/** One request as {@link RequestMetrics} sees it, once its response headers arrived or it failed. */
export interface RequestObservation {
  readonly method: string;
  /** `host:port` of the API server. */
  readonly host: string;
  /** The HTTP status, or `<error>` (client-go's label) for a request that got none. */
  readonly code: string;
  /** From sending until the response headers (for a watch, until the stream opened). */
  readonly durationSeconds: number;
}

/**
 * Observes every request the REST client sends, as client-go's `tools/metrics` hooks: the transport knows nothing of
 * Prometheus, and the metrics package registers its adapter (so `rest` never imports `metrics`).
 */
export interface RequestMetrics {
  observe(observation: RequestObservation): void;
}

let registered: RequestMetrics | undefined;

/** Sets the process-wide observer of REST requests (the last registration wins). */
export function registerRequestMetrics(metrics: RequestMetrics): void {
  registered = metrics;
}

/** Reports a finished request to the registered observer, if any. */
export function observeRequest(observation: RequestObservation): void {
  registered?.observe(observation);
}
