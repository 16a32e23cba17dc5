import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type StartedGateway } from '../../helpers/gateway.js';
import { createCloseStack, postGraphQL, startSubgraphs, type RunningSubgraphs } from '../../helpers/subgraphs.js';

const closeStack = createCloseStack();
let subgraphs: RunningSubgraphs;
let gateway: StartedGateway;

beforeAll(async () => {
  subgraphs = await startSubgraphs();
  closeStack.push(subgraphs.close);
  gateway = await startGateway({ subgraphUrls: subgraphs.urls });
  closeStack.push(gateway.close);
});
afterAll(() => closeStack.drain());

const scrape = async (url: string) => {
  const response = await fetch(new URL('/metrics', url));
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
};

describe('Prometheus metrics at /metrics', () => {
  it('counts requests by route and status, with process metrics', async () => {
    await postGraphQL(gateway.url, '{ users(first: 1) { id } }');
    await postGraphQL(gateway.url, '{ nope }');
    const { status, type, text } = await scrape(gateway.url);
    expect(status).toBe(200);
    expect(type).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(text).toMatch(/^switchyard_http_request_duration_seconds_count\{route="graphql",status="200"\} [1-9]/m);
    expect(text).toMatch(/^switchyard_http_requests_in_flight /m);
    expect(text).toMatch(/^switchyard_process_cpu_seconds_total /m);
  });

  it('times subgraph fetches by subgraph and outcome, and counts failures by code', async () => {
    await postGraphQL(gateway.url, '{ users(first: 1) { id } }');
    subgraphs.byName.inventory.setFaults({ mode: 'http500' });
    try {
      await postGraphQL(gateway.url, '{ topProducts(first: 1) { upc inStock } }');
    } finally {
      subgraphs.byName.inventory.setFaults({});
    }
    const { text } = await scrape(gateway.url);
    expect(text).toMatch(/^switchyard_subgraph_fetch_duration_seconds_count\{subgraph="accounts",outcome="ok"\} [1-9]/m);
    expect(text).toMatch(/^switchyard_subgraph_fetch_errors_total\{subgraph="inventory",code="SUBGRAPH_ERROR"\} [1-9]/m);
  });

  it('is off when metrics.enabled is false', async () => {
    const quiet = await startGateway({ subgraphUrls: subgraphs.urls, config: { metrics: { enabled: false } } });
    try {
      expect((await scrape(quiet.url)).status).toBe(404);
    } finally {
      await quiet.close();
    }
  });
});
