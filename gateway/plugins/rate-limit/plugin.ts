import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import type { GraphQLError } from 'graphql';
import { createClientError, GatewayErrorCode } from '../../errors.js';
import type { GatewayPlugin } from '../plugin.js';
import type { GatewayContext } from '../../request-context.js';
import { secondsUntilReset, setRateLimitHeaders } from './headers.js';
import { createFailedAuthGuard } from './failed-auth.js';
import { createRateLimiter, moreRestrictive, type RateLimitDecision, type RateLimiter } from './limiter.js';
import type { RateLimitOptions } from './options.js';
import { countRootFields } from './root-fields.js';

declare module '../../request-context.js' {
  interface GatewayContext {
    /** The decision the client hears about (RateLimit headers); set by the rate-limit plugin. */
    rateLimit?: { decision: RateLimitDecision | undefined };
  }
}

function refusal(decision: RateLimitDecision | undefined): GraphQLError | undefined {
  if (!decision || decision.outcome === 'allowed') return undefined;
  if (decision.outcome === 'unavailable') {
    return createClientError(GatewayErrorCode.SERVICE_UNAVAILABLE, 'Rate limiting is temporarily unavailable; retry shortly.', {
      headers: { 'retry-after': '1' },
    });
  }
  const retryAfterSeconds = secondsUntilReset(decision);
  return createClientError(GatewayErrorCode.RATE_LIMITED, `Rate limit exceeded; retry after ${retryAfterSeconds} s.`, {
    headers: { 'retry-after': String(retryAfterSeconds) },
    extensions: { retryAfterSeconds },
  });
}

function record(context: GatewayContext, decision: RateLimitDecision | undefined): void {
  const previous = context.rateLimit?.decision;
  const shown = previous && decision ? moreRestrictive(previous, decision) : (decision ?? previous);
  context.rateLimit = { decision: shown };
  if (shown) setRateLimitHeaders(context.responseHeaders, shown);
}

/**
 * Operation limits (`rateLimit.operations`, by root field) and the cost-based charge need the
 * resolved operation: they are charged in `didResolveOperation`, before any subgraph is called. The
 * request itself was charged one point at the edge (the plugin's `buildContext`), so with
 * `chargeByCost` the tier bucket takes the rest of the cost here.
 */
export function createRateLimitApolloPlugin(
  limiter: RateLimiter,
  options: Pick<RateLimitOptions, 'chargeByCost' | 'operations'>,
): ApolloServerPlugin<GatewayContext> {
  const hasOperationLimits = Object.keys(options.operations).length > 0;
  const listener: GraphQLRequestListener<GatewayContext> = {
    async didResolveOperation(requestContext) {
      const context = requestContext.contextValue;
      const cost = options.chargeByCost ? context.demand?.cost : undefined;
      const extraPoints = cost === undefined ? 0 : Math.max(1, Math.ceil(cost)) - 1;
      if (!hasOperationLimits && extraPoints === 0) return;
      const decision = await limiter.decide({
        identity: context.identity,
        remoteAddress: context.incoming.remoteAddress,
        forwardedFor: context.incoming.headers['x-forwarded-for'],
        operationName: requestContext.operationName,
        rootFields:
          requestContext.operation && requestContext.document ? countRootFields(requestContext.document, requestContext.operation) : undefined,
        points: extraPoints,
      });
      record(context, decision);
      const error = refusal(decision);
      if (error) throw error;
    },
  };
  return {
    async requestDidStart() {
      return listener;
    },
  };
}

/**
 * The rate-limit capability: per-client token buckets, in memory or shared through Redis. Every
 * request to the GraphQL endpoint is charged in `buildContext`, right after authentication and
 * before its body is read or parsed, so invalid JSON, batches and broken documents count like any
 * other request, and a refused one costs almost nothing. `failedAuthGuard` is a second plugin
 * that must be placed BEFORE auth (see failed-auth.ts).
 */
export function createRateLimitPlugin(
  options: RateLimitOptions,
): GatewayPlugin & { readonly limiter: RateLimiter; readonly failedAuthGuard: GatewayPlugin } {
  const limiter = createRateLimiter(options);
  return {
    name: 'rate-limit',
    // Charges by the verified identity, and by the cost the cost plugin wrote (chargeByCost): Apollo
    // starts every plugin's didResolveOperation together, in plugin order.
    after: ['auth', 'cost'],
    limiter,
    failedAuthGuard: createFailedAuthGuard(limiter, options.credentialHeaders),
    apolloPlugins: [createRateLimitApolloPlugin(limiter, options)],
    // Fail-closed limits on Redis refuse every request while Redis is down: take this replica out of
    // rotation instead (a fail-open one serves, limiting per process).
    notReadyReason() {
      if (!options.redis || options.failOpen || options.redis.status === 'ready') return undefined;
      return 'Redis is unreachable and rate limits fail closed (rateLimit.failOpen: false)';
    },
    async buildContext(context) {
      const decision = await limiter.decide({
        identity: context.identity,
        remoteAddress: context.incoming.remoteAddress,
        forwardedFor: context.incoming.headers['x-forwarded-for'],
        operationName: undefined,
        points: 1,
      });
      record(context, decision);
      const error = refusal(decision);
      if (error) throw error;
    },
  };
}
