import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type HTTPGraphQLResponse } from '@apollo/server';
import type { Logger } from 'pino';
import { resolveRequestId } from '../observability/index.js';
import type { GatewayExtension } from '../extension.js';
import type { GatewayContext } from '../request-context.js';
import { applySubgraphResponseHeaders, createSubgraphResponseCollector } from '../subgraph-client/index.js';
import { BodyTooLargeError, readBody } from './http-body.js';

export interface HttpHandlerOptions {
  apollo: ApolloServer<GatewayContext>;
  graphqlPath: string;
  bodyLimitBytes: number;
  logger: Logger;
  logRequests: boolean;
  extensions: readonly GatewayExtension[];
  /** True once a supergraph is loaded: /health answers 200 from then on. */
  isReady: () => boolean;
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  response.end(text);
}

function toHeaderMap(request: IncomingMessage): HeaderMap {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}

/** Request errors that GraphQL-over-HTTP says SHOULD answer 200 to a client accepting application/json. */
const WELL_FORMED_REQUEST_ERRORS = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT']);

/**
 * Apollo Server answers parse, validation and variable-coercion failures with 400 whatever the client
 * accepts; the spec (https://graphql.github.io/graphql-over-http/draft/#sec-application-json) says
 * a legacy `application/json` client SHOULD get 200 there, since it may not read a 4xx body.
 */
function statusFor(result: HTTPGraphQLResponse): number {
  const status = result.status ?? 200;
  if (status !== 400 || result.body.kind !== 'complete') return status;
  if (!result.headers.get('content-type')?.startsWith('application/json')) return status;
  try {
    const errors = (JSON.parse(result.body.string) as { errors?: Array<{ extensions?: { code?: string } }> }).errors;
    const allRequestErrors = errors?.length && errors.every((e) => WELL_FORMED_REQUEST_ERRORS.has(e.extensions?.code ?? ''));
    return allRequestErrors ? 200 : status;
  } catch {
    return status;
  }
}

async function writeGraphQLResponse(response: ServerResponse, result: HTTPGraphQLResponse, requestId: string): Promise<number> {
  const status = statusFor(result);
  for (const [name, value] of result.headers) response.setHeader(name, value);
  response.setHeader('x-request-id', requestId);
  if (result.body.kind === 'complete') {
    response.setHeader('content-length', Buffer.byteLength(result.body.string));
    response.writeHead(status);
    response.end(result.body.string);
    return status;
  }
  response.writeHead(status);
  for await (const chunk of result.body.asyncIterator) response.write(chunk);
  response.end();
  return status;
}

/**
 * The node:http request listener: /health, extension routes (playground), and the GraphQL endpoint
 * through Apollo Server, with a request id and one log line per request.
 */
export function createHttpHandler(options: HttpHandlerOptions): (request: IncomingMessage, response: ServerResponse) => void {
  const { apollo, logger } = options;
  const routes = options.extensions.filter((e) => e.handleHttp);
  const contextBuilders = options.extensions.filter((e) => e.buildContext);
  const contextErrorHooks = options.extensions.filter((e) => e.onContextError);

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const started = performance.now();
    const requestId = resolveRequestId(request.headers['x-request-id']);
    const idHeader = { 'x-request-id': requestId };
    // `new URL` throws on a malformed absolute-form target (`GET http://[zz/graphql`): a client error.
    const url = parseTarget(request.url);
    if (!url) {
      sendJson(response, 400, { errors: [{ message: 'Request target is not a valid URL.', extensions: { code: 'BAD_REQUEST' } }] }, idHeader);
      return;
    }
    if (url.pathname === '/health') {
      const ready = options.isReady();
      sendJson(response, ready ? 200 : 503, { status: ready ? 'ok' : 'starting' }, idHeader);
      return;
    }
    for (const extension of routes) {
      if (await extension.handleHttp!(request, response, url)) return;
    }
    if (url.pathname !== options.graphqlPath) {
      sendJson(response, 404, { errors: [{ message: `Not found: the GraphQL endpoint is ${options.graphqlPath}.`, extensions: { code: 'NOT_FOUND' } }] }, idHeader);
      return;
    }
    if (request.method !== 'GET' && request.method !== 'POST') {
      sendJson(response, 405, { errors: [{ message: 'Use GET or POST for GraphQL requests.', extensions: { code: 'METHOD_NOT_ALLOWED' } }] }, { allow: 'GET, POST', ...idHeader });
      return;
    }
    let body: unknown;
    try {
      const text = request.method === 'POST' ? await readBody(request, options.bodyLimitBytes) : '';
      body = parseBody(text, request.headers['content-type']);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        sendJson(response, 413, { errors: [{ message: error.message, extensions: { code: 'BAD_REQUEST' } }] }, { connection: 'close', ...idHeader });
      } else {
        sendJson(response, 400, { errors: [{ message: 'Request body is not valid JSON.', extensions: { code: 'BAD_REQUEST' } }] }, idHeader);
      }
      return;
    }
    const context: GatewayContext = {
      requestId,
      logger: logger.child({ requestId }),
      incoming: { method: request.method, headers: request.headers, remoteAddress: request.socket.remoteAddress },
      subgraphHeaders: { 'x-request-id': requestId },
      requestLog: {},
      subgraphResponse: createSubgraphResponseCollector(),
    };
    const result = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: request.method, headers: toHeaderMap(request), search: url.search, body },
      context: async () => {
        try {
          for (const extension of contextBuilders) await extension.buildContext!(context);
        } catch (error) {
          for (const extension of contextErrorHooks) {
            try {
              await extension.onContextError!(context, error);
            } catch (hookError) {
              context.logger.error({ err: hookError, extension: extension.name }, 'onContextError hook failed');
            }
          }
          throw error;
        }
        return context;
      },
    });
    applySubgraphResponseHeaders(context.subgraphResponse, result.headers, response);
    const status = await writeGraphQLResponse(response, result, requestId);
    if (options.logRequests) {
      context.logger.info(
        {
          operationName: context.requestLog.operationName ?? undefined,
          estimatedCost: context.requestLog.estimatedCost,
          status,
          durationMs: Math.round((performance.now() - started) * 10) / 10,
        },
        'request completed',
      );
    }
  }

  return (request, response) => {
    handle(request, response).catch((error: unknown) => {
      logger.error({ err: error }, 'unhandled error serving a request');
      if (!response.headersSent) {
        sendJson(response, 500, { errors: [{ message: 'Internal server error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
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

function parseBody(text: string, contentType: string | undefined): unknown {
  if (text === '') return undefined;
  if (contentType && /^application\/(json|graphql-response\+json)\b/i.test(contentType)) return JSON.parse(text);
  // Apollo Server decides what to do with other content types (it refuses them, CSRF-safe).
  return text;
}
