import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGateway, type StartedGateway } from '../../helpers/gateway.js';
import { createCloseStack, postGraphQL, startSubgraphs, type RunningSubgraphs } from '../../helpers/subgraphs.js';

const closeStack = createCloseStack();
let subgraphs: RunningSubgraphs;
let gateway: StartedGateway;

const USERS = '{ users(first: 1) { id } }';
const PRODUCTS = '{ topProducts(first: 2) { upc name } }';

beforeAll(async () => {
  subgraphs = await startSubgraphs();
  closeStack.push(subgraphs.close);
  // dedup stays at its default (on); only accounts passes response headers back to the client.
  gateway = await startGateway({
    subgraphUrls: subgraphs.urls,
    config: { subgraphs: { overrides: { accounts: { responseHeaders: ['set-cookie'] } } } },
  });
  closeStack.push(gateway.close);
});
afterAll(() => closeStack.drain());
beforeEach(() => {
  for (const subgraph of Object.values(subgraphs.byName)) {
    subgraph.setFaults({});
    subgraph.resetStats();
  }
});

describe('in-flight dedup and per-caller response headers', () => {
  it('never shares a fetch to a subgraph whose response headers go back to the caller', async () => {
    subgraphs.byName.accounts.setFaults({ delayMs: 500, responseHeaders: { 'set-cookie': 'session=abc; Path=/' } });
    const answers = await Promise.all([postGraphQL(gateway.url, USERS), postGraphQL(gateway.url, USERS)]);
    for (const answer of answers) expect(answer.body.errors).toBeUndefined();
    expect(subgraphs.byName.accounts.stats.requests).toBe(2);
  });

  it('still shares fetches to the other subgraphs', async () => {
    subgraphs.byName.products.setFaults({ delayMs: 500 });
    await Promise.all([postGraphQL(gateway.url, PRODUCTS), postGraphQL(gateway.url, PRODUCTS)]);
    expect(subgraphs.byName.products.stats.requests).toBe(1);
  });
});
