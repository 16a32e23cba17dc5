import type { IncomingHttpHeaders } from 'node:http';
import type { DocumentNode } from 'graphql';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';

/**
 * Test-only fault injection (hive-gateway `subgraph-down` style). Applied per request, in this order:
 * `delayMs`, then `failFirst`, then `mode`.
 */
export interface SubgraphFaults {
  /** Delay every response by this many milliseconds. Default 0. */
  delayMs?: number;
  /**
   * `ok` (default) answers normally; `down` destroys the socket without answering; `http500` answers
   * HTTP 500 with a plain-text body; `graphqlError` answers 200 with `{ data: null, errors: [...] }`.
   */
  mode?: 'ok' | 'down' | 'http500' | 'graphqlError';
  /** The first N requests (counted from the last `setFaults`) answer 503 (flaky). Default 0. */
  failFirst?: number;
  /** Sets `Retry-After` (seconds) on the `failFirst` 503s. Default: header absent. */
  retryAfterSeconds?: number;
  /** Extra headers on successful GraphQL answers (e.g. `set-cookie`, `cache-control`). Default none. */
  responseHeaders?: Record<string, string | string[]>;
}

/** Who is calling, as asserted by the gateway through the identity headers. */
export interface Identity {
  userId?: string;
  scopes: string[];
  clientId?: string;
}

/** The per-request context every resolver receives. */
export interface SubgraphContext<L> {
  loaders: L;
  /** `null` when no identity header was sent (anonymous). */
  identity: Identity | null;
  requestId?: string;
}

/** Resolver map typed against this subgraph's context. */
export type SubgraphResolvers<L> = GraphQLResolverMap<SubgraphContext<L>>;

export interface SubgraphServerOptions<L> {
  name: string;
  typeDefs: DocumentNode;
  resolvers: SubgraphResolvers<L>;
  /** Called once per request so DataLoader caches never outlive a request. */
  createLoaders: () => L;
  faults?: SubgraphFaults;
}

export interface SubgraphRequestLogEntry {
  body: unknown;
  headers: IncomingHttpHeaders;
}

export interface SubgraphStats {
  /** Every HTTP request that reached the server, faulty answers included. */
  requests: number;
  /** Requests whose client (the gateway) closed the connection before the answer was sent. */
  abandoned: number;
  /** The last `requestLogLimit` requests (see ListenOptions), oldest first; empty when that is 0. */
  requestLog: SubgraphRequestLogEntry[];
  /** Subscriptions running now over WebSocket (an ended one, by the client or the socket, is not counted). */
  subscriptions: number;
  /** Subscriptions ever started (both protocols), for tests that must tell "never subscribed" apart. */
  subscriptionsOpened: number;
}

export interface RunningSubgraph {
  name: string;
  /** `http://<host>:<port>/graphql` */
  url: string;
  port: number;
  stats: SubgraphStats;
  setFaults(faults: SubgraphFaults): void;
  resetStats(): void;
  close(): Promise<void>;
}

export interface ListenOptions {
  /** Default 0 (ephemeral). */
  port?: number;
  /** Default `127.0.0.1`. */
  host?: string;
  /**
   * The gateway's request-signing secret: when set, unsigned, badly signed or stale (> 5 min)
   * requests get 401 and identity headers are trusted only on signed requests. Default: unset.
   */
  signingSecret?: string;
  /**
   * Keep the last N request bodies and headers in `stats.requestLog`, for tests. They hold bearer
   * tokens, so default 0 = off; `stats.requests` is always counted.
   */
  requestLogLimit?: number;
  /**
   * Benchmarks only: replay the answer to a query body seen before (up to this many bodies), as the
   * public gateways benchmark's fast subgraphs do, so the gateway rather than the subgraphs is what a
   * benchmark measures. Answers are shared whatever the headers (identity-dependent fields such as
   * `me` too); mutations are never replayed. Default 0 = off.
   */
  memoizeResponses?: number;
}

/** A built subgraph that has not bound a port yet. */
export interface SubgraphServer {
  name: string;
  listen(options?: ListenOptions): Promise<RunningSubgraph>;
}

/** The request log size the test helpers turn on (`ListenOptions.requestLogLimit`); off by default. */
export const REQUEST_LOG_LIMIT = 200;

/** Counters every in-memory repository keeps, so tests can assert batching. */
export interface RepositoryStats {
  /** Calls to a batch (`...ByIds` / `...ByKeys`) method — one per DataLoader batch. */
  batchLoads: number;
  /** Keys requested across all batch calls. */
  keysLoaded: number;
}

export function createRepositoryStats(): RepositoryStats {
  return { batchLoads: 0, keysLoaded: 0 };
}
