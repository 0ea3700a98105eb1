/**
 * Whether a reconcile failure is what Go would call a panic: a programming error rather than a failure the code
 * anticipated. JavaScript has no separate channel for panics, so we classify: a thrown non-Error value, or one of the
 * built-in errors the engine raises for bugs (TypeError for `undefined.x`, ReferenceError, RangeError...).
 * Panics are counted in `controller_runtime_reconcile_panics_total` and then handled as errors (retried).
 */
export function isPanic(err: unknown): boolean {
  return (
    !(err instanceof Error) ||
    err instanceof TypeError ||
    err instanceof ReferenceError ||
    err instanceof RangeError ||
    err instanceof SyntaxError ||
    err instanceof EvalError ||
    err instanceof URIError
  );
}
