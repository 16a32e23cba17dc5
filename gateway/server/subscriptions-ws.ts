import type { IncomingHttpHeaders, IncomingMessage, Server } from 'node:http';
import { HeaderMap, type ApolloServer } from '@apollo/server';
import type { GatewayExecutionResult } from '@apollo/server-gateway-interface';
import { GraphQLError, Kind, OperationTypeNode, type DocumentNode, type ExecutionArgs, type GraphQLFormattedError } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import { createSubgraphResponseCollector } from '../engine/index.js';
import type { GatewayPlugin } from '../plugins/plugin.js';
import type { GatewayContext } from '../request-context.js';
import type { GatewayDocumentStore } from './document-store.js';
import type { OperationLimiter } from './operation-limits.js';
import { type createSubscriptionTracker, deliverEvents, endingWith, subscriptionClientOf, tooManySubscriptions } from './subscription-events.js';

/**
 * Subscriptions over GraphQL over WebSocket (graphql-transport-ws, the `graphql-ws` library) on the
 * GraphQL path. Credentials come in `connection_init` (`authorization`, `x-api-key`, or a `headers`
 * object) and are checked by the same context plugins as an HTTP request — at connect (a refused
 * caller is closed with 4403) and again for every subscription. Each subscription then runs
 * through Apollo Server's pipeline like a request (validation, field authorization, cost); the
 * executor hands back the event stream, whose events get the same error formatting and
 * authorization patches as a `@defer` payload. Queries and mutations sent over the socket are
 * answered once, the same way.
 */

export interface SubscriptionServerOptions {
  httpServer: Server;
  path: string;
  apollo: ApolloServer<GatewayContext>;
  logger: Logger;
  plugins: readonly GatewayPlugin[];
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  /** The HTTP layer's document limits (token-bounded parse, depth, aliases…), checked before Apollo sees a document. */
  operationLimits: OperationLimiter;
  documentStore?: Pick<GatewayDocumentStore, 'prevalidate'>;
  /** Largest message a client may send (server.bodyLimitBytes); a larger one closes the socket (1009). */
  maxMessageBytes: number;
  /** The `subscriptions` config section. */
  limits: { maxPerClient: number; keepAliveMs: number };
  /** Shared with the SSE transport: the per-client cap and the metrics. */
  tracker: ReturnType<typeof createSubscriptionTracker>;
}

export interface SubscriptionServer {
  /** Closes every socket (1001 Going Away) and ends their subscriptions (the tracker drained them first). */
  dispose(): Promise<void>;
}

/** What one operation on the socket hands graphql-ws's execute/subscribe. */
interface OperationHolder {
  stream?: AsyncIterable<GatewayExecutionResult>;
  single?: GatewayExecutionResult;
}

type Extra = { socket: WebSocket; request: IncomingMessage } & Record<PropertyKey, unknown>;

const CREDENTIAL_KEYS = ['authorization', 'x-api-key'];

/** The request headers a socket's operations act with: the upgrade request's, plus the credentials of `connection_init`. */
function headersOf(request: IncomingMessage, params: Readonly<Record<string, unknown>> | undefined): IncomingHttpHeaders {
  const headers: IncomingHttpHeaders = { ...request.headers };
  const given = params?.headers;
  if (given && typeof given === 'object') {
    for (const [name, value] of Object.entries(given)) if (typeof value === 'string') headers[name.toLowerCase()] = value;
  }
  for (const [name, value] of Object.entries(params ?? {})) {
    if (CREDENTIAL_KEYS.includes(name.toLowerCase()) && typeof value === 'string') headers[name.toLowerCase()] = value;
  }
  return headers;
}

