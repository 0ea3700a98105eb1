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
 * Polls `probe` until it returns a value other than `undefined` or `false`, and returns that value: the way to wait
 * in a test against a real API server, where every effect arrives a little later. A probe that throws counts as
 * "not yet"; the timeout error names `description` and the probe's last error, so a failure explains itself.
 */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  options: WaitForOptions,
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  const interval = options.intervalMs ?? 100;
  let lastError: unknown;
  for (;;) {
    const aborted = options.abortReason?.();
    if (aborted !== undefined) throw aborted;
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
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

/** Options for {@link eventually}. */
export interface EventuallyOptions {
  /** Give up after this long; default 30 s. */
  readonly timeoutMs?: number;
  /** Pause between attempts; default 100 ms. */
  readonly intervalMs?: number;
}

/**
 * Retries `check` — typically a few assertions — until it stops throwing, and returns its value; after `timeoutMs`
 * it throws the check's last error as it is, so the report shows the assertion that never came true (gomega's
 * `Eventually`).
 */
export async function eventually<T>(
  check: () => Promise<T> | T,
  options: EventuallyOptions = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    try {
      return await check();
    } catch (error: unknown) {
      if (Date.now() > deadline) throw error;
    }
    await sleep(options.intervalMs ?? 100);
  }
}
