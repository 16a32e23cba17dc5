import { auditServer } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type StartedGateway } from '../../helpers/gateway.js';
import { createCloseStack, startSubgraphs } from '../../helpers/subgraphs.js';

const closeStack = createCloseStack();
let gateway: StartedGateway;

beforeAll(async () => {
  const subgraphs = await startSubgraphs();
  closeStack.push(subgraphs.close);
  // The audit queries __type, so introspection must be on (it is off only in production by default).
  gateway = await startGateway({ subgraphUrls: subgraphs.urls, config: { server: { introspection: true } } });
  closeStack.push(gateway.close);
});
afterAll(() => closeStack.drain());

describe('GraphQL-over-HTTP conformance (graphql-http server audits)', () => {
  it('passes every MUST and SHOULD audit', async () => {
    const results = await auditServer({ url: gateway.url });
    const failures = results
      .filter((r) => r.status !== 'ok' && (r.name.startsWith('MUST') || r.name.startsWith('SHOULD')))
      .map((r) => `${r.id} ${r.name}: ${r.status === 'ok' ? '' : r.reason}`);
    expect(failures).toEqual([]);
    const mustCount = results.filter((r) => r.name.startsWith('MUST')).length;
    expect(mustCount).toBeGreaterThan(10);
  });
});

describe('request errors Apollo Server raises without a code', () => {
  it('an APQ hash that does not match the query is a coded 400, not a masked internal error', async () => {
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }', extensions: { persistedQuery: { version: 1, sha256Hash: 'abc' } } }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ errors: [{ message: 'provided sha does not match query', extensions: { code: 'BAD_REQUEST' } }] });
    expect(gateway.logs.some((line) => line.msg === 'internal error masked in response')).toBe(false);
  });
});
