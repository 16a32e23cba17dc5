import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser.js';
import { readMetric } from '../helpers/metrics.js';
import { startGateway, type StartedGateway } from '../helpers/gateway.js';
import { createCloseStack, startSubgraphs } from '../helpers/subgraphs.js';

const closeStack = createCloseStack();
let gateway: StartedGateway;
let browser: BrowserContext;
let allowedOrigin = '';
let otherOrigin = '';

/** Preflights the gateway answered (its request metric: route graphql, status 204). */
const preflightsAnswered = () => readMetric(gateway.url, 'switchyard_http_request_duration_seconds_count', { route: 'graphql', status: '204' });

/** A page server: another origin than the gateway's (another port), serving an empty page. */
async function startPageServer(): Promise<string> {
  const server: Server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end('<!doctype html><title>app</title>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  closeStack.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  const subgraphs = await startSubgraphs();
  closeStack.push(subgraphs.close);
  allowedOrigin = await startPageServer();
  otherOrigin = await startPageServer();
  gateway = await startGateway({ subgraphUrls: subgraphs.urls, config: { cors: { origins: [allowedOrigin] } } });
  closeStack.push(gateway.close);
  browser = await launchChromium();
  closeStack.push(() => browser.close());
});
afterAll(() => closeStack.drain());

/** Runs a JSON POST from a page of `origin` (a preflighted request: content-type application/json). */
async function callFromPage(
  origin: string,
): Promise<{ ok: true; data: unknown; requestId: string | null; remaining: string | null } | { ok: false; error: string }> {
  const page = await browser.newPage();
  try {
    await page.goto(origin);
    return await page.evaluate(async (url) => {
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-request-id': 'from-the-browser' },
          body: JSON.stringify({ query: '{ topProducts(first: 1) { upc name } }' }),
        });
        const body = await response.json();
        return {
          ok: true as const,
          data: body.data,
          requestId: response.headers.get('x-request-id'),
          remaining: response.headers.get('ratelimit-remaining'),
        };
      } catch (error) {
        return { ok: false as const, error: String(error) };
      }
    }, gateway.url);
  } finally {
    await page.close();
  }
}

describe('CORS in a real browser', () => {
  it('a page on an allowed origin calls the gateway (preflight included) and reads the exposed headers', async () => {
    const before = await preflightsAnswered();
    const result = await callFromPage(allowedOrigin);
    expect(result).toEqual({
      ok: true,
      data: { topProducts: [{ upc: '1', name: expect.any(String) }] },
      requestId: 'from-the-browser',
      remaining: expect.stringMatching(/^\d+$/),
    });
    // The browser asked first (content-type application/json is not a simple request).
    expect(await preflightsAnswered()).toBe(before + 1);
  });

  it('a page on another origin is refused by the browser', async () => {
    const result = await callFromPage(otherOrigin);
    expect(result.ok).toBe(false);
    expect((result as { error: string }).error).toMatch(/Failed to fetch/);
  });
});

describe('CORS headers over HTTP', () => {
  it('answers a preflight 204 with the allowed methods, headers and max-age; no CORS headers for other origins', async () => {
    const preflight = await fetch(gateway.url, {
      method: 'OPTIONS',
      headers: { origin: allowedOrigin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(allowedOrigin);
    expect(preflight.headers.get('access-control-allow-methods')).toBe('GET,POST');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('content-type');
    expect(preflight.headers.get('access-control-max-age')).toBe('600');
    expect(preflight.headers.get('vary')).toMatch(/origin/i);

    const other = await fetch(gateway.url, {
      method: 'POST',
      headers: { origin: otherOrigin, 'content-type': 'application/json' },
      body: '{"query":"{ __typename }"}',
    });
    expect(other.status).toBe(200);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('sends nothing CORS by default: OPTIONS stays 405', async () => {
    const plain = await startGateway({ subgraphUrls: (await startSubgraphsOnce()).urls });
    closeStack.push(plain.close);
    const preflight = await fetch(plain.url, { method: 'OPTIONS', headers: { origin: allowedOrigin, 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(405);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });
});

async function startSubgraphsOnce() {
  const subgraphs = await startSubgraphs();
  closeStack.push(subgraphs.close);
  return subgraphs;
}
