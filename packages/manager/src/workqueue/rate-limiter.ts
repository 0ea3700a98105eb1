/**
 * Decides how long an item waits before it is retried, as client-go's `workqueue.RateLimiter`. Rate limiters are
 * values passed to the queue, so that the backoff policy is visible and testable on its own.
 *
 * Items are identified by their queue key.
 */
export interface RateLimiter {
  /** How long to wait (ms) before the next retry of `key`; records one more failure. */
  when(key: string): number;
  /** Stops tracking `key`: its next failure starts the backoff from the beginning. */
  forget(key: string): void;
  /** How many failures of `key` are being tracked. */
  numRequeues(key: string): number;
}
