import { createPublicKey } from 'node:crypto';
import type { AuthConfig, GatewaySecrets } from '../../config/index.js';
import { createClientError, GatewayErrorCode } from '../../errors.js';
import type { GatewayPlugin } from '../plugin.js';
import type { Logger } from '../../observability/index.js';
import type { CallerIdentity } from '../../request-context.js';
import { createApiKeyStore } from './api-keys.js';
import { ANONYMOUS, createAuthenticator } from './authenticator.js';
import { createAuthorizationApolloPlugin } from './authorization-plugin.js';
import { forwardIdentity } from './identity-headers.js';
import { createJwtVerifier } from './jwt-verifier.js';
import { AUTHORIZATION_FEATURES } from './security-links.js';
import { signSubgraphRequest } from './signing.js';

export interface AuthPluginOptions {
  config: AuthConfig;
  /** The secrets the auth section names, read by loadConfig (`config.secrets`). */
  secrets: GatewaySecrets;
  logger: Logger;
  /** Byte budget of the authorization filter's cache (`caches.authorizationFilterBytes`). */
  filterCacheBytes?: number;
}

declare module '../../request-context.js' {
  interface GatewayContext {
    /** Who is calling, verified in `buildContext` (anonymous without a credential); undefined when auth is off. */
    identity?: CallerIdentity;
  }
}

/** One generic message: which check failed goes to the debug log, never to the caller. */
export const INVALID_CREDENTIALS_MESSAGE = 'Invalid or expired credentials.';

/**
 * The auth capability: authenticates in `buildContext` (401 UNAUTHENTICATED for a bad credential,
 * or for none in `required` mode), enforces the supergraph's authorization directives, forwards the
 * verified identity to subgraphs and signs every subgraph request when a signing secret is set.
 */
export function createAuthPlugin(options: AuthPluginOptions): GatewayPlugin {
  const { config, logger } = options;
  const { secrets } = options;
  const jwt = createJwtVerifier({
    secret: secrets.jwtSecret === undefined ? undefined : new TextEncoder().encode(secrets.jwtSecret),
    // loadConfig has checked that it parses.
    publicKey: config.jwt.publicKey ? createPublicKey(config.jwt.publicKey) : undefined,
    jwksUrl: config.jwt.jwksUrl ? new URL(config.jwt.jwksUrl) : undefined,
    algorithms: config.jwt.algorithms,
    issuer: config.jwt.issuer as string | string[] | undefined,
    audience: config.jwt.audience as string | string[] | undefined,
    clockToleranceSeconds: config.jwt.clockToleranceSeconds,
    jwksTimeoutMs: config.jwt.jwksTimeoutMs,
    jwksCooldownMs: config.jwt.jwksCooldownMs,
    jwksCacheMaxAgeMs: config.jwt.jwksCacheMaxAgeMs,
  });
  const authenticator = createAuthenticator({
    apiKeyHeader: config.apiKeys.header,
    apiKeys: createApiKeyStore(config.apiKeys.keys),
    jwt,
    tokenCacheSize: config.tokenCacheSize,
    tokenCacheMaxTtlSeconds: config.tokenCacheMaxTtlSeconds,
  });
  logger.info(
    { mode: config.mode, jwt: jwt.enabled, apiKeys: config.apiKeys.keys.length, signing: secrets.signingSecret !== undefined },
    'auth enabled',
  );
  const unauthenticated = (message: string) =>
    createClientError(GatewayErrorCode.UNAUTHENTICATED, message, { headers: { 'www-authenticate': 'Bearer' } });
  const signingSecret = secrets.signingSecret;
  const authorization = createAuthorizationApolloPlugin({ cacheBytes: options.filterCacheBytes });

  return {
    name: 'auth',
    // The failed-authentication guard refuses an exhausted IP before any credential is verified.
    after: ['rate-limit-failed-auth'],
    apolloPlugins: [authorization],
    onSupergraph: (supergraph) => authorization.onSupergraph(supergraph),
    enforcesFeatures: AUTHORIZATION_FEATURES,
    async buildContext(context) {
      const outcome = await authenticator.authenticate(context.incoming.headers);
      switch (outcome.kind) {
        case 'invalid':
          context.logger.debug({ reason: outcome.reason }, 'credential rejected');
          throw unauthenticated(INVALID_CREDENTIALS_MESSAGE);
        case 'unavailable':
          context.logger.warn({ reason: outcome.reason }, 'credential could not be verified: key set unavailable');
          throw createClientError(GatewayErrorCode.SERVICE_UNAVAILABLE, 'Credentials cannot be verified right now; retry shortly.', {
            headers: { 'retry-after': '5' },
          });
        case 'anonymous':
          if (config.mode === 'required') {
            context.logger.debug({ reason: 'no credential presented' }, 'credential rejected');
            throw unauthenticated('Authentication required: send a bearer token or an API key.');
          }
          context.identity = ANONYMOUS;
          break;
        case 'ok':
          context.identity = outcome.identity;
          break;
      }
      forwardIdentity(context.subgraphHeaders, context.identity, config.forwardIdentity, outcome.kind === 'ok' ? outcome.token : undefined);
    },
    signSubgraphRequest: signingSecret ? (body, headers) => signSubgraphRequest(body, headers, signingSecret) : undefined,
  };
}
