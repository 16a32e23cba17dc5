import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEAVY_QUERY } from '../../bench/heavy-query.js';
import { FIVE_NESTED_LISTS, publicBenchmarkGraph } from '../../conformance/fixtures/public-benchmark.js';
import { startCorpusSubgraphs } from '../../conformance/harness/subgraph-servers.js';
import { startGateway, staticSupergraphSource, type StartedGateway } from '../../helpers/gateway.js';
import { createCloseStack, postGraphQL } from '../../helpers/subgraphs.js';
import { composeSupergraph } from '../../../gateway/supergraph/index.js';

const closeStack = createCloseStack();
let enforcing: StartedGateway;
let measuring: StartedGateway;

beforeAll(async () => {
  const subgraphs = await startCorpusSubgraphs(publicBenchmarkGraph);
  closeStack.push(subgraphs.close);
  const { supergraphSdl } = composeSupergraph(
    Object.entries(publicBenchmarkGraph).map(([name, s]) => ({ name, url: subgraphs.urls[name], sdl: s.typeDefs })),
  );
  // Default cost settings; a second gateway only switches to measure mode.
  enforcing = await startGateway({ supergraphSource: staticSupergraphSource(supergraphSdl) });
  closeStack.push(enforcing.close);
  measuring = await startGateway({ supergraphSource: staticSupergraphSource(supergraphSdl), config: { cost: { mode: 'measure' } } });
  closeStack.push(measuring.close);
});
afterAll(() => closeStack.drain());

const ASK = { headers: { 'switchyard-include-cost': 'true' } };

describe('operation cost is visible, so teams can tune before they enforce', () => {
  it('reports the estimate in extensions.cost when the client asks, and only then', async () => {
    const asked = await postGraphQL(enforcing.url, HEAVY_QUERY, ASK);
    expect(asked.status).toBe(200);
    expect((asked.body as any).extensions).toEqual({ cost: { estimated: 23_315, max: 50_000, mode: 'enforce' } });
    const plain = await postGraphQL(enforcing.url, HEAVY_QUERY);
    expect((plain.body as any).extensions).toBeUndefined();
  });

  it('writes the estimate on the request log line', async () => {
    await postGraphQL(enforcing.url, 'query Three { users { reviews { product { reviews { id } } } } }');
    const line = enforcing.logs.find((l) => l.msg === 'request completed' && l.operationName === 'Three');
    expect(line?.estimatedCost).toBe(10 * (1 + 10 * (1 + 1 + 10)));
  });

  it('counts estimates in the switchyard_operation_cost histogram, by outcome', async () => {
    await postGraphQL(enforcing.url, FIVE_NESTED_LISTS);
    const metrics = await (await fetch(enforcing.url.replace('/graphql', '/metrics'))).text();
    expect(metrics).toMatch(/switchyard_operation_cost_count\{outcome="admitted"\} [1-9]/);
    expect(metrics).toMatch(/switchyard_operation_cost_count\{outcome="refused"\} [1-9]/);
  });

  it('measure mode serves an operation over the limit, logs it and reports it', async () => {
    const { status, body } = await postGraphQL(measuring.url, FIVE_NESTED_LISTS, ASK);
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const cost = (body as any).extensions.cost;
    expect(cost).toMatchObject({ max: 50_000, mode: 'measure' });
    expect(cost.estimated).toBeGreaterThan(50_000);
    expect(measuring.logs.some((l) => l.level === 40 && l.msg.includes('over the limit') && l.estimatedCost === cost.estimated)).toBe(true);
  });
});
