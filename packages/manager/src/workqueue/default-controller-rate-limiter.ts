import { BucketRateLimiter } from './bucket-rate-limiter.js';
import type { Clock } from '../clock/clock.js';
import { ItemExponentialFailureRateLimiter } from './item-exponential-failure-rate-limiter.js';
import { MaxOfRateLimiter } from './max-of-rate-limiter.js';
import type { RateLimiter } from './rate-limiter.js';

/**
 * client-go's `DefaultControllerRateLimiter`: per-item exponential backoff (5 ms → 1000 s) combined with an overall
 * token bucket (10 qps, burst 100). The per-item part backs off one broken object; the bucket stops a mass failure
 * (say, the API server rejecting everything) from turning into a retry storm.
 */
export function defaultControllerRateLimiter(clock?: Clock): RateLimiter {
  return new MaxOfRateLimiter(
    new ItemExponentialFailureRateLimiter(5, 1_000_000),
    new BucketRateLimiter({ qps: 10, burst: 100, ...(clock ? { clock } : {}) }),
  );
}
