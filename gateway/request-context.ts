import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from 'pino';
import type { SubgraphRequestContext } from './subgraph-client/index.js';

/** Facts about the incoming HTTP request that plugins may decide on. */
export interface IncomingRequestInfo {
  method: string;
  headers: IncomingHttpHeaders;
  /** The TCP peer's address (not X-Forwarded-For: trusting that is a plugin's decision). */
  remoteAddress: string | undefined;
}

/**
 * The per-request context every Apollo hook and subgraph fetch sees. Plugins add their own fields
 * through declaration merging rather than module globals.
 */
export interface GatewayContext extends SubgraphRequestContext {
  requestId: string;
  logger: Logger;
  incoming: IncomingRequestInfo;
  /** Mutable: extensions add headers for subgraphs here while the context is built. */
  subgraphHeaders: Record<string, string>;
  /**
   * Facts gathered while the request runs, for the one request log line. A nested object because
   * Apollo Server shallow-clones the context value: top-level writes in hooks would be lost.
   */
  requestLog: { operationName?: string | null };
}
