import type { FetchNode } from '@apollo/query-planner';
import { buildSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { DistinctRepresentations, selectRepresentation } from '../../../../../gateway/engine/executor/entity-representations.js';

const schema = buildSchema(`
  interface Node { id: ID! }
  type Product implements Node { id: ID! upc: String! price: Int weight: Int sku: String }
  type User implements Node { id: ID! }
  type Query { node: Node }
`);

/** An entity fetch whose `requires` selects `fields` on `typeCondition` (leaf fields: the flat case). */
const fetchOf = (typeCondition: string, fields: string[]): FetchNode =>
  ({
    kind: 'Fetch',
    serviceName: 'test',
    requires: [{ kind: 'InlineFragment', typeCondition, selections: fields.map((name) => ({ kind: 'Field', name })) }],
  }) as unknown as FetchNode;

function distinctOf(fetch: FetchNode, entities: unknown[]) {
  const distinct = new DistinctRepresentations(schema, fetch, entities.length);
  entities.forEach((entity, index) => distinct.add(entity, index));
  return { representations: distinct.representations, representationOf: [...distinct.representationOf] };
}

describe('DistinctRepresentations', () => {
  it.each([
    { keys: ['__typename', 'upc'], name: 'two key fields' },
    { keys: ['upc'], name: 'one key field' },
    { keys: ['__typename', 'upc', 'price', 'weight'], name: 'four key fields' },
  ])('$name: each distinct representation once, every entity pointing at its own', ({ keys }) => {
    const product = (upc: string, price = 1) => ({ __typename: 'Product', upc, price, weight: 2, name: 'ignored' });
    const { representations, representationOf } = distinctOf(fetchOf('Product', keys), [
      product('1'),
      product('2'),
      product('1'),
      { __typename: 'User', id: '9' },
      product('2'),
    ]);
    const pick = (upc: string) => Object.fromEntries(keys.map((key) => [key, (product(upc) as Record<string, unknown>)[key]]));
    expect(representations).toEqual([pick('1'), pick('2')]);
    expect(representationOf).toEqual([0, 1, 0, -1, 1]);
  });

  it('tells apart values that print alike: 1 and "1", and strings that would join into the same text', () => {
    const fetch = fetchOf('Product', ['__typename', 'upc', 'sku']);
    const { representations, representationOf } = distinctOf(fetch, [
      { __typename: 'Product', upc: '1', sku: 'a,b' },
      { __typename: 'Product', upc: '1,a', sku: 'b' },
      { __typename: 'Product', upc: 1, sku: 'a,b' },
      { __typename: 'Product', upc: '1", "a', sku: 'b' },
      { __typename: 'Product', upc: '1', sku: 'a,b' },
    ]);
    expect(representations).toHaveLength(4);
    expect(representationOf).toEqual([0, 1, 2, 3, 0]);
    const twoKeys = distinctOf(fetchOf('Product', ['__typename', 'upc']), [
      { __typename: 'Product', upc: 1 },
      { __typename: 'Product', upc: '1' },
    ]);
    expect(twoKeys.representationOf).toEqual([0, 1]);
  });

  it('an interface condition matches its implementations, each type its own representations; a missing key field means none', () => {
    const { representations, representationOf } = distinctOf(fetchOf('Node', ['__typename', 'id']), [
      { __typename: 'Product', id: '1' },
      { __typename: 'User', id: '1' },
      { __typename: 'Product', id: '1' },
      { __typename: 'Product' },
    ]);
    expect(representations).toEqual([
      { __typename: 'Product', id: '1' },
      { __typename: 'User', id: '1' },
    ]);
    expect(representationOf).toEqual([0, 1, 0, -1]);
  });

  it('an object where a leaf was expected is built and compared by its JSON', () => {
    const { representations, representationOf } = distinctOf(fetchOf('Product', ['__typename', 'upc', 'price']), [
      { __typename: 'Product', upc: { odd: true }, price: 1 },
      { __typename: 'Product', upc: { odd: true }, price: 1 },
    ]);
    expect(representations).toEqual([{ __typename: 'Product', upc: { odd: true }, price: 1 }]);
    expect(representationOf).toEqual([0, 0]);
  });

  it('a flat representation is what selectRepresentation builds, to the byte: key order of the requires, null values kept', () => {
    const fetch = fetchOf('Product', ['upc', '__typename', 'weight', 'price']);
    const entities = [
      { price: 3, name: 'x', weight: null, upc: '1', __typename: 'Product' },
      { __typename: 'Product', weight: 2, upc: '2', price: 0 },
      { upc: '3', __typename: 'Product', price: 'cheap', weight: 2 },
    ];
    const { representations } = distinctOf(fetch, entities);
    expect(representations.map((r) => JSON.stringify(r))).toEqual(
      entities.map((e) => JSON.stringify(selectRepresentation(schema, e, fetch.requires!))),
    );
    expect(JSON.stringify(representations[0])).toBe('{"upc":"1","__typename":"Product","weight":null,"price":3}');
  });
});
