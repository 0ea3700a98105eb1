import type { Logger } from 'winston';
import type { Request } from './request.js';
import type { Result } from './result.js';

/** What a reconcile gets besides its request. */
export interface ReconcileContext {
  /**
   * A child of the manager's logger carrying `controller`, `namespace`, `name` and `reconcileID`, so every line of one
   * reconcile can be found together.
   */
  readonly log: Logger;
  /**
   * Aborted when the reconcile must stop: the manager is shutting down, leadership was lost, or the controller's
   * `reconcileTimeoutMs` elapsed. Pass it to anything that waits, the client's calls included
   * (`client.get(kind, key, { signal: ctx.signal })`), so that a request in flight is aborted too; after leadership
   * is lost, writes are unsafe (the controller's client aborts and refuses them in any case).
   */
  readonly signal: AbortSignal;
  /** A unique id for this run, as controller-runtime's reconcileID; also on every log line. */
  readonly reconcileID: string;
}

/**
 * Drives one object toward its desired state. Implementations must be idempotent: the same request may be
 * reconciled any number of times, and only the object's current state (read through the cache) should matter.
 *
 * Throwing (or rejecting) retries the request with per-item exponential backoff, unless the error is a
 * `TerminalError`. Returning a `Result` with `requeueAfter` schedules another run; returning nothing is success.
 * Two reconciles for the same request never run at once.
 */
export interface Reconciler {
  // `void` so that a reconcile with nothing to report can simply end; that is the common case.
  // eslint-disable-next-line @typescript-eslint/no-invalid-void-type
  reconcile(req: Request, ctx: ReconcileContext): Promise<Result | void>;
}
