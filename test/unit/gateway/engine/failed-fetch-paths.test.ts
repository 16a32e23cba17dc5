import { describe, expect, it } from 'vitest';
import { failedFetchPaths } from '../../../../gateway/engine/index.js';
import { countingFragmentReads, doublingFragments } from '../../../helpers/fragment-reads.js';

describe('failedFetchPaths', () => {
  it.each([
    {
      case: 'root fields with aliases',
      query: '{ a: users { id } topProducts { upc } __typename }',
      variables: undefined,
      expected: [['a'], ['topProducts']],
    },
    {
      case: 'entity fetch: one path per representation and field',
      query: 'query($representations:[_Any!]!){_entities(representations:$representations){...on Product{inStock shippingEstimate}}}',
      variables: {
        representations: [
          { __typename: 'Product', upc: '1' },
          { __typename: 'Product', upc: '2' },
        ],
      },
      expected: [
        ['_entities', 0, 'inStock'],
        ['_entities', 0, 'shippingEstimate'],
        ['_entities', 1, 'inStock'],
        ['_entities', 1, 'shippingEstimate'],
      ],
    },
    {
      case: "entity fetch of two types picks each type's fields",
      query:
        'query($representations:[_Any!]!){_entities(representations:$representations){...on User{reviews{id}} ...on Product{reviews{id} x: upc}}}',
      variables: {
        representations: [
          { __typename: 'User', id: '1' },
          { __typename: 'Product', upc: '2' },
        ],
      },
      expected: [
        ['_entities', 0, 'reviews'],
        ['_entities', 1, 'reviews'],
        ['_entities', 1, 'x'],
      ],
    },
    {
      case: 'named fragments',
      query: 'query($representations:[_Any!]!){_entities(representations:$representations){...P}} fragment P on Product { name }',
      variables: { representations: [{ __typename: 'Product', upc: '1' }] },
      expected: [['_entities', 0, 'name']],
    },
    {
      case: 'entity fetch split by @context values: each aliased list with its own representations',
      query:
        'query($representations_0:[_Any!]!$representations_1:[_Any!]!$c_0:String$c_1:String){_0:_entities(representations:$representations_0){...on Book{price(c:$c_0)}}_1:_entities(representations:$representations_1){...on Book{price(c:$c_1)}}}',
      variables: {
        representations_0: [
          { __typename: 'Book', id: '1' },
          { __typename: 'Book', id: '2' },
        ],
        representations_1: [{ __typename: 'Book', id: '1' }],
        c_0: 'EUR',
        c_1: 'USD',
      },
      expected: [
        ['_0', 0, 'price'],
        ['_0', 1, 'price'],
        ['_1', 0, 'price'],
      ],
    },
    { case: 'unparseable query', query: '{', variables: undefined, expected: [] },
  ])('$case', ({ query, variables, expected }) => {
    expect(failedFetchPaths(query, undefined, variables)).toEqual(expected);
  });
});

describe('failedFetchPaths limit', () => {
  it('stops building paths at the limit', () => {
    const representations = Array.from({ length: 1000 }, (_, i) => ({ __typename: 'Product', upc: String(i) }));
    const paths = failedFetchPaths(
      'query($representations:[_Any!]!){_entities(representations:$representations){...on Product{inStock shippingEstimate}}}',
      undefined,
      { representations },
      101,
    );
    expect(paths).toHaveLength(101);
    expect(paths[100]).toEqual(['_entities', 50, 'inStock']);
  });
});

describe('failedFetchPaths work is linear in the fetch document', () => {
  it("collects each fragment's keys once, however often it is spread", () => {
    const source = doublingFragments(40, {
      type: 'Product',
      leaf: 'inStock',
      root: 'query($representations:[_Any!]!){_entities(representations:$representations){ $SPREAD }}',
    });
    const { document, reads } = countingFragmentReads(source);
    const paths = failedFetchPaths(source, document, { representations: [{ __typename: 'Product', upc: '1' }] });
    expect(paths).toEqual([['_entities', 0, 'inStock']]);
    expect(reads()).toBeLessThanOrEqual(41);
  });
});
