import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Retries `check` (which throws, e.g. an assertion, while the condition does not hold yet) until it returns, and
 * returns its value; after `timeoutMs` the last error is thrown.
 */
export async function eventually<T>(
  check: () => Promise<T> | T,
  timeoutMs = 30_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error: unknown) {
      if (Date.now() > deadline) throw error;
    }
    await sleep(intervalMs);
  }
}
