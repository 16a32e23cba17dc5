import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { createHandler as createSseHandler } from 'graphql-sse';
import { useServer } from 'graphql-ws/use/ws';
import { LRUCache } from 'lru-cache';
import { WebSocketServer } from 'ws';
import { createGraphQLHandler } from './graphql-handler.js';
import { readIdentity, readRequestId } from './identity.js';
import { checkSignature } from './signature.js';
import {
  type ListenOptions,
  type RunningSubgraph,
  type SubgraphContext,
  type SubgraphFaults,
  type SubgraphServer,
  type SubgraphServerOptions,
  type SubgraphStats,
} from './types.js';

const GRAPHQL_PATH = '/graphql';
const MAX_BODY_BYTES = 10 * 1024 * 1024;

class BadRequest extends Error {}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) reject(new BadRequest('Request body is larger than 10 MB.'));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function headerValue(value: string | string[] | undefined): string | null {
  return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
}

/** A request as graphql-http's and graphql-sse's handlers take it (the body already read). */
function handlerRequest(req: IncomingMessage, method: string, bodyText: string) {
  return {
    method,
    url: req.url ?? '/',
    headers: { get: (key: string) => headerValue(req.headers[key.toLowerCase()]) },
    body: bodyText,
    raw: req,
    context: undefined,
  };
}

