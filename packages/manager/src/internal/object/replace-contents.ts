/** Makes `target` hold exactly `source`'s fields, so callers keep one object reference, as controller-runtime's Get. */
export function replaceContents<T extends object>(target: T, source: T): void {
  for (const key of Object.keys(target)) Reflect.deleteProperty(target, key);
  Object.assign(target, source);
}
