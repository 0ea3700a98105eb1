/**
 * A metav1.MicroTime as the API server parses it: RFC 3339 with exactly six fractional digits. JavaScript dates
 * have milliseconds, so the last three digits are zeros.
 */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
