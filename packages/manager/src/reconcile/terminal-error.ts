/**
 * An error that retrying cannot fix (an invalid spec, a missing reference the user must create...).
 *
 * The controller logs it and counts it in `controller_runtime_terminal_reconcile_errors_total`, but does not
 * requeue: the next change to a watched object triggers a reconcile anyway. Any other error is retried with backoff.
 */
export class TerminalError extends Error {
  override readonly name = 'TerminalError';
}

/** True when `err` is, or wraps through `cause`, a {@link TerminalError}, as Go's `errors.Is(err, TerminalError(nil))`. */
export function isTerminalError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 16; e = e.cause, depth++) {
    if (e instanceof TerminalError) return true;
  }
  return false;
}
