import { eventually as eventuallyWithin } from '../../src/wait-for.js';

/** {@link eventuallyWithin} with this suite's positional defaults: 30 s, every 100 ms. */
export function eventually<T>(check: () => Promise<T> | T, timeoutMs = 30_000, intervalMs = 100): Promise<T> {
  return eventuallyWithin(check, { timeoutMs, intervalMs });
}
