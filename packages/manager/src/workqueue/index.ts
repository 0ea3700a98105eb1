export type { RateLimiter } from './rate-limiter.js';
export { ItemExponentialFailureRateLimiter } from './item-exponential-failure-rate-limiter.js';
export { BucketRateLimiter, type BucketRateLimiterOptions } from './bucket-rate-limiter.js';
export { MaxOfRateLimiter } from './max-of-rate-limiter.js';
export { defaultControllerRateLimiter } from './default-controller-rate-limiter.js';
export {
  RateLimitingQueue,
  LowPriority,
  type AddOptions,
  type QueueItem,
  type RateLimitingQueueOptions,
} from './rate-limiting-queue.js';
