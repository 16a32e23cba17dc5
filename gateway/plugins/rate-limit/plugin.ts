import type { ApolloServerPlugin, GraphQLRequestContext, GraphQLRequestListener } from '@apollo/server';
import type { GraphQLError } from 'graphql';
import { createClientError, GatewayErrorCode } from '../../errors.js';
import type { GatewayExtension } from '../../extension.js';
import type { GatewayContext } from '../../request-context.js';
import { secondsUntilReset, setRateLimitHeaders } from './headers.js';
import { createFailedAuthGuard } from './failed-auth.js';
import { createRateLimiter, type RateLimitDecision, type RateLimiter } from './limiter.js';
import type { RateLimitOptions } from './options.js';
import { countRootFields } from './root-fields.js';

type RequestContext = GraphQLRequestContext<GatewayContext>;

function refusal(decision: RateLimitDecision): GraphQLError | undefined {
  if (decision.outcome === 'allowed') return undefined;
  if (decision.outcome === 'unavailable') {
    return createClientError(GatewayErrorCode.SERVICE_UNAVAILABLE, 'Rate limiting is temporarily unavailable; retry shortly.', {
      httpStatus: 503,
      headers: { 'retry-after': '1' },
    });
  }
  // The RateLimit-* fields are added in willSendResponse, as on every other response.
  const retryAfterSeconds = secondsUntilReset(decision);
  return createClientError(GatewayErrorCode.RATE_LIMITED, `Rate limit exceeded; retry after ${retryAfterSeconds} s.`, {
    httpStatus: 429,
    headers: { 'retry-after': String(retryAfterSeconds) },
    extensions: { retryAfterSeconds },
  });
}

/**
 * Maps limiter decisions onto Apollo hooks. Charging happens in `didResolveOperation` (the operation
 * name is known, no subgraph has been called); a refusal ends the request there with 429 or 503.
 * Requests that fail earlier (parse or validation errors) are charged in `willSendResponse`, so a
 * flood of invalid documents is cut too. Every response then carries the RateLimit headers.
 */
export function createRateLimitPlugin(limiter: RateLimiter, options: Pick<RateLimitOptions, 'chargeByCost'>): ApolloServerPlugin<GatewayContext> {
  // Keyed by the request context (one per request), so the hooks object itself is shared, not rebuilt.
  const decisions = new WeakMap<RequestContext, Promise<RateLimitDecision>>();
  const decide = (requestContext: RequestContext): Promise<RateLimitDecision> => {
    const context = requestContext.contextValue;
    const cost = options.chargeByCost ? context.demand?.cost : undefined;
    const pending = limiter.decide({
      identity: context.identity,
      remoteAddress: context.incoming.remoteAddress,
      forwardedFor: context.incoming.headers['x-forwarded-for'],
      operationName: requestContext.operationName,
      rootFields: requestContext.operation && requestContext.document ? countRootFields(requestContext.document, requestContext.operation) : undefined,
      points: cost === undefined ? 1 : Math.max(1, Math.ceil(cost)),
    });
    decisions.set(requestContext, pending);
    return pending;
  };
  const listener: GraphQLRequestListener<GatewayContext> = {
    async didResolveOperation(requestContext) {
      const error = refusal(await decide(requestContext));
      if (error) throw error;
    },
    async willSendResponse(requestContext) {
      const charged = decisions.get(requestContext);
      const decision = await (charged ?? decide(requestContext));
      const { response } = requestContext;
      setRateLimitHeaders(response.http.headers, decision);
      if (charged) return;
      const error = refusal(decision);
      if (!error) return;
      // Charged late (the request failed before its operation was known): the refusal replaces the body.
      // createClientError always sets both status and headers (a Map) here.
      const { http, ...extensions } = error.extensions as unknown as { http: { status: number; headers: Map<string, string> } };
      for (const [name, value] of http.headers) response.http.headers.set(name, value);
      response.http.status = http.status;
      response.body = { kind: 'single', singleResult: { errors: [{ message: error.message, extensions }] } };
    },
  };
  return {
    async requestDidStart() {
      return listener;
    },
  };
}

/**
 * The rate-limit capability: per-client token buckets, in memory or shared through Redis.
 * `failedAuthGuard` is a second extension that must be placed BEFORE auth (see failed-auth.ts).
 */
export function createRateLimitExtension(
  options: RateLimitOptions,
): GatewayExtension & { readonly limiter: RateLimiter; readonly failedAuthGuard: GatewayExtension } {
  const limiter = createRateLimiter(options);
  return {
    name: 'rate-limit',
    limiter,
    failedAuthGuard: createFailedAuthGuard(limiter, options.credentialHeaders),
    plugins: [createRateLimitPlugin(limiter, options)],
  };
}
