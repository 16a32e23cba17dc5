import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from 'pino';
import type { SubgraphRequestContext } from './engine/index.js';

/** Facts about the incoming HTTP request that plugins may decide on. */
export interface IncomingRequestInfo {
  method: string;
  headers: IncomingHttpHeaders;
  /** The TCP peer's address (not X-Forwarded-For: trusting that is a plugin's decision). */
  remoteAddress: string | undefined;
}

/** Who is calling, as verified by the auth plugin (anonymous when no credential was presented). */
export interface CallerIdentity {
  kind: 'jwt' | 'api-key' | 'anonymous';
  /** JWT `sub`. */
  subject?: string;
  /** API key's client id (or a JWT's `client_id`/`azp` claim). */
  clientId?: string;
  scopes: readonly string[];
  /** Rate-limit tier: `anonymous`, `authenticated`, or one named by the API key's config. */
  tier: string;
}

/**
 * The per-request context every Apollo hook and subgraph fetch sees. Plugins declare their own
 * fields by declaration merging (`declare module '…/request-context.js'`), beside the code that sets
 * them: auth's `identity`, cost's `demand`, rate limit's `rateLimit`, persisted documents' `apqRegistration`.
 */
export interface GatewayContext extends SubgraphRequestContext {
  requestId: string;
  logger: Logger;
  incoming: IncomingRequestInfo;
  /** Mutable: extensions add headers for subgraphs here while the context is built. */
  subgraphHeaders: Record<string, string>;
  /** Headers every answer to this request carries, whoever writes it (RateLimit fields, …). */
  responseHeaders: Map<string, string>;
  /**
   * Facts gathered while the request runs, for the one request log line. A nested object because
   * Apollo Server shallow-clones the context value: top-level writes in hooks would be lost.
   */
  requestLog: {
    operationName?: string | null;
    estimatedCost?: number;
    /** The response holds only parse/validation/variable errors (GraphQL-over-HTTP status rule). */
    requestErrorsOnly?: boolean;
  };
}
