import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { createExecutor, type GraphQLParams } from './executor.js';
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

function parseJsonParam(value: string | null, name: string): Record<string, unknown> | null {
  if (value === null || value === '') return null;
  try {
    return JSON.parse(value) as Record<string, unknown>;
  } catch {
    throw new BadRequest(`Query parameter "${name}" is not valid JSON.`);
  }
}

/**
 * Extracts GraphQL-over-HTTP params from a POST JSON body (parsed once by the caller; `undefined`
 * when it was not valid JSON) or the GET query string.
 */
function readParams(method: string, search: URLSearchParams, parsedBody: unknown): GraphQLParams {
  let raw: unknown;
  if (method === 'GET') {
    raw = {
      query: search.get('query'),
      variables: parseJsonParam(search.get('variables'), 'variables'),
      operationName: search.get('operationName'),
    };
  } else {
    if (parsedBody === undefined) throw new BadRequest('Request body is not valid JSON.');
    raw = parsedBody;
  }
  const params = raw as Partial<GraphQLParams> | null;
  if (params === null || typeof params !== 'object' || typeof params.query !== 'string') {
    throw new BadRequest('Request must contain a "query" string.');
  }
  return params as GraphQLParams;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Builds a Federation 2 subgraph served by a small node:http handler on `/graphql` (POST and GET). Never
 * listens by itself; call `listen()`.
 */
export function createSubgraphServer<L>(options: SubgraphServerOptions<L>): SubgraphServer {
  const { name, typeDefs, resolvers, createLoaders } = options;
  // The array form takes GraphQLSchemaModule, whose resolver map is context-agnostic.
  const schema = buildSubgraphSchema([{ typeDefs, resolvers }]);
  const run = createExecutor(schema);

  async function listen({ port = 0, host = '127.0.0.1', signingSecret, requestLogLimit = 0 }: ListenOptions = {}): Promise<RunningSubgraph> {
    let faults: SubgraphFaults = { ...options.faults };
    let flakyFailures = 0;
    const stats: SubgraphStats = { requests: 0, abandoned: 0, requestLog: [] };

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
      let parsedBody: unknown;
      try {
        if (bodyText !== '') parsedBody = JSON.parse(bodyText);
      } catch {
        // Left undefined: readParams reports the problem.
      }
      const body = bodyText === '' ? Object.fromEntries(url.searchParams) : (parsedBody ?? bodyText);
      if (requestLogLimit > 0) {
        stats.requestLog.push({ body, headers: req.headers });
        if (stats.requestLog.length > requestLogLimit) stats.requestLog.shift();
      }

      if (signingSecret !== undefined) {
        const refused = checkSignature(req.headers, bodyText, signingSecret);
        if (refused) return send(res, 401, 'application/json; charset=utf-8', JSON.stringify({ errors: [{ message: `Request refused: ${refused}.`, extensions: { code: 'UNAUTHENTICATED' } }] }));
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
          return send(res, 200, 'application/json; charset=utf-8', JSON.stringify({
            data: null,
            errors: [{ message: `${name} failed`, extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
          }));
        default:
          break;
      }

      if (url.pathname !== GRAPHQL_PATH) return send(res, 404, 'text/plain', 'Not Found');
      if (method !== 'GET' && method !== 'POST') {
        return send(res, 405, 'text/plain', 'Method Not Allowed', { allow: 'GET, POST' });
      }
      // GraphQL over HTTP: the new media type gets 4xx for invalid documents, application/json always gets 200.
      const accept = req.headers.accept ?? '';
      const modern = accept.includes('application/graphql-response+json');
      const contentType = modern ? 'application/graphql-response+json; charset=utf-8' : 'application/json; charset=utf-8';
      let params: GraphQLParams;
      try {
        params = readParams(method, url.searchParams, parsedBody);
      } catch (error) {
        if (!(error instanceof BadRequest)) throw error;
        return send(res, 400, contentType, JSON.stringify({ errors: [{ message: error.message }] }));
      }
      const context: SubgraphContext<L> = {
        loaders: createLoaders(),
        identity: readIdentity(req.headers),
        requestId: readRequestId(req.headers),
      };
      const outcome = await run(params, context, { allowMutations: method === 'POST' });
      if (outcome.kind === 'method-not-allowed') {
        return send(res, 405, contentType, JSON.stringify({ errors: [{ message: 'Mutations require POST.' }] }), {
          allow: 'POST',
        });
      }
      if (outcome.kind === 'invalid') {
        return send(res, modern ? 400 : 200, contentType, JSON.stringify({ errors: outcome.errors }));
      }
      send(res, 200, contentType, JSON.stringify(outcome.result), faults.responseHeaders);
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

    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const boundPort = (server.address() as AddressInfo).port;

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
      close() {
        return new Promise<void>((resolve, reject) => {
          server.close((error) => (error ? reject(error) : resolve()));
          server.closeAllConnections();
        });
      },
    };
  }

  return { name, listen };
}
