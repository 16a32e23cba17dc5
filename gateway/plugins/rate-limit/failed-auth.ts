import type { GraphQLError } from 'graphql';
import { createClientError, GatewayErrorCode } from '../../errors.js';
import type { GatewayPlugin } from '../plugin.js';
import type { GatewayContext } from '../../request-context.js';
import type { RateLimiter } from './limiter.js';

/** Default `RateLimitOptions.credentialHeaders`. */
export const DEFAULT_CREDENTIAL_HEADERS: readonly string[] = ['authorization', 'x-api-key'];

function isUnauthenticated(error: unknown): boolean {
  return (error as GraphQLError | undefined)?.extensions?.code === GatewayErrorCode.UNAUTHENTICATED;
}

/**
 * Limits credential guessing. Authentication fails in `buildContext`, before any Apollo hook, so the
 * per-client buckets never see those requests. This plugin must run before auth: its
 * `buildContext` only READS the client IP's failed-auth bucket (for requests presenting a credential) and refuses an exhausted IP with 429
 * before any credential is verified; `onContextError` charges the bucket when a later
 * `buildContext` (auth) failed with UNAUTHENTICATED.
 */
export function createFailedAuthGuard(limiter: RateLimiter, credentialHeaders: readonly string[] = DEFAULT_CREDENTIAL_HEADERS): GatewayPlugin {
  const address = (context: GatewayContext) => [context.incoming.remoteAddress, context.incoming.headers['x-forwarded-for']] as const;
  return {
    name: 'rate-limit-failed-auth',
    async buildContext(context) {
      // Nothing to guess without a credential: skip the store read (Redis round trip) for those.
      if (!credentialHeaders.some((name) => context.incoming.headers[name] !== undefined)) return;
      const retryAfterSeconds = await limiter.failedAuthRetryAfter(...address(context));
      if (retryAfterSeconds === undefined) return;
      throw createClientError(GatewayErrorCode.RATE_LIMITED, `Too many failed authentications; retry after ${retryAfterSeconds} s.`, {
        headers: { 'retry-after': String(retryAfterSeconds) },
        extensions: { retryAfterSeconds },
      });
    },
    async onContextError(context, error) {
      if (isUnauthenticated(error)) await limiter.chargeFailedAuth(...address(context));
    },
  };
}
