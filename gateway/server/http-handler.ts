import type { IncomingMessage, ServerResponse } from 'node:http';
import compression from 'compression';
import { HeaderMap, type ApolloServer, type HTTPGraphQLResponse } from '@apollo/server';
import type { GraphQLError, GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { resolveRequestId, type Tracing } from '../observability/index.js';
import { ERROR_STATUS, GatewayErrorCode, type ClientErrorCode } from '../errors.js';
import type { GatewayPlugin } from '../plugins/plugin.js';
import type { GatewayContext } from '../request-context.js';
import { applySubgraphResponseHeaders, createSubgraphResponseCollector, RequestDeadlineError } from '../engine/index.js';
import { getParamsAsBody, readGraphQLRequest, withResolvedDocument } from './graphql-request.js';
import { BodyTooLargeError, discardBody, readBody } from './http-body.js';
import type { GatewayDocumentStore } from './document-store.js';
import type { OperationLimiter } from './operation-limits.js';
import { acceptsIncremental, writeIncrementalResponse } from './incremental-response.js';
import { acceptsEventStream, writeEventStream, type SseOptions } from './subscriptions-sse.js';
import { subscriptionClientOf, tooManySubscriptions } from './subscription-events.js';

export interface HttpHandlerOptions {
  apollo: ApolloServer<GatewayContext>;
  graphqlPath: string;
  bodyLimitBytes: number;
  logger: Logger;
  logRequests: boolean;
  plugins: readonly GatewayPlugin[];
  /** Checks each document's limits before Apollo parses and validates it. */
  operationLimits: OperationLimiter;
  /** Takes the documents the limits check parsed, so Apollo does not parse them again. */
  documentStore?: Pick<GatewayDocumentStore, 'prevalidate'>;
  /**
   * Why the gateway should not receive traffic now (no supergraph yet, draining, a fail-closed
   * dependency down): `/ready` and `/health` answer 503 with them; empty means ready.
   */
  notReadyReasons: () => string[];
  /** Response compression for the GraphQL endpoint (server.compression); undefined when off. */
  compression?: { thresholdBytes: number };
  /** CORS for the GraphQL endpoint (see cors.ts); undefined when no origin is allowed. */
  cors?: (request: IncomingMessage, response: ServerResponse) => Promise<boolean>;
  /** OpenTelemetry traces (tracing.enabled): a server span per GraphQL request. */
  tracing?: Tracing;
  /** A request's deadline (server.requestTimeoutMs): its signal aborts then, cutting the fetches still running. */
  requestTimeoutMs: number;
  /** Subscriptions over SSE (with the WebSocket transport's tracker); undefined when subscriptions are off. */
  subscriptions?: SseOptions & { maxPerClient: number };
  /** Apollo Server's formatError, for the errors of `@defer` payloads written after Apollo's answer. */
  formatError?: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
}

/** One error body, as every answer the HTTP layer writes itself; `status` defaults to the code's. */
interface ErrorAnswer {
  status?: number;
  code: ClientErrorCode;
  message: string;
  headers?: Record<string, string>;
  extensions?: Record<string, unknown>;
  locations?: ReadonlyArray<{ line: number; column: number }>;
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  writeJson(response, status, body, headers);
  response.end();
}

/** Head and body of a JSON answer, without ending the response (the caller ends it). */
function writeJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  response.write(text);
}

const statusOf = (answer: ErrorAnswer): number => answer.status ?? ERROR_STATUS[answer.code] ?? 500;

function writeError(response: ServerResponse, answer: ErrorAnswer, headers: Record<string, string>): void {
  const error = {
    message: answer.message,
    ...(answer.locations ? { locations: answer.locations } : {}),
    extensions: { ...answer.extensions, code: answer.code },
  };
  writeJson(response, statusOf(answer), { errors: [error] }, { ...headers, ...answer.headers });
}

function sendError(response: ServerResponse, answer: ErrorAnswer, headers: Record<string, string>): void {
  writeError(response, answer, headers);
  response.end();
}

function toHeaderMap(request: IncomingMessage): HeaderMap {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}

/** A client accepting only the legacy media type reads 4xx bodies poorly: GraphQL-over-HTTP says 200. */
function prefersLegacyJson(request: IncomingMessage): boolean {
  return !(request.headers.accept ?? '').includes('application/graphql-response+json');
}

