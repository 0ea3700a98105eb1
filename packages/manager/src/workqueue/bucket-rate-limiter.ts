import { realClock, type Clock } from '../clock/clock.js';
import type { RateLimiter } from './rate-limiter.js';

/** Options of {@link BucketRateLimiter}. */
export interface BucketRateLimiterOptions {
  /** Tokens added per second. Default 10, client-go's. */
  readonly qps?: number;
  /** Bucket size: how many retries may go at once before the rate applies. Default 100, client-go's. */
  readonly burst?: number;
  /** Default the process clock; the refill is measured on its monotonic clock, so a wall-clock step changes nothing. */
  readonly clock?: Clock;
}

/**
 * An overall token bucket shared by all items, as client-go's `BucketRateLimiter` (golang.org/x/time/rate): it
 * bounds the total retry rate when many items fail at once, which per-item backoff alone does not.
 *
 * Each `when` reserves a token; when the bucket is empty the token is borrowed from the future and the delay is
 * the time until it is refilled. It tracks no per-item state, so `forget` and `numRequeues` do nothing.
 */
export class BucketRateLimiter implements RateLimiter {
  readonly qps: number;
  readonly burst: number;
  private readonly clock: Clock;
  private tokens: number;
  private last: number;

  constructor(options: BucketRateLimiterOptions = {}) {
    this.qps = options.qps ?? 10;
    this.burst = options.burst ?? 100;
    this.clock = options.clock ?? realClock;
    this.tokens = this.burst;
    this.last = this.clock.monotonicNow();
  }

  when(_key: string): number {
    const now = this.clock.monotonicNow();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.qps);
    this.last = now;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : (-this.tokens / this.qps) * 1000;
  }

  forget(_key: string): void {
    // Shared bucket: nothing is tracked per item.
  }

  numRequeues(_key: string): number {
    return 0;
  }
}
