import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

const brotliAsync = promisify(brotliCompress);
const gzipAsync = promisify(gzip);
import { addHistoryPane } from './history-pane.js';
import { DEFAULT_PLAYGROUND_HISTORY_LENGTH, DEFAULT_PLAYGROUND_QUERY, type PlaygroundOptions } from './options.js';

/** The page, rendered once: raw, gzip and brotli bodies, their ETag and the CSP that allows exactly it. */
export interface PlaygroundPage {
  html: Buffer;
  gzipped: Buffer;
  /** Brotli at quality 9: 9 MB → 1.9 MB (gzip: 2.4 MB), compressed once, off the event loop, in about 1 s. */
  brotli: Buffer;
  etag: string;
  contentSecurityPolicy: string;
}

/** The one inline `<script>` GraphiQL's page carries; the CSP allows it by hash instead of 'unsafe-inline'. */
function inlineScriptHashes(html: string): string[] {
  const hashes: string[] = [];
  for (const match of html.matchAll(/<script>([\s\S]*?)<\/script>/g)) {
    hashes.push(`'sha256-${createHash('sha256').update(match[1]).digest('base64')}'`);
  }
  return hashes;
}

/**
 * Content-Security-Policy for the page. `connect-src 'self'` keeps GraphiQL's fetches on the gateway
 * (the air-gapped promise, enforced by the browser); Monaco runs its workers from `blob:` URLs and
 * injects styles at runtime, hence `worker-src blob:` and inline styles.
 */
function contentSecurityPolicy(html: string): string {
  return [
    "default-src 'none'",
    // blob: because Monaco's workers are blob URLs that importScripts further blobs, under this policy.
    `script-src ${inlineScriptHashes(html).join(' ')} blob:`,
    "style-src 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    'worker-src blob:',
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * Renders GraphiQL (the inline build of `@graphql-yoga/render-graphiql`, no CDN) with the docs
 * explorer, the history pane (see history-pane.ts) and the headers editor on. Loaded lazily: the bundle is ~9 MB of HTML, which a
 * production gateway with the playground off never reads.
 */
export async function renderPlaygroundPage(options: PlaygroundOptions): Promise<PlaygroundPage> {
  const { renderGraphiQL } = await import('@graphql-yoga/render-graphiql');
  const text = renderGraphiQL({
    title: options.title,
    endpoint: options.graphqlPath,
    defaultQuery: DEFAULT_PLAYGROUND_QUERY,
    isHeadersEditorEnabled: true,
    // Headers often hold a bearer token: keep them out of localStorage.
    shouldPersistHeaders: false,
    defaultEditorToolsVisibility: 'headers',
    maxHistoryLength: DEFAULT_PLAYGROUND_HISTORY_LENGTH,
    schemaDescription: true,
    inputValueDeprecation: true,
    credentials: 'same-origin',
  });
  const page = addHistoryPane(text).html;
  const html = Buffer.from(page);
  return {
    html,
    gzipped: await gzipAsync(html),
    brotli: await brotliAsync(html, { params: { [constants.BROTLI_PARAM_QUALITY]: 9, [constants.BROTLI_PARAM_SIZE_HINT]: html.length } }),
    etag: `"${createHash('sha256').update(html).digest('base64url').slice(0, 27)}"`,
    contentSecurityPolicy: contentSecurityPolicy(page),
  };
}