/** A coded client error thrown by a context builder (auth, rate limit) as the answer to send. */
function answerOf(error: unknown): ErrorAnswer | undefined {
  const extensions = (error as GraphQLError | undefined)?.extensions;
  const code = extensions?.code;
  if (typeof code !== 'string') return undefined;
  const { http, ...rest } = extensions as { http?: { status?: number; headers?: Map<string, string> } } & Record<string, unknown>;
  return {
    status: http?.status,
    code: code as ClientErrorCode,
    message: (error as Error).message,
    headers: http?.headers ? Object.fromEntries(http.headers) : undefined,
    extensions: Object.fromEntries(Object.entries(rest).filter(([key]) => key !== 'code')),
  };
}

async function writeGraphQLResponse(
  response: ServerResponse,
  result: HTTPGraphQLResponse,
  status: number,
  context: GatewayContext,
  formatError: HttpHandlerOptions['formatError'],
): Promise<void> {
  for (const [name, value] of result.headers) response.setHeader(name, value);
  for (const [name, value] of context.responseHeaders) response.setHeader(name, value);
  if (result.body.kind === 'complete' && status === 200 && context.incremental?.subsequent) {
    return writeIncrementalResponse(response, result.body.string, context.incremental, formatError);
  }
  if (result.body.kind === 'complete') {
    // Encoded once: JSON.stringify's output is a rope, and both Buffer.byteLength and node:http (which
    // prepends the head to a string body) would each flatten a copy of it — two body-sized copies a request.
    const body = Buffer.from(result.body.string, 'utf8');
    response.setHeader('content-length', body.length);
    response.writeHead(status);
    response.end(body);
    return;
  }
  response.writeHead(status);
  for await (const chunk of result.body.asyncIterator) response.write(chunk);
  response.end();
}

/**
 * The node:http request listener: /live, /ready and /health, plugin routes (playground, metrics), and the GraphQL
 * endpoint. Cheap before expensive, for every request: route and method → context (authentication,
 * then the rate limit, from headers alone) → body size → JSON shape → document limits (token-bounded
 * parse, linear measures) → Apollo Server (validation, plugins, planning, execution). Each refusal
 * is answered where it happens, with a code, the request id and the RateLimit fields.
 */
