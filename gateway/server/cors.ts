import type { IncomingMessage, ServerResponse } from 'node:http';
import cors from 'cors';
import type { GatewayConfig } from '../config/index.js';

/**
 * CORS for the GraphQL endpoint, by the `cors` package (expressjs/cors): the response headers of
 * allowed origins, and preflight (`OPTIONS`) answered 204. Returns true when it answered the request
 * itself (a preflight), false when the request goes on. Undefined when no origin is configured:
 * then no Access-Control-* header is ever sent and OPTIONS stays 405.
 */
export function createCorsHandler(
  config: GatewayConfig['cors'],
): ((request: IncomingMessage, response: ServerResponse) => Promise<boolean>) | undefined {
  if (config.origins.length === 0) return undefined;
  const origin = config.origins.includes('*')
    ? '*'
    : config.origins.map((entry) => (entry.length > 2 && entry.startsWith('/') && entry.endsWith('/') ? new RegExp(entry.slice(1, -1)) : entry));
  const middleware = cors({
    origin,
    credentials: config.credentials,
    methods: config.methods,
    allowedHeaders: config.allowedHeaders,
    exposedHeaders: config.exposedHeaders,
    maxAge: config.maxAgeSeconds,
    optionsSuccessStatus: 204,
    preflightContinue: false,
  });
  return (request, response) =>
    new Promise<boolean>((resolve, reject) => {
      // A preflight is ended by the middleware without calling next.
      if (request.method === 'OPTIONS') response.once('finish', () => resolve(true));
      middleware(request as never, response as never, (error?: unknown) => (error ? reject(error) : resolve(false)));
    });
}
