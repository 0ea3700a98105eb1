/**
 * The message of a thrown value, for logs and wrapped errors. Never throws: a thrown value may have no string form
 * (`Object.create(null)`, a throwing `toString`), and a failing error path must not fail again.
 */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  try {
    return String(err);
  } catch {
    return Object.prototype.toString.call(err);
  }
}
