import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GatewayPlugin } from '../plugin.js';
import type { PlaygroundOptions } from './options.js';
import { renderPlaygroundPage, type PlaygroundPage } from './render-page.js';

/** A browser navigation asks for HTML; GraphQL clients ask for JSON and fall through to /graphql. */
function wantsHtml(request: IncomingMessage): boolean {
  const accept = request.headers.accept;
  return typeof accept === 'string' && accept.includes('text/html');
}

/** The precompressed body the client accepts (brotli first), by its Accept-Encoding. */
function encodingFor(request: IncomingMessage): 'br' | 'gzip' | undefined {
  const header = request.headers['accept-encoding'];
  if (typeof header !== 'string') return undefined;
  const accepted = new Set(
    header
      .split(',')
      .map((part) => part.trim().toLowerCase().split(';'))
      .filter(([, q]) => !q || !/^\s*q\s*=\s*0(\.0*)?\s*$/.test(q))
      .map(([name]) => name),
  );
  if (accepted.has('br')) return 'br';
  if (accepted.has('gzip') || accepted.has('*')) return 'gzip';
  return undefined;
}

function send(request: IncomingMessage, response: ServerResponse, page: PlaygroundPage): void {
  const headers: Record<string, string | number> = {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': page.contentSecurityPolicy,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-cache',
    etag: page.etag,
    vary: 'accept, accept-encoding',
  };
  if (request.headers['if-none-match'] === page.etag) {
    response.writeHead(304, headers);
    response.end();
    return;
  }
  const encoding = encodingFor(request);
  const body = encoding === 'br' ? page.brotli : encoding === 'gzip' ? page.gzipped : page.html;
  if (encoding) headers['content-encoding'] = encoding;
  headers['content-length'] = body.length;
  response.writeHead(200, headers);
  response.end(request.method === 'HEAD' ? undefined : body);
}

/**
 * Serves GraphiQL at `/` and at the GraphQL path to browsers (`Accept: text/html`, GET or HEAD).
 * The page is rendered once, on first use, and served from memory afterwards.
 */
export function createPlaygroundPlugin(options: PlaygroundOptions): GatewayPlugin {
  let page: Promise<PlaygroundPage> | undefined;
  return {
    name: 'playground',
    async handleHttp(request, response, url) {
      if (url.pathname !== '/' && url.pathname !== options.graphqlPath) return false;
      if ((request.method !== 'GET' && request.method !== 'HEAD') || !wantsHtml(request)) return false;
      // A failed render (unreadable bundle) is retried on the next request rather than cached.
      page ??= renderPlaygroundPage(options).catch((error: unknown) => {
        page = undefined;
        throw error;
      });
      send(request, response, await page);
      return true;
    },
  };
}
