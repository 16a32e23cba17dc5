import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from '../request-context.js';
import type { SupergraphModel } from '../supergraph/index.js';

/**
 * The document of a GraphQL request as the client named it, before any parse: `prepareRequest`
 * hooks resolve `query` from an id (persisted documents, APQ) or refuse the request.
 */
export interface GraphQLRequestDocument {
  query: string | undefined;
  /** `documentId` (GraphQL-over-HTTP persisted documents, Hive, Relay-style clients). */
  documentId: string | undefined;
  /** `extensions.persistedQuery.sha256Hash` (Apollo's APQ and persisted query lists). */
  apqHash: string | undefined;
}

/**
 * One capability switched on by config (auth, rate limits, playground, …). The server assembles the
 * enabled plugins in one place (server/plugins.ts); each hook is optional.
 */
export interface GatewayPlugin {
  name: string;
  /**
   * Names of plugins this one must run after, in every hook (context building, Apollo's hooks),
   * when they are enabled. The order is part of each plugin's contract, not of an array.
   */
  after?: readonly string[];
  /** Apollo Server plugins (limits and cost belong in `didResolveOperation`). */
  apolloPlugins?: ApolloServerPlugin<GatewayContext>[];
  /**
   * Adds to the context before the operation runs (identity, subgraph headers). Throwing a coded
   * GraphQLError with `extensions.http.status` ends the request with that status.
   */
  buildContext?(context: GatewayContext): void | Promise<void>;
  /**
   * Told when a `buildContext` (this plugin's or another's) threw, before the error is answered;
   * it cannot change the answer (e.g. rate limiting counts failed authentications here).
   */
  onContextError?(context: GatewayContext, error: unknown): void | Promise<void>;
  /**
   * Linked feature URLs (`https://specs.apollo.dev/authenticated/v0.1`) this plugin enforces: a
   * supergraph linking them `for: SECURITY` loads while the plugin is on, and fails closed otherwise.
   */
  enforcesFeatures?: ReadonlySet<string>;
  /**
   * Headers to add to a subgraph request, computed over the exact body string sent and the headers
   * already set (auth signs requests here). At most one plugin should provide it.
   */
  signSubgraphRequest?(body: string, headers: Readonly<Record<string, string>>): Record<string, string>;
  /**
   * Resolves or checks the request's document before its limits are checked and Apollo parses it;
   * may set `request.query`. Throwing a coded GraphQLError (with `extensions.http.status`) refuses it.
   */
  prepareRequest?(request: GraphQLRequestDocument, context: GatewayContext): void | Promise<void>;
  /**
   * Told every supergraph, parsed once, right before the engine is given it (start and reloads):
   * derive what you read from it here (authorization rules, cost model), keyed by `model.sdl` — the
   * `coreSupergraphSdl` Apollo's `schemaDidLoadOrUpdate` then reports — so in-flight requests keep theirs.
   */
  onSupergraph?(model: SupergraphModel): void;
  /**
   * Why this gateway should not receive traffic now (`/ready` answers 503 with the reason), or
   * undefined when the plugin can serve: e.g. Redis unreachable while a fail-closed feature needs it.
   */
  notReadyReason?(): string | undefined;
  /** Loads what the plugin needs before the gateway serves (throwing fails the start). */
  start?(): Promise<void>;
  /** Serves an HTTP route of its own; returns true when it answered. */
  handleHttp?(request: IncomingMessage, response: ServerResponse, url: URL): boolean | Promise<boolean>;
  /** Releases resources at shutdown (connections, timers). */
  stop?(): Promise<void>;
}