export function createHttpHandler(options: HttpHandlerOptions): (request: IncomingMessage, response: ServerResponse) => void {
  const { apollo, logger } = options;
  const routes = options.plugins.filter((e) => e.handleHttp);
  const contextBuilders = options.plugins.filter((e) => e.buildContext);
  const contextErrorHooks = options.plugins.filter((e) => e.onContextError);
  const documentPreparers = options.plugins.filter((e) => e.prepareRequest);
  // The `compression` package wraps the response's writeHead/write/end; it negotiates Accept-Encoding
  // (brotli first, quality 4; then gzip), skips small bodies and sets Vary.
  const compress = options.compression ? compression({ threshold: options.compression.thresholdBytes }) : undefined;

  async function buildContext(context: GatewayContext): Promise<ErrorAnswer | undefined> {
    try {
      for (const plugin of contextBuilders) await plugin.buildContext!(context);
      return undefined;
    } catch (error) {
      for (const plugin of contextErrorHooks) {
        try {
          await plugin.onContextError!(context, error);
        } catch (hookError) {
          context.logger.error({ err: hookError, plugin: plugin.name }, 'onContextError hook failed');
        }
      }
      const answer = answerOf(error);
      if (answer) return answer;
      context.logger.error({ err: error }, 'building the request context failed');
      return { code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error.' };
    }
  }

  async function handleGraphQL(request: IncomingMessage, response: ServerResponse, url: URL, requestId: string, started: number): Promise<void> {
    const method = request.method!;
    // One signal per request for every subgraph query fetch it makes: aborted when the client goes
    // away before its answer was sent, or when the request's deadline passes (then the answer still
    // goes out, with SUBGRAPH_TIMEOUT where fetches were cut).
    const cancel = new AbortController();
    const deadline = setTimeout(() => cancel.abort(new RequestDeadlineError(options.requestTimeoutMs)), options.requestTimeoutMs);
    deadline.unref();
    const trace = options.tracing?.startRequest(method, url.pathname, request.headers);
    response.once('close', () => {
      clearTimeout(deadline);
      if (!response.writableFinished) cancel.abort(new DOMException('The client closed the connection.', 'AbortError'));
      if (trace) {
        trace.server.setAttributes({ 'http.response.status_code': response.statusCode });
        if (!response.writableFinished) trace.server.fail('CLIENT_CLOSED_REQUEST', 'The client closed the connection.');
        else if (response.statusCode >= 500) trace.server.fail(String(response.statusCode));
        trace.server.end();
      }
    });
    const context: GatewayContext = {
      requestId,
      // The trace id on every line this request logs.
      logger: logger.child(trace ? { requestId, traceId: trace.traceId } : { requestId }),
      trace,
      incoming: { method, headers: request.headers, remoteAddress: request.socket.remoteAddress },
      subgraphHeaders: { 'x-request-id': requestId },
      responseHeaders: new Map([['x-request-id', requestId]]),
      requestLog: {},
      subgraphResponse: createSubgraphResponseCollector(),
      signal: cancel.signal,
    };
    let status = 200;
    const finish = () => {
      if (!options.logRequests) return;
      context.logger.info(
        {
          operationName: context.requestLog.operationName ?? undefined,
          estimatedCost: context.requestLog.estimatedCost,
          status,
          durationMs: Math.round((performance.now() - started) * 10) / 10,
        },
        'request completed',
      );
    };
    const refuse = async (answer: ErrorAnswer, drain: boolean) => {
      status = statusOf(answer);
      // The answer goes out at once (the client reads it while still sending); the response ends only
      // once what is left of the body is read and dropped (up to a cap): ending earlier closes the
      // socket under a client still writing, which then sees a reset instead of this answer.
      writeError(response, answer, Object.fromEntries(context.responseHeaders));
      if (drain) await discardBody(request);
      response.end();
      finish();
    };

    const refused = await buildContext(context);
    if (refused) return refuse(refused, method === 'POST');
    let text = '';
    if (method === 'POST') {
      try {
        text = await readBody(request, options.bodyLimitBytes);
      } catch (error) {
        if (!(error instanceof BodyTooLargeError)) throw error;
        return refuse({ code: GatewayErrorCode.REQUEST_TOO_LARGE, message: error.message, headers: { connection: 'close' } }, true);
      }
    }
    const read = readGraphQLRequest(method, url.searchParams, text, request.headers['content-type']);
    if (read.kind === 'invalid') return refuse({ code: 'BAD_REQUEST', message: read.message }, false);
    let apolloBody = read.body;
    let search = url.search;
    if (read.kind === 'graphql' && documentPreparers.length > 0) {
      const document = { query: read.params.query, documentId: read.params.documentId, apqHash: read.params.apqHash };
      try {
        for (const plugin of documentPreparers) await plugin.prepareRequest!(document, context);
      } catch (error) {
        const answer = answerOf(error);
        if (!answer) throw error;
        return refuse(answer, false);
      }
      if (
        document.query !== undefined &&
        (document.query !== read.params.query || document.documentId !== undefined || document.apqHash !== undefined)
      ) {
        ({ body: apolloBody, search } = withResolvedDocument(method, url.searchParams, read.body, document.query));
      }
      read.params.query = document.query;
    }
    if (read.kind === 'graphql' && read.params.query !== undefined) {
      const query = read.params.query;
      // Parsed (token-bounded) and, with the document store, validated here: Apollo then skips both.
      const parseSpan = trace?.startSpan('graphql.parse', { attributes: { 'switchyard.validated': options.documentStore !== undefined } });
      const limited = options.operationLimits.check(
        query,
        options.documentStore && ((document) => options.documentStore!.prevalidate(query, document)),
      );
      if (parseSpan) {
        if (limited) parseSpan.fail(limited.code, limited.message);
        parseSpan.end();
      }
      if (limited) {
        const parseFailed = limited.code === 'GRAPHQL_PARSE_FAILED';
        return refuse(
          {
            status: parseFailed && prefersLegacyJson(request) ? 200 : 400,
            code: limited.code,
            message: limited.message,
            locations: limited.locations,
            extensions: limited.limit ? { limit: limited.limit.name, max: limited.limit.max } : undefined,
          },
          false,
        );
      }
    }
    const headers = toHeaderMap(request);
    if (acceptsIncremental(request)) {
      // The executor defers only for clients reading multipart; Apollo negotiates the initial payload as JSON.
      context.incremental = { patches: [] };
      if (!/application\/(graphql-response\+)?json/.test(headers.get('accept')!)) headers.set('accept', `${headers.get('accept')}, application/json`);
    }
    const events = options.subscriptions && acceptsEventStream(request) ? options.subscriptions : undefined;
    if (events) {
      // SSE: a subscription's events stream back; anything else is answered as JSON, as for any request.
      const client = subscriptionClientOf(context);
      if (events.tracker.full(client))
        return refuse({ status: 429, code: 'RATE_LIMITED', message: tooManySubscriptions(events.maxPerClient).message }, false);
      context.subscription = { stop: events.tracker.stopSignal };
      context.incremental ??= { patches: [] };
      headers.set('accept', `${headers.get('accept')}, application/json`);
    }
    // GraphiQL subscribes with GET; Apollo takes only queries by GET, so the stream's request reaches it as
    // the equivalent POST (its params read from the URL). Mutations stay refused: they are not subscriptions.
    const asPost = events !== undefined && method === 'GET' && read.kind === 'graphql';
    if (asPost) {
      headers.set('content-type', 'application/json');
      apolloBody = getParamsAsBody(url.searchParams, read.params.query);
      search = '';
    }
    const result = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: asPost ? 'POST' : method, headers, search, body: apolloBody },
      context: async () => context,
    });
    const stream = context.subscription?.stream;
    if (events && stream && (result.status ?? 200) === 200) {
      // Subscriptions outlive the request deadline; the client's leaving still ends them (the close handler).
      clearTimeout(deadline);
      for (const [name, value] of context.responseHeaders) response.setHeader(name, value);
      await writeEventStream(response, stream, context, subscriptionClientOf(context), events);
      finish();
      return;
    }
    applySubgraphResponseHeaders(context.subgraphResponse, result.headers, response);
    status = result.status ?? 200;
    if (status === 400 && context.requestLog.requestErrorsOnly && result.headers.get('content-type')?.startsWith('application/json')) status = 200;
    await writeGraphQLResponse(response, result, status, context, options.formatError);
    finish();
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const started = performance.now();
    const requestId = resolveRequestId(request.headers['x-request-id']);
    const idHeader = { 'x-request-id': requestId };
    const fail = (answer: ErrorAnswer) => sendError(response, answer, idHeader);
    // `new URL` throws on a malformed absolute-form target (`GET http://[zz/graphql`): a client error.
    const url = parseTarget(request.url);
    if (!url) return fail({ code: 'BAD_REQUEST', message: 'Request target is not a valid URL.' });
    // Kubernetes-style probes: /live while the process serves HTTP at all, /ready (and /health, its
    // alias) while it should receive traffic.
    if (url.pathname === '/live' || url.pathname === '/ready' || url.pathname === '/health') {
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        return fail({ code: GatewayErrorCode.METHOD_NOT_ALLOWED, message: `Use GET or HEAD for ${url.pathname}.`, headers: { allow: 'GET, HEAD' } });
      }
      if (url.pathname === '/live') return sendJson(response, 200, { status: 'ok' }, idHeader);
      const reasons = options.notReadyReasons();
      return sendJson(response, reasons.length ? 503 : 200, reasons.length ? { status: 'not ready', reasons } : { status: 'ok' }, idHeader);
    }
    for (const plugin of routes) {
      if (await plugin.handleHttp!(request, response, url)) return;
    }
    if (url.pathname !== options.graphqlPath) {
      return fail({ code: GatewayErrorCode.NOT_FOUND, message: `Not found: the GraphQL endpoint is ${options.graphqlPath}.` });
    }
    if (options.cors && (await options.cors(request, response))) return;
    if (compress)
      await new Promise<void>((resolve, reject) =>
        compress(request as never, response as never, (error?: unknown) => (error ? reject(error) : resolve())),
      );
    if (request.method !== 'GET' && request.method !== 'POST') {
      return fail({ code: GatewayErrorCode.METHOD_NOT_ALLOWED, message: 'Use GET or POST for GraphQL requests.', headers: { allow: 'GET, POST' } });
    }
    await handleGraphQL(request, response, url, requestId, started);
  }

  return (request, response) => {
    handle(request, response).catch((error: unknown) => {
      logger.error({ err: error }, 'unhandled error serving a request');
      if (!response.headersSent) {
        sendError(response, { code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error.' }, {});
      } else {
        response.destroy();
      }
    });
  };
}

/** The request target as a URL, or undefined when malformed (URL.parse would need Node ≥ 20.18). */
function parseTarget(target: string | undefined): URL | undefined {
  try {
    return new URL(target ?? '/', 'http://gateway.invalid');
  } catch {
    return undefined;
  }
}
