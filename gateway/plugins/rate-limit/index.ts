export { createRateLimitPlugin, createRateLimitApolloPlugin } from './plugin.js';
export { createRateLimiter, type LimitRequest, type RateLimitDecision, type RateLimiter } from './limiter.js';
export { createClientAddressResolver, type ClientAddressResolver } from './client-address.js';
export {
  DEFAULT_FALLBACK_LOG_INTERVAL_MS,
  type BucketOptions,
  type FailedAuthOptions,
  type OperationLimitOptions,
  type RateLimitOptions,
} from './options.js';
