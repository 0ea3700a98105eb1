/**
 * Delays between retries, as a value passed to whatever retries (kube-rs style) rather than sleeps buried in loops,
 * so the sequence can be tested and tuned on its own.
 */
export interface Backoff {
  /** The delay, in milliseconds, to wait before the next attempt; each call advances the sequence. */
  next(): number;
  /** Starts the sequence over, after a success. */
  reset(): void;
}

/** Tuning of {@link ExponentialBackoff}; the defaults are kube-rs's `default_backoff()`. */
export interface ExponentialBackoffOptions {
  /** First delay. Default 800 ms: a dropped connection usually comes back at once, but not in the same millisecond. */
  readonly initialMs?: number;
  /** Ceiling. Default 30 s: a down API server is probed at least twice a minute. */
  readonly maxMs?: number;
  /** Growth per attempt. Default 2. */
  readonly factor?: number;
  /**
   * Each delay is shortened by a random part of up to this fraction. Default 0.25, so that many clients that lost
   * the same API server do not come back in lockstep.
   */
  readonly jitter?: number;
  /**
   * After this long without a call to {@link Backoff.next}, the next delay starts over from `initialMs`, as
   * kube-rs's `ResetTimerBackoff`. Default 120 s: a watch that was healthy that long is not failing in a loop.
   */
  readonly resetAfterMs?: number;
  /** Source of randomness in [0, 1); default `Math.random`. Pass a constant in tests. */
  readonly random?: () => number;
  /** Clock in ms; default `Date.now`. */
  readonly now?: () => number;
}

/** Exponential backoff with jitter that resets itself after a healthy period. */
export class ExponentialBackoff implements Backoff {
  readonly #initialMs: number;
  readonly #maxMs: number;
  readonly #factor: number;
  readonly #jitter: number;
  readonly #resetAfterMs: number;
  readonly #random: () => number;
  readonly #now: () => number;
  #attempt = 0;
  #lastCallAt: number | undefined;

  constructor(options: ExponentialBackoffOptions = {}) {
    this.#initialMs = options.initialMs ?? 800;
    this.#maxMs = options.maxMs ?? 30_000;
    this.#factor = options.factor ?? 2;
    this.#jitter = options.jitter ?? 0.25;
    this.#resetAfterMs = options.resetAfterMs ?? 120_000;
    this.#random = options.random ?? Math.random;
    this.#now = options.now ?? Date.now;
    if (this.#initialMs <= 0 || this.#maxMs < this.#initialMs || this.#factor < 1) {
      throw new RangeError(
        `backoff needs 0 < initialMs <= maxMs and factor >= 1, got ${this.#initialMs}, ${this.#maxMs}, ${this.#factor}`,
      );
    }
    if (this.#jitter < 0 || this.#jitter >= 1)
      throw new RangeError(`backoff jitter must be in [0, 1), got ${this.#jitter}`);
  }

  next(): number {
    const now = this.#now();
    if (this.#lastCallAt !== undefined && now - this.#lastCallAt >= this.#resetAfterMs) this.#attempt = 0;
    this.#lastCallAt = now;
    const base = Math.min(this.#maxMs, this.#initialMs * this.#factor ** this.#attempt);
    // Stop growing the exponent once at the ceiling, so it never overflows to Infinity.
    if (base < this.#maxMs) this.#attempt++;
    return Math.round(base * (1 - this.#jitter * this.#random()));
  }

  reset(): void {
    this.#attempt = 0;
    this.#lastCallAt = undefined;
  }
}

/** The watch reconnect backoff: 800 ms doubling to 30 s, up to 25% jitter, reset after 2 minutes without failures. */
export function defaultWatchBackoff(): Backoff {
  return new ExponentialBackoff();
}
