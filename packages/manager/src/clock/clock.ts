/** A timer started by a {@link Clock}; pass it back to `clearTimeout`. */
export interface ClockTimer {
  readonly __clockTimer?: never;
}

/**
 * Time as the workqueue and rate limiters see it: injectable so that backoff and delay maths can be tested without
 * sleeping (see {@link FakeClock}), as client-go's `clock.Clock`.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  setTimeout(fn: () => void, delayMs: number): ClockTimer;
  clearTimeout(timer: ClockTimer): void;
}

/** Wall-clock time. Its timers are unref'd: a pending delay alone does not keep the process alive. */
export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, delayMs) => setTimeout(fn, delayMs).unref() as ClockTimer,
  clearTimeout: (timer) => {
    clearTimeout(timer as NodeJS.Timeout);
  },
};
