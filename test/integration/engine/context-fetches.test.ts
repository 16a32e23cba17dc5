import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fixtures from '../../conformance/fixtures/context.js';
import { composeCorpusSupergraph, startCorpusSubgraphs, type RunningCorpusSubgraphs } from '../../conformance/harness/subgraph-servers.js';
import { startGateway, staticSupergraphSource, type StartedGateway } from '../../helpers/gateway.js';
import { createCloseStack, postGraphQL } from '../../helpers/subgraphs.js';

// What the @context corpus cannot see: the requests behind an answer. The shelves of the corpus's
// same-subgraph fixture: s1 (EUR: b1, b2), s2 (USD: b1, b3), s3 (EUR: b3), s4 (null: b2).
const fixture = fixtures.find((f) => f.name === 'context/same-subgraph')!;

describe('fetches reading @context values', () => {
  const closeStack = createCloseStack();
  let subgraphs: RunningCorpusSubgraphs;
  let gateway: StartedGateway;

  beforeAll(async () => {
    subgraphs = await startCorpusSubgraphs(fixture.subgraphs, { keepBodies: true });
    closeStack.push(subgraphs.close);
    const supergraphSdl = composeCorpusSupergraph(fixture.subgraphs, subgraphs.urls);
    gateway = await startGateway({ supergraphSource: staticSupergraphSource(supergraphSdl), config: { logging: { level: 'warn' } } });
    closeStack.push(gateway.close);
  });
  afterAll(() => closeStack.drain());

  it('entities reading different values: one request, an aliased _entities per distinct value, each representation once per value', async () => {
    subgraphs.bodies.catalog!.length = 0;
    const answer = (await postGraphQL(gateway.url, '{ shelves { books { id price } } }')).body;
    expect(answer.errors).toBeUndefined();
    const [root, entities, ...more] = subgraphs.bodies.catalog!;
    expect(root!.query).toContain('shelves');
    expect(more).toEqual([]);
    expect(entities!.query).toMatch(/_0:_entities\(representations:\$representations_0\).*_1:_entities.*_2:_entities/);
    const representations = (g: number) => (entities!.variables![`representations_${g}`] as Array<{ id: string }>).map((r) => r.id);
    const values = [0, 1, 2].map((g) => [entities!.variables![`contextualArgument_1_0_${g}`], representations(g)]);
    expect(values).toEqual([
      ['EUR', ['b1', 'b2', 'b3']],
      ['USD', ['b1', 'b3']],
      [null, ['b2']],
    ]);
  });

  it('entities reading one value: the planner’s operation as it is, the value in its own variable', async () => {
    subgraphs.bodies.catalog!.length = 0;
    const answer = (await postGraphQL(gateway.url, '{ shelf(id: "s2") { books { price } } }')).body;
    expect(answer).toEqual({ data: { shelf: { books: [{ price: '10 "USD"' }, { price: '12 "USD"' }] } } });
    const entities = subgraphs.bodies.catalog![1]!;
    expect(entities.query).not.toMatch(/_0:_entities/);
    expect(entities.variables).toEqual({
      representations: [
        { __typename: 'Book', id: 'b1' },
        { __typename: 'Book', id: 'b3' },
      ],
      contextualArgument_1_0: 'USD',
    });
  });

  it('a grouped fetch that fails reports each field it left null, in every group', async () => {
    // The shared-entity fixture with its planning subgraph (only Task.due) unreachable.
    const shared = fixtures.find((f) => f.name === 'context/shared-entity')!;
    const running = await startCorpusSubgraphs(shared.subgraphs);
    closeStack.push(running.close);
    const supergraphSdl = composeCorpusSupergraph(shared.subgraphs, { ...running.urls, planning: 'http://127.0.0.1:9/graphql' });
    const broken = await startGateway({
      supergraphSource: staticSupergraphSource(supergraphSdl),
      config: { logging: { level: 'fatal' }, subgraphs: { defaults: { retry: { maxAttempts: 1 } } } },
    });
    closeStack.push(broken.close);
    const answer = (await postGraphQL(broken.url, '{ offices { team { tasks { due } } } }')).body;
    expect(answer.data).toBeNull();
    const errors = (answer.errors ?? []) as unknown as Array<{ path: Array<string | number>; extensions: { code: string } }>;
    const paths = errors.map((e) => [e.extensions.code, e.path.join('.')]);
    expect(paths.sort()).toEqual(
      [
        'offices.0.team.tasks.0.due',
        'offices.0.team.tasks.1.due',
        'offices.1.team.tasks.0.due',
        'offices.1.team.tasks.1.due',
        'offices.2.team.tasks.0.due',
      ].map((path) => ['SUBGRAPH_UNAVAILABLE', path]),
    );
  });
});
