import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type StartedGateway } from '../../helpers/gateway.js';
import { createCloseStack, postGraphQL, startSubgraphs, type RunningSubgraphs } from '../../helpers/subgraphs.js';

const closeStack = createCloseStack();
let subgraphs: RunningSubgraphs;
let gateway: StartedGateway;

/** `{ topProducts { reviews { product { reviews { … upc } } } } }`: `pairs` × 2 + 2 levels of fields. */
function deepQuery(pairs: number): string {
  return `{ topProducts(first: 1) { ${'reviews { product { '.repeat(pairs)}upc${' } }'.repeat(pairs)} } }`;
}

beforeAll(async () => {
  subgraphs = await startSubgraphs();
  closeStack.push(subgraphs.close);
  gateway = await startGateway({ subgraphUrls: subgraphs.urls, config: { rateLimit: { enabled: false } } });
  closeStack.push(gateway.close);
});
afterAll(() => closeStack.drain());

describe('limits.maxDepth', () => {
  it('refuses a 1800-deep valid query with OPERATION_LIMIT_EXCEEDED before validation (not 500), calling no subgraph', async () => {
    const before = Object.values(subgraphs.byName).reduce((sum, s) => sum + s.stats.requests, 0);
    const response = await postGraphQL(gateway.url, deepQuery(900));
    expect(response.status).toBe(400);
    expect(response.body.errors?.[0]).toMatchObject({
      message: 'The operation nests fields deeper than the maximum of 64; ask for less nesting.',
      extensions: { code: 'OPERATION_LIMIT_EXCEEDED', limit: 'depth', max: 64 },
    });
    expect(Object.values(subgraphs.byName).reduce((sum, s) => sum + s.stats.requests, 0)).toBe(before);
  });

  it('answers a 3000-deep query with a 200/400 request error, not 500', async () => {
    const response = await postGraphQL(gateway.url, deepQuery(1500));
    expect([200, 400]).toContain(response.status);
    // graphql-js's parser gives up first: a request error, without echoing the RangeError.
    expect(response.body.errors).toEqual([
      { message: 'Syntax Error: the document is nested too deeply to parse.', extensions: { code: 'GRAPHQL_PARSE_FAILED' } },
    ]);
  });

  it('counts depth through fragments and serves queries within the limit', async () => {
    const shallow = await startGateway({ subgraphUrls: subgraphs.urls, config: { limits: { maxDepth: 4 } } });
    closeStack.push(shallow.close);
    expect((await postGraphQL(shallow.url, deepQuery(1))).body.errors).toBeUndefined(); // depth 4
    const viaFragments = await postGraphQL(
      shallow.url,
      'query Deep { topProducts(first: 1) { ...R } } fragment R on Product { reviews { ... on Review { product { ...U } } } } fragment U on Product { reviews { id } }',
    );
    expect(viaFragments.body.errors?.[0]).toMatchObject({
      message: 'The operation nests fields deeper than the maximum of 4; ask for less nesting.',
      extensions: { code: 'OPERATION_LIMIT_EXCEEDED', limit: 'depth', max: 4 },
    });
  });
});
