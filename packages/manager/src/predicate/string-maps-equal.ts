/** Whether two label or annotation maps hold the same entries; absent and empty are equal. */
export function stringMapsEqual(
  a: Readonly<Record<string, string>> | undefined,
  b: Readonly<Record<string, string>> | undefined,
): boolean {
  const ak = Object.keys(a ?? {});
  if (ak.length !== Object.keys(b ?? {}).length) return false;
  return ak.every((k) => b !== undefined && Object.hasOwn(b, k) && b[k] === a?.[k]);
}
