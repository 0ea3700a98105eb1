/**
 * What a reconcile reports back to its controller. Returning nothing (or `{}`) means success: the request is
 * forgotten until the next change.
 *
 * There is no `requeue: true`: controller-runtime deprecated it because a reconcile that is not done should either
 * throw (retried with backoff) or say when to look again (`requeueAfter`).
 */
export interface Result {
  /**
   * Reconcile this request again after this many milliseconds, e.g. to poll an external system or to expire
   * something. The backoff of earlier failures is reset. An event for the object before then reconciles it earlier.
   */
  readonly requeueAfter?: number;
}
