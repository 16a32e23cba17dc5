import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type StartedGateway } from '../../helpers/gateway.js';
import { createCloseStack, postGraphQL, startSubgraphs, type RunningSubgraphs } from '../../helpers/subgraphs.js';

const closeStack = createCloseStack();
let subgraphs: RunningSubgraphs;
let development: StartedGateway;
let production: StartedGateway;

const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
const INTROSPECTION = '{ __schema { queryType { name } } }';

beforeAll(async () => {
  subgraphs = await startSubgraphs();
  closeStack.push(subgraphs.close);
  development = await startGateway({ subgraphUrls: subgraphs.urls, env: { NODE_ENV: 'development' } });
  closeStack.push(development.close);
  production = await startGateway({ subgraphUrls: subgraphs.urls, env: { NODE_ENV: 'production' } });
  closeStack.push(production.close);
});
afterAll(() => closeStack.drain());

describe('playground over HTTP', () => {
  it('serves GraphiQL to a browser at the GraphQL path and at /, with a CSP and no external URL to load', async () => {
    for (const url of [development.url, new URL('/', development.url).href]) {
      const response = await fetch(url, { headers: { accept: BROWSER_ACCEPT } });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      const csp = response.headers.get('content-security-policy')!;
      expect(csp).toContain("connect-src 'self'");
      expect(csp).toContain("default-src 'none'");
      expect(csp).not.toContain("script-src 'unsafe-inline'");
      const html = await response.text();
      expect(html).toContain('renderYogaGraphiQL');
      expect(html).not.toMatch(/<(script|link)[^>]+(src|href)="https?:/);
    }
  });

  it('renders once: the second answer is the same cached page (same ETag; 304 on revalidation)', async () => {
    const first = await fetch(development.url, { headers: { accept: BROWSER_ACCEPT } });
    const etag = first.headers.get('etag')!;
    await first.arrayBuffer();
    const again = await fetch(development.url, { headers: { accept: BROWSER_ACCEPT, 'if-none-match': etag } });
    expect(again.status).toBe(304);
  });

  it('leaves GraphQL clients alone: JSON GETs and POSTs still reach /graphql', async () => {
    const get = await fetch(`${development.url}?query=${encodeURIComponent('{ topProducts(first: 1) { upc } }')}`, {
      headers: { accept: 'application/graphql-response+json', 'apollo-require-preflight': 'true' },
    });
    expect(get.status).toBe(200);
    expect(((await get.json()) as any).data.topProducts).toHaveLength(1);
    const { body } = await postGraphQL(development.url, INTROSPECTION);
    expect(body.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });

  it('is off under NODE_ENV=production, and introspection with it', async () => {
    const page = await fetch(production.url, { headers: { accept: BROWSER_ACCEPT } });
    expect(page.headers.get('content-type')).not.toContain('text/html');
    // Apollo's own (CDN-loading) landing page is off too: a browser gets a plain GraphQL error.
    expect(await page.text()).not.toContain('<script');
    const root = await fetch(new URL('/', production.url), { headers: { accept: BROWSER_ACCEPT } });
    expect(root.status).toBe(404);
    await root.arrayBuffer();
    const { body } = await postGraphQL(production.url, INTROSPECTION);
    expect(body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});
