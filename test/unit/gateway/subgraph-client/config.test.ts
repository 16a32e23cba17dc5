import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../gateway/config/index.js';
import { DEFAULT_SUBGRAPH_TRAFFIC } from '../../../../gateway/subgraph-client/index.js';
import { resolveSubgraphTraffic } from '../../../../gateway/subgraph-client/options.js';

describe('subgraphs config', () => {
  it.each([
    [{ overrides: { products: { retry: { maxAttempts: 0 } } } }, /subgraphs\.overrides\.products\.retry\.maxAttempts/],
    [{ defaults: { timeoutMs: -1 } }, /subgraphs\.defaults\.timeoutMs/],
    [{ defaults: { retry: { budgetRatio: 2 } } }, /subgraphs\.defaults\.retry\.budgetRatio/],
    [{ overrides: { accounts: { urls: ['ftp://x'] } } }, /subgraphs\.overrides\.accounts\.urls\.0/],
    [{ overrides: { accounts: { urls: [] } } }, /subgraphs\.overrides\.accounts\.urls/],
    [{ defaults: { forwardHeaders: ['X-Upper'] } }, /subgraphs\.defaults\.forwardHeaders\.0: must be a lower-case HTTP header name/],
    [{ defaults: { retries: 3 } }, /subgraphs\.defaults\.retries: unknown key/],
    [{ defaults: { loadBalancing: 'random' } }, /subgraphs\.defaults\.loadBalancing/],
  ])('%j is refused naming the key', (subgraphs, message) => {
    expect(() => loadConfig({ input: { subgraphs } as never })).toThrow(message);
  });

  it('reads the default timeout from SWITCHYARD_SUBGRAPH_TIMEOUT_MS', () => {
    const config = loadConfig({ env: { SWITCHYARD_SUBGRAPH_TIMEOUT_MS: '2500' } });
    expect(config.subgraphs.defaults.timeoutMs).toBe(2500);
  });

  it('resolves constants ← defaults ← per-subgraph overrides, nested objects key by key', () => {
    const config = loadConfig({
      input: {
        subgraphs: {
          defaults: { timeoutMs: 5_000, retry: { maxAttempts: 2 } },
          overrides: { products: { retry: { baseDelayMs: 1 }, urls: ['http://a.test/graphql', 'http://b.test/graphql'] } },
        },
      },
    });
    const products = resolveSubgraphTraffic(config.subgraphs, 'products', 'http://routing.test/graphql');
    expect(products.timeoutMs).toBe(5_000);
    expect(products.retry).toEqual({ ...DEFAULT_SUBGRAPH_TRAFFIC.retry, maxAttempts: 2, baseDelayMs: 1 });
    expect(products.urls).toEqual(['http://a.test/graphql', 'http://b.test/graphql']);
    const reviews = resolveSubgraphTraffic(config.subgraphs, 'reviews', 'http://routing.test/graphql');
    expect(reviews.urls).toEqual(['http://routing.test/graphql']);
    expect(reviews.forwardHeaders).toEqual(['traceparent', 'tracestate']);
    expect(reviews.breaker).toEqual(DEFAULT_SUBGRAPH_TRAFFIC.breaker);
  });
});

describe('subgraphs.*.forwardHeaders', () => {
  it.each(['x-user-id', 'x-user-scopes', 'x-client-id', 'x-switchyard-signature'])(
    'refuses to forward the identity header %s from clients',
    (name) => {
      expect(() => loadConfig({ input: { subgraphs: { overrides: { products: { forwardHeaders: [name] } } } } })).toThrow(
        /subgraphs\.overrides\.products\.forwardHeaders\.0: identity headers are set by the gateway/,
      );
    },
  );
});
