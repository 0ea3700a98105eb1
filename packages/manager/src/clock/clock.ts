/** A timer started by a {@link Clock}; pass it back to `clearTimeout`. */
export interface ClockTimer {
  readonly __clockTimer?: never;
}

/**
 * Time as the workqueue, the rate limiters and leader election see it: injectable so that delay, backoff and lease
 * maths can be tested without sleeping (see {@link FakeClock}), as client-go's `clock.Clock`.
 *
 * Two readings, as Go's `time.Time` carries two: the wall clock says *when* (for timestamps the API stores, such as
 * a Lease's `renewTime`), the monotonic clock says *how long* (every duration, delay and deadline). The wall clock
 * jumps when the system clock is set (NTP step, an administrator, a VM resumed from a snapshot); a duration
 * measured with it would shorten or stretch a lease, a delay or a token bucket's refill by the size of the jump.
 */
export interface Clock {
  /** Wall-clock time, milliseconds since the epoch. Only for timestamps; never subtract two readings. */
  now(): number;
  /**
   * Monotonic time in milliseconds from an arbitrary origin: never jumps, never goes backwards. Measure every
   * duration with it (`later - earlier`); readings of different processes are not comparable.
   */
  monotonicNow(): number;
  /** Calls `fn` once `delayMs` of monotonic time has passed. */
  setTimeout(fn: () => void, delayMs: number): ClockTimer;
  clearTimeout(timer: ClockTimer): void;
}

/**
 * The process's clocks: `Date.now()` for wall time, `performance.now()` for monotonic time. Its timers are
 * unref'd: a pending delay alone does not keep the process alive.
 */
export const realClock: Clock = {
  now: () => Date.now(),
  monotonicNow: () => performance.now(),
  setTimeout: (fn, delayMs) => setTimeout(fn, delayMs).unref() as ClockTimer,
  clearTimeout: (timer) => {
    clearTimeout(timer as NodeJS.Timeout);
  },
};
