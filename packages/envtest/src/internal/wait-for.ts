import { setTimeout as sleep } from 'node:timers/promises';

/** Options for {@link waitFor}. */
export interface WaitForOptions {
  /** What is being waited for, used in the timeout error. */
  readonly description: string;
  /** Give up after this long. */
  readonly timeoutMs: number;
  /** Pause between attempts; short, because the things we wait for are local and usually quick. */
  readonly intervalMs?: number;
  /** Checked between attempts: a reason to stop waiting early (e.g. the process being waited on exited). */
  readonly abortReason?: () => Error | undefined;
}

/**
 * Polls `probe` until it returns a value other than `undefined`, and returns that value.
 * A probe that throws counts as "not yet"; the last error is reported if the wait times out.
 */
export async function waitFor<T>(probe: () => Promise<T | undefined>, options: WaitForOptions): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  const interval = options.intervalMs ?? 100;
  let lastError: unknown;
  for (;;) {
    const aborted = options.abortReason?.();
    if (aborted !== undefined) throw aborted;
    try {
      const value = await probe();
      if (value !== undefined) return value;
      lastError = undefined;
    } catch (error: unknown) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const cause = lastError instanceof Error ? `: last error: ${lastError.message}` : '';
      throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${options.description}${cause}`, {
        cause: lastError,
      });
    }
    await sleep(interval);
  }
}
