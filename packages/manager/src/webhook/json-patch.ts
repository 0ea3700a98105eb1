import { deepEqual } from '../internal/json/deep-equal.js';

/** One RFC 6902 operation; a defaulter's patch uses only these three. */
export type JsonPatchOperation =
  | { readonly op: 'add'; readonly path: string; readonly value: unknown }
  | { readonly op: 'replace'; readonly path: string; readonly value: unknown }
  | { readonly op: 'remove'; readonly path: string };

/** An RFC 6901 pointer token: `~` becomes `~0`, `/` becomes `~1` (in that order, so `~1` in a key survives). */
export function escapePointerToken(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The RFC 6902 patch turning `before` into `after` (JSON values), as controller-runtime's defaulter computes with
 * gomodules' jsonpatch: objects are compared key by key; arrays element by element where they have the same length,
 * else replaced whole (a defaulter rarely reorders lists, and a whole replacement is always correct). A key whose
 * value is `undefined` counts as absent, as it would once serialised.
 */
export function jsonPatch(before: unknown, after: unknown): JsonPatchOperation[] {
  const ops: JsonPatchOperation[] = [];
  diff(before, after, '', ops);
  return ops;
}

function diff(before: unknown, after: unknown, path: string, ops: JsonPatchOperation[]): void {
  if (deepEqual(before, after)) return;
  if (isPlainObject(before) && isPlainObject(after)) {
    for (const key of Object.keys(before)) {
      if (before[key] !== undefined && after[key] === undefined)
        ops.push({ op: 'remove', path: `${path}/${escapePointerToken(key)}` });
    }
    for (const key of Object.keys(after)) {
      const value = after[key];
      if (value === undefined) continue;
      const child = `${path}/${escapePointerToken(key)}`;
      if (before[key] === undefined) ops.push({ op: 'add', path: child, value: toJson(value) });
      else diff(before[key], value, child, ops);
    }
    return;
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    before.forEach((item, i) => {
      diff(item, after[i], `${path}/${i}`, ops);
    });
    return;
  }
  // `replace` of the root ('' pointer) is valid RFC 6902; the API server applies it.
  ops.push({ op: 'replace', path, value: toJson(after) });
}

/** The value as it will be serialised (drops `undefined` members, turns Dates into strings). */
function toJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}