/** The request log shows a JSON body parsed, anything else as it came (graphql-http answers it). */
function parseOrKeep(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

interface MemoizedAnswer {
  contentType: string;
  body: string;
}

/** A POST body whose operation is a mutation (the gateway writes fetches as `mutation …`). */
function isMutation(bodyText: string): boolean {
  try {
    const query = (JSON.parse(bodyText) as { query?: unknown }).query;
    return typeof query !== 'string' || /^\s*mutation\b/.test(query);
  } catch {
    return true;
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Builds a Federation 2 subgraph served on `/graphql` (POST and GET) by graphql-http's handler, behind a
 * small node:http layer for what tests need (faults, request signing, stats). Never listens by itself;
 * call `listen()`.
 */
export function createSubgraphServer<L>(options: SubgraphServerOptions<L>): SubgraphServer {
  const { name, typeDefs, resolvers, createLoaders } = options;
  // The array form takes GraphQLSchemaModule, whose resolver map is context-agnostic.
  const schema = buildSubgraphSchema([{ typeDefs, resolvers }]);
  const graphql = createGraphQLHandler(schema, (req): SubgraphContext<L> => ({
    loaders: createLoaders(),
    identity: readIdentity(req.headers),
    requestId: readRequestId(req.headers),
  }));

  async function listen({
    port = 0,
    host = '127.0.0.1',
    signingSecret,
    requestLogLimit = 0,
    memoizeResponses = 0,
  }: ListenOptions = {}): Promise<RunningSubgraph> {
    const memo = memoizeResponses > 0 ? new LRUCache<string, MemoizedAnswer>({ max: memoizeResponses }) : undefined;
    let faults: SubgraphFaults = { ...options.faults };
    let flakyFailures = 0;
    const stats: SubgraphStats = { requests: 0, abandoned: 0, requestLog: [], subscriptions: 0, subscriptionsOpened: 0 };
    const activeBySocket = new WeakMap<object, Set<string>>();

    function send(res: ServerResponse, status: number, contentType: string, body: string, headers: Record<string, string | string[]> = {}) {
      res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body), ...headers });
      res.end(body);
    }

    async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
      stats.requests++;
      res.once('close', () => {
        if (!res.writableFinished) stats.abandoned++;
      });
      const method = req.method ?? 'GET';
      const url = new URL(req.url ?? '/', 'http://subgraph');
      const bodyText = method === 'POST' ? await readBody(req) : '';
      if (requestLogLimit > 0) {
        stats.requestLog.push({ body: bodyText === '' ? Object.fromEntries(url.searchParams) : parseOrKeep(bodyText), headers: req.headers });
        if (stats.requestLog.length > requestLogLimit) stats.requestLog.shift();
      }

      if (signingSecret !== undefined) {
        const refused = checkSignature(req.headers, bodyText, signingSecret);
        if (refused)
          return send(
            res,
            401,
            'application/json; charset=utf-8',
            JSON.stringify({ errors: [{ message: `Request refused: ${refused}.`, extensions: { code: 'UNAUTHENTICATED' } }] }),
          );
      }
      if (faults.delayMs) await sleep(faults.delayMs);
      if (faults.failFirst !== undefined && flakyFailures < faults.failFirst) {
        flakyFailures++;
        const headers: Record<string, string> = faults.retryAfterSeconds === undefined ? {} : { 'retry-after': String(faults.retryAfterSeconds) };
        return send(res, 503, 'text/plain', `${name} is temporarily unavailable`, headers);
      }
      switch (faults.mode) {
        case 'down':
          req.socket.destroy();
          return;
        case 'http500':
          return send(res, 500, 'text/plain', `${name}: internal server error`);
        case 'graphqlError':
          return send(
            res,
            200,
            'application/json; charset=utf-8',
            JSON.stringify({
              data: null,
              errors: [{ message: `${name} failed`, extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
            }),
          );
        default:
          break;
      }

      if (url.pathname !== GRAPHQL_PATH) return send(res, 404, 'text/plain', 'Not Found');
      if (req.headers.accept?.includes('text/event-stream')) return streamSse(req, res, method, bodyText);
      const memoKey = memo && method === 'POST' && !isMutation(bodyText) ? `${req.headers.accept ?? ''}\n${bodyText}` : undefined;
      const replay = memoKey === undefined ? undefined : memo!.get(memoKey);
      if (replay) return send(res, 200, replay.contentType, replay.body, faults.responseHeaders);
      const [responseBody, init] = await graphql(handlerRequest(req, method, bodyText));
      const { 'content-type': contentType = 'text/plain', ...headers } = (init.headers ?? {}) as Record<string, string>;
      if (memoKey !== undefined && init.status === 200 && responseBody) memo!.set(memoKey, { contentType, body: responseBody });
      send(res, init.status, contentType, responseBody ?? '', init.status === 200 ? { ...headers, ...faults.responseHeaders } : headers);
    }

    // Subscriptions over SSE too (graphql-sse's distinct connections mode), on the same path with
    // `Accept: text/event-stream`, as Hive Gateway subscribes by default; signed like any request.
    const sse = createSseHandler<IncomingMessage, undefined, SubgraphContext<L> & Record<PropertyKey, unknown>>({
      schema,
      context: (req) => ({
        loaders: createLoaders(),
        identity: readIdentity(req.raw.headers),
        requestId: readRequestId(req.raw.headers),
      }),
    });
    async function streamSse(req: IncomingMessage, res: ServerResponse, method: string, bodyText: string): Promise<void> {
      // graphql-sse streams only for `Accept: text/event-stream` exactly; a list that names it is routed here too.
      const request = handlerRequest(req, method, bodyText);
      const [body, init] = await sse({
        ...request,
        headers: { get: (key: string) => (key.toLowerCase() === 'accept' ? 'text/event-stream' : request.headers.get(key)) },
      });
      res.writeHead(init.status, init.statusText, init.headers as Record<string, string>);
      if (!body || typeof body === 'string') return void res.end(body);
      stats.subscriptions++;
      stats.subscriptionsOpened++;
      res.once('close', () => void body.return?.(undefined));
      try {
        for await (const chunk of body) {
          if (!res.writable) break;
          await new Promise<void>((resolve, reject) => res.write(chunk, (error) => (error ? reject(error) : resolve())));
        }
      } finally {
        stats.subscriptions--;
        res.end();
      }
    }

    const server = createServer((req, res) => {
      handle(req, res).catch((error: unknown) => {
        if (res.headersSent) return void res.destroy();
        const status = error instanceof BadRequest ? 400 : 500;
        const message = error instanceof BadRequest ? error.message : 'Internal server error.';
        send(res, status, 'application/json; charset=utf-8', JSON.stringify({ errors: [{ message }] }));
      });
    });
    // Outlive typical client pool idle timeouts so clients do not reuse a socket the server is closing.
    server.keepAliveTimeout = 65_000;
    // Subscriptions: GraphQL over WebSocket (graphql-transport-ws) on the same path. With a signing
    // secret the upgrade request must be signed like any request (over an empty body).
    const sockets = new WebSocketServer({
      server,
      path: GRAPHQL_PATH,
      verifyClient: ({ req }: { req: IncomingMessage }) => signingSecret === undefined || !checkSignature(req.headers, '', signingSecret),
    });
    const subscriptions = useServer(
      {
        schema,
        context: (ctx): SubgraphContext<L> => ({
          loaders: createLoaders(),
          identity: readIdentity(ctx.extra.request.headers),
          requestId: readRequestId(ctx.extra.request.headers),
        }),
        onSubscribe(ctx, id) {
          let active = activeBySocket.get(ctx.extra.socket);
          if (!active) activeBySocket.set(ctx.extra.socket, (active = new Set()));
          active.add(id);
          stats.subscriptions++;
          stats.subscriptionsOpened++;
        },
        onComplete(ctx, id) {
          if (activeBySocket.get(ctx.extra.socket)?.delete(id)) stats.subscriptions--;
        },
        onClose(ctx) {
          stats.subscriptions -= activeBySocket.get(ctx.extra.socket)?.size ?? 0;
          activeBySocket.delete(ctx.extra.socket);
        },
      },
      sockets,
    );

    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const boundPort = (server.address() as AddressInfo).port;
    let closed = false;

    return {
      name,
      url: `http://${host}:${boundPort}${GRAPHQL_PATH}`,
      port: boundPort,
      stats,
      setFaults(next) {
        faults = { ...next };
        flakyFailures = 0;
      },
      resetStats() {
        stats.requests = 0;
        stats.abandoned = 0;
        stats.requestLog.length = 0;
      },
      async close() {
        // Idempotent: a test may close one subgraph, then all of them.
        if (closed) return;
        closed = true;
        await subscriptions.dispose();
        await new Promise<void>((resolve, reject) => {
          server.close((error) => (error ? reject(error) : resolve()));
          server.closeAllConnections();
        });
      },
    };
  }

  return { name, listen };
}
