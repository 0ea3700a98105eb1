type JsonObject = Record<string, unknown>;

function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/**
 * The JSON merge patch (RFC 7386) that turns `before` into `after`: changed fields with their new values, removed
 * fields as `null`, nested objects recursively; arrays are replaced whole, as merge patch can only do. Returns
 * undefined when nothing changed. Values go through JSON first, so Dates compare as the strings the server sees.
 */
export function createMergePatch(before: object, after: object): JsonObject | undefined {
  const patch = diffObjects(toJson(before), toJson(after));
  return Object.keys(patch).length === 0 ? undefined : patch;
}

function toJson(value: object): JsonObject {
  return JSON.parse(JSON.stringify(value)) as JsonObject;
}

function diffObjects(before: JsonObject, after: JsonObject): JsonObject {
  const patch: JsonObject = {};
  for (const key of Object.keys(before)) {
    if (!Object.hasOwn(after, key)) patch[key] = null;
  }
  for (const [key, value] of Object.entries(after)) {
    const old = before[key];
    if (isPlainObject(old) && isPlainObject(value)) {
      const nested = diffObjects(old, value);
      if (Object.keys(nested).length > 0) patch[key] = nested;
    } else if (JSON.stringify(old) !== JSON.stringify(value)) {
      patch[key] = value;
    }
  }
  return patch;
}