export function attachSubscriptionServer(options: SubscriptionServerOptions): SubscriptionServer {
  const { apollo, logger } = options;
  const builders = options.plugins.filter((plugin) => plugin.buildContext);
  const sockets = new WebSocketServer({ server: options.httpServer, path: options.path, maxPayload: options.maxMessageBytes });
  /** Per socket: its operations, by operation id (the abort controller; the count's end once the stream runs). */
  const running = new WeakMap<WebSocket, Map<string, { controller: AbortController; end?: () => void }>>();
  let counter = 0;

  /** Ends one operation's bookkeeping once (client complete, stream end or socket close). */
  function finish(socket: WebSocket, id: string): void {
    const operations = running.get(socket);
    const operation = operations?.get(id);
    if (!operation) return;
    operations!.delete(id);
    operation.controller.abort();
    operation.end?.();
  }

  // Keep-alive: a socket that did not answer the last ping is gone (a dead peer never sends close).
  const alive = new WeakMap<WebSocket, boolean>();
  sockets.on('connection', (socket) => {
    alive.set(socket, true);
    socket.on('pong', () => alive.set(socket, true));
  });
  const pinger =
    options.limits.keepAliveMs > 0
      ? setInterval(() => {
          for (const socket of sockets.clients) {
            if (alive.get(socket) === false) {
              socket.terminate();
              continue;
            }
            alive.set(socket, false);
            socket.ping();
          }
        }, options.limits.keepAliveMs).unref()
      : undefined;

  /** A close reason fits in 123 bytes (RFC 6455); longer messages are cut. */
  const closeReason = (message: string): string => {
    if (Buffer.byteLength(message) <= 123) return message;
    // Cut by bytes (a reason over 123 bytes makes `ws` throw), then drop a split character.
    return (
      Buffer.from(message)
        .subarray(0, 118)
        .toString('utf8')
        .replace(/\uFFFD$/, '') + '…'
    );
  };

  function newContext(extra: Extra, params: Readonly<Record<string, unknown>> | undefined, signal: AbortSignal): GatewayContext {
    const requestId = `ws-${process.pid}-${++counter}`;
    return {
      requestId,
      logger: logger.child({ requestId }),
      incoming: { method: 'POST', headers: headersOf(extra.request, params), remoteAddress: extra.request.socket.remoteAddress },
      subgraphHeaders: { 'x-request-id': requestId },
      responseHeaders: new Map(),
      requestLog: {},
      subgraphResponse: createSubgraphResponseCollector(),
      signal,
      incremental: { patches: [] },
      subscription: { stop: options.tracker.stopSignal },
    };
  }

  /** Runs the context plugins (authentication, rate limit); the refusal as a GraphQL error, or undefined. */
  async function admit(context: GatewayContext): Promise<GraphQLError | undefined> {
    try {
      for (const plugin of builders) await plugin.buildContext!(context);
      return undefined;
    } catch (error) {
      const code = (error as { extensions?: { code?: unknown }; code?: unknown }).extensions?.code ?? (error as { code?: unknown }).code;
      if (typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR') return new GraphQLError((error as Error).message, { extensions: { code } });
      context.logger.error({ err: error }, 'building the subscription context failed');
      return new GraphQLError('Internal server error.', { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    }
  }

  const server = useServer<Record<string, unknown> | undefined, Extra>(
    {
      async onConnect(ctx) {
        const probe = newContext(ctx.extra, ctx.connectionParams, new AbortController().signal);
        const refused = await admit(probe);
        if (!refused) return true;
        probe.logger.info({ code: refused.extensions.code }, 'subscription connection refused');
        // Too many connection attempts: 4429, the private-range echo of HTTP 429 (graphql-ws itself
        // closes with 4429 for too many init requests), so a client backs off instead of thinking its
        // credentials bad.
        if (refused.extensions.code === 'RATE_LIMITED') ctx.extra.socket.close(4429, closeReason(refused.message));
        // Any other refusal: 4403 Forbidden (graphql-ws's convention for a false onConnect).
        return false;
      },
      async onSubscribe(ctx, id, payload) {
        const controller = new AbortController();
        let operations = running.get(ctx.extra.socket);
        if (!operations) running.set(ctx.extra.socket, (operations = new Map()));
        const operation: { controller: AbortController; end?: () => void } = { controller };
        operations.set(id, operation);
        const context = newContext(ctx.extra, ctx.connectionParams, controller.signal);
        const refuse = (errors: GraphQLError[]) => {
          finish(ctx.extra.socket, id);
          return errors;
        };
        const refused = await admit(context);
        if (refused) return refuse([refused]);
        const client = subscriptionClientOf(context);
        if (options.tracker.full(client)) return refuse([tooManySubscriptions(options.limits.maxPerClient)]);
        // Cheap before expensive, as for HTTP: the document's limits before Apollo parses and validates it.
        const query = payload.query;
        const limited = options.operationLimits.check(
          query,
          options.documentStore && ((document) => options.documentStore!.prevalidate(query, document)),
        );
        if (limited) return refuse([new GraphQLError(limited.message, { extensions: { code: limited.code } })]);
        const result = await apollo.executeHTTPGraphQLRequest({
          httpGraphQLRequest: {
            method: 'POST',
            headers: new HeaderMap([
              ['content-type', 'application/json'],
              ['accept', 'application/json'],
            ]),
            search: '',
            body: payload,
          },
          context: async () => context,
        });
        const holder: OperationHolder = {};
        const stream = context.subscription!.stream;
        if (stream) {
          const subgraph = context.subscription!.subgraph ?? 'unknown';
          holder.stream = endingWith(
            deliverEvents(stream, context, options.formatError, () => options.tracker.countEvent(subgraph)),
            controller,
          );
          operation.end = options.tracker.begin(client, subgraph);
        } else {
          const body = result.body.kind === 'complete' ? (JSON.parse(result.body.string) as GatewayExecutionResult) : { errors: [] };
          // A refused operation (validation, authorization, cost) is an `error` message: the subscription never started.
          if (body.data === undefined && body.errors?.length) {
            return refuse(body.errors.map((error) => new GraphQLError(error.message, { extensions: (error as GraphQLFormattedError).extensions })));
          }
          holder.single = body;
        }
        // graphql-ws reads only the operation type from the document; Apollo parsed the real one.
        const document: DocumentNode = {
          kind: Kind.DOCUMENT,
          definitions: [
            {
              kind: Kind.OPERATION_DEFINITION,
              operation: holder.stream ? OperationTypeNode.SUBSCRIPTION : OperationTypeNode.QUERY,
              selectionSet: { kind: Kind.SELECTION_SET, selections: [] },
            },
          ],
        };
        return { schema: undefined as never, document, contextValue: holder } as ExecutionArgs;
      },
      execute: (args) => (args.contextValue as OperationHolder).single as never,
      subscribe: (args) => ((args.contextValue as OperationHolder).stream ?? (args.contextValue as OperationHolder).single) as never,
      onComplete(ctx, id) {
        finish(ctx.extra.socket, id);
      },
      onClose(ctx) {
        for (const id of [...(running.get(ctx.extra.socket)?.keys() ?? [])]) finish(ctx.extra.socket, id);
        running.delete(ctx.extra.socket);
      },
    },
    sockets,
  );

  return {
    async dispose() {
      if (pinger) clearInterval(pinger);
      for (const socket of sockets.clients) socket.close(1001, 'The gateway is shutting down.');
      await server.dispose();
    },
  };
}
