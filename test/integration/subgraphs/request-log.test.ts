import { afterAll, describe, expect, it } from 'vitest';
import { createProductsSubgraph } from '../../../subgraphs/index.js';
import { createCloseStack, postGraphQL } from '../../helpers/subgraphs.js';

const stack = createCloseStack();
afterAll(() => stack.drain());

const QUERY = '{ topProducts(first: 1) { upc } }';

describe('subgraph request log', () => {
  it('keeps no request bodies or headers (bearer tokens) by default, but still counts requests', async () => {
    const running = await createProductsSubgraph().listen({ port: 0 });
    stack.push(running.close);
    await postGraphQL(running.url, QUERY, { headers: { authorization: 'Bearer secret' } });
    expect(running.stats.requests).toBe(1);
    expect(running.stats.requestLog).toEqual([]);
  });

  it('keeps the last requestLogLimit requests when asked to', async () => {
    const running = await createProductsSubgraph().listen({ port: 0, requestLogLimit: 2 });
    stack.push(running.close);
    for (const id of ['a', 'b', 'c']) await postGraphQL(running.url, QUERY, { headers: { 'x-request-id': id } });
    expect(running.stats.requests).toBe(3);
    expect(running.stats.requestLog.map((entry) => entry.headers['x-request-id'])).toEqual(['b', 'c']);
  });
});
