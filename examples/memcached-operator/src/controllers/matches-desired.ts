/**
 * Whether `actual` already holds everything `desired` says: each field of `desired` is present in `actual` with an
 * equal value, recursively; fields only in `actual` (defaults the API server filled in, status, metadata it owns)
 * are ignored. Arrays must have the same length, element by element. An empty object or array in `desired` matches
 * an absent field, because the API server drops them.
 *
 * This is how a controller decides that there is nothing to write: applying an equal object would still be a PATCH
 * request, and a resync must cost no write.
 */
export function matchesDesired(desired: unknown, actual: unknown): boolean {
  if (desired === undefined) return true;
  if (Array.isArray(desired)) {
    if (actual === undefined && desired.length === 0) return true;
    if (!Array.isArray(actual) || actual.length !== desired.length) return false;
    return desired.every((d, i) => matchesDesired(d, actual[i]));
  }
  if (desired !== null && typeof desired === 'object') {
    if (actual === undefined && Object.keys(desired).length === 0) return true;
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return false;
    const a = actual as Record<string, unknown>;
    return Object.entries(desired).every(([k, v]) => matchesDesired(v, a[k]));
  }
  return desired === actual;
}
