import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fixtures from '../../conformance/fixtures/null-propagation.js';
import { composeCorpusSupergraph, startCorpusSubgraphs } from '../../conformance/harness/subgraph-servers.js';
import { startGateway, staticSupergraphSource, type StartedGateway } from '../../helpers/gateway.js';
import { createCloseStack, postGraphQL } from '../../helpers/subgraphs.js';

// The corpus's unplannable supergraph: the planner cannot plan `entry { id }` (each subgraph has
// `id` @external on the implementation the other owns).
const fixture = fixtures.find((f) => f.name === 'errors/unplannable')!;

describe('operations the query planner cannot plan', () => {
  const closeStack = createCloseStack();
  let gateway: StartedGateway;

  beforeAll(async () => {
    const subgraphs = await startCorpusSubgraphs(fixture.subgraphs);
    closeStack.push(subgraphs.close);
    const supergraphSdl = composeCorpusSupergraph(fixture.subgraphs, subgraphs.urls);
    gateway = await startGateway({ supergraphSource: staticSupergraphSource(supergraphSdl), config: { logging: { level: 'debug' } } });
    closeStack.push(gateway.close);
  });
  afterAll(() => closeStack.drain());

  const planningLogs = () => gateway.logs.filter((line) => line.msg === 'the query planner could not plan an operation');

  it('answer QUERY_PLANNING_FAILED with data null, also when only Apollo’s executor would have run them; one warning a minute, the rest at debug', async () => {
    const unplannable = [
      '{ entry(id: "d1") { id } }',
      '{ a: entry(id: "d1") { id } }',
      // The shape compiler refuses this key, so Apollo's executor would have planned it (and thrown: a 500).
      '{ __proto__: entry(id: "d1") { id } }',
    ];
    for (const query of unplannable) {
      const { status, body } = await postGraphQL(gateway.url, query);
      expect({ status, body }).toEqual({
        status: 200,
        body: {
          data: null,
          errors: [
            { message: 'The gateway could not plan this operation over its current supergraph.', extensions: { code: 'QUERY_PLANNING_FAILED' } },
          ],
        },
      });
    }
    // Cached: the same document again is not planned (nor logged) again.
    await postGraphQL(gateway.url, unplannable[0]!);
    const logs = planningLogs();
    expect(logs.map((line) => line.level)).toEqual([40, 20, 20]);
    expect(logs[0]!.err.message).toMatch(/Was not able to find any options for id/);
    expect(typeof logs[0]!.queryHash).toBe('string');
  });
});
