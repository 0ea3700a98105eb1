/**
 * Freezes `value` and everything reachable from it, in place, and returns it. Objects stored by an informer are
 * frozen once, as they come off the wire, so reads can share them without a copy per read: a reader that mutates
 * one gets a TypeError (ESM is strict mode) instead of silently changing the cache under every other reader.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  Object.freeze(value);
  if (Array.isArray(value)) {
    for (const item of value) deepFreeze(item);
  } else {
    for (const key in value) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

/** `obj` itself if it may be changed, or a deep copy of it if it is frozen (an object read from the cache). */
export function mutableCopy<T>(obj: T): T {
  return typeof obj === 'object' && obj !== null && Object.isFrozen(obj) ? structuredClone(obj) : obj;
}
