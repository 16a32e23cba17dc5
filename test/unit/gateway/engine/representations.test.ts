import { describe, expect, it } from 'vitest';
import { dedupeRepresentations, expandEntitiesResponse } from '../../../../gateway/engine/representations.js';

const p = (upc: string) => ({ __typename: 'Product', upc });

describe('dedupeRepresentations', () => {
  it.each([
    { case: 'all distinct', input: [p('1'), p('2')], unique: undefined },
    { case: 'one', input: [p('1')], unique: undefined },
    { case: 'repeats', input: [p('1'), p('2'), p('1'), p('1')], unique: { unique: [p('1'), p('2')], uniqueIndexOf: [0, 1, 0, 0] } },
    {
      case: 'same key, other type',
      input: [
        { __typename: 'User', id: '1' },
        { __typename: 'Review', id: '1' },
        { __typename: 'User', id: '1' },
      ],
      unique: {
        unique: [
          { __typename: 'User', id: '1' },
          { __typename: 'Review', id: '1' },
        ],
        uniqueIndexOf: [0, 1, 0],
      },
    },
  ])('$case', ({ input, unique }) => {
    const result = dedupeRepresentations(input);
    expect(result && { unique: result.unique, uniqueIndexOf: [...result.uniqueIndexOf] }).toEqual(unique);
  });
});

describe('expandEntitiesResponse', () => {
  const deduped = dedupeRepresentations([p('1'), p('2'), p('1')])!;

  it('gives every original index its answer', () => {
    const expanded = expandEntitiesResponse({ data: { _entities: [{ name: 'one' }, { name: 'two' }] } }, deduped);
    expect(expanded.data).toEqual({ _entities: [{ name: 'one' }, { name: 'two' }, { name: 'one' }] });
  });

  it('reports an error at every original index of the failed representation', () => {
    const expanded = expandEntitiesResponse(
      { data: { _entities: [null, { name: 'two' }] }, errors: [{ message: 'gone', path: ['_entities', 0, 'name'] }, { message: 'other' }] },
      deduped,
    );
    expect(expanded.errors).toEqual([
      { message: 'gone', path: ['_entities', 0, 'name'] },
      { message: 'gone', path: ['_entities', 2, 'name'] },
      { message: 'other' },
    ]);
    expect(expanded.data).toEqual({ _entities: [null, { name: 'two' }, null] });
  });

  it('leaves a response of unexpected shape as it is (the executor reports it)', () => {
    const response = { data: { _entities: [{ name: 'one' }] } };
    expect(expandEntitiesResponse(response, deduped).data).toEqual(response.data);
  });
});
