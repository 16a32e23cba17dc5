import type { FetchNode } from '@apollo/query-planner';
import { stripIgnoredCharacters } from 'graphql';
import { describe, expect, it } from 'vitest';
import { groupedEntitiesOperation } from '../../../../../gateway/engine/executor/grouped-entities-operation.js';

/** An entity fetch as the planner writes it, reading `contextual` from @context. */
const fetchOf = (operation: string, contextual: string[]): FetchNode =>
  ({
    kind: 'Fetch',
    serviceName: 'catalog',
    operation,
    contextRewrites: contextual.map((renameKeyTo) => ({ kind: 'KeyRenamer', path: ['..', 'currency'], renameKeyTo })),
  }) as unknown as FetchNode;

/** GraphQL text without insignificant whitespace, as the grouped operation is printed. */
const compact = (text: string) => stripIgnoredCharacters(text);

describe('groupedEntitiesOperation', () => {
  it('one aliased _entities per group, each with its own representations and contextual variables', () => {
    const fetch = fetchOf(
      'query Q__catalog__1($representations:[_Any!]!$discount:Int$contextualArgument_1_0:String){_entities(representations:$representations){...on Book{price(discount:$discount currency:$contextualArgument_1_0)}}}',
      ['contextualArgument_1_0'],
    );
    const { query, separator } = groupedEntitiesOperation(fetch, 2);
    expect(separator).toBe('_');
    expect(query).toBe(
      compact(`query Q__catalog__1($representations_0: [_Any!]!, $representations_1: [_Any!]!, $discount: Int, $contextualArgument_1_0_0: String, $contextualArgument_1_0_1: String) {
        _0: _entities(representations: $representations_0) { ... on Book { price(discount: $discount, currency: $contextualArgument_1_0_0) } }
        _1: _entities(representations: $representations_1) { ... on Book { price(discount: $discount, currency: $contextualArgument_1_0_1) } }
      }`),
    );
  });

  it('copies per group only the fragments that use a contextual variable, directly or through another fragment', () => {
    const fetch = fetchOf(
      'query($representations:[_Any!]!$c:String){_entities(representations:$representations){...on Book{...Outer ...Plain}}} fragment Outer on Book{...Inner} fragment Inner on Book{price(currency:$c)} fragment Plain on Book{title}',
      ['c'],
    );
    const { query } = groupedEntitiesOperation(fetch, 2);
    const printed = query;
    expect(printed).toContain(compact('_0: _entities(representations: $representations_0) { ... on Book { ...Outer_0 ...Plain } }'));
    expect(printed).toContain(compact('_1: _entities(representations: $representations_1) { ... on Book { ...Outer_1 ...Plain } }'));
    expect(printed).toContain(compact('fragment Outer_1 on Book { ...Inner_1 }'));
    expect(printed).toContain(compact('fragment Inner_0 on Book { price(currency: $c_0) }'));
    expect(printed.match(/fragment Plain\b/g)).toHaveLength(1);
    expect(printed).not.toMatch(/fragment (Outer|Inner) on/);
  });

  it('picks a separator no variable of the fetch can clash with', () => {
    const fetch = fetchOf(
      'query($representations:[_Any!]!$representations_1:Int$c:String){_entities(representations:$representations){...on Book{price(discount:$representations_1 currency:$c)}}}',
      ['c'],
    );
    const { query, separator } = groupedEntitiesOperation(fetch, 2);
    expect(separator).toBe('__');
    expect(query).toContain(
      compact('$representations__0: [_Any!]!, $representations__1: [_Any!]!, $representations_1: Int, $c__0: String, $c__1: String'),
    );
  });

  it('picks a separator no fragment of the fetch can clash with either', () => {
    const fetch = fetchOf(
      'query($representations:[_Any!]!$c:String){_entities(representations:$representations){...on Book{...Inner ...Inner_0}}} fragment Inner on Book{price(currency:$c)} fragment Inner_0 on Book{title}',
      ['c'],
    );
    const { query, separator } = groupedEntitiesOperation(fetch, 2);
    expect(separator).toBe('__');
    expect(query).toContain(compact('fragment Inner__0 on Book { price(currency: $c__0) }'));
    expect(query.match(/fragment Inner_0\b/g)).toHaveLength(1);
  });

  it('refuses a fetch that is not a single _entities field', () => {
    expect(() => groupedEntitiesOperation(fetchOf('{ shelves { id } }', ['c']), 2)).toThrow(/single _entities field/);
  });
});
