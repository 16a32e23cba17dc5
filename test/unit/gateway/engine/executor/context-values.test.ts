import type { FetchDataKeyRenamer } from '@apollo/query-planner';
import { buildSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { contextGroups } from '../../../../../gateway/engine/executor/context-values.js';
import { collectAtPath } from '../../../../../gateway/engine/executor/data-tree.js';

const schema = buildSchema(`
  interface Media { lang: String }
  type Movie implements Media { lang: String clip: Clip }
  type Show implements Media { lang: String clip: Clip }
  type Clip { id: ID }
  type Shelf { currency: String books: [Book] }
  type Book { id: ID }
  type Query { feed: [Media] shelves: [Shelf] me: Me }
  type Me { locale: String }
`);

const renamer = (path: string[], renameKeyTo = 'ctx'): FetchDataKeyRenamer => ({ kind: 'KeyRenamer', path, renameKeyTo });

/** The entities at `cursorPath`, as the executor's Flatten collects them. */
function entitiesAt(root: unknown, cursorPath: string[]): unknown[] {
  const entities: unknown[] = [];
  collectAtPath(schema, root, cursorPath, 0, entities);
  return entities;
}

/** The groups as plain arrays: each entity's group and each group's variables (`entityCount` checks the walk). */
function groupsOf(root: unknown, cursorPath: string[], rewrites: FetchDataKeyRenamer[], entityCount: number) {
  const entities = entitiesAt(root, cursorPath);
  expect(entities).toHaveLength(entityCount);
  const groups = contextGroups(schema, root, cursorPath, rewrites, entities);
  return groups && { groupOf: [...groups.groupOf], variables: groups.variables };
}

const shelves = {
  shelves: [
    { __typename: 'Shelf', currency: 'EUR', books: [{ id: 'b1' }, null, { id: 'b2' }] },
    { __typename: 'Shelf', currency: 'USD', books: [{ id: 'b1' }] },
    null,
    { __typename: 'Shelf', currency: 'EUR', books: [] },
    { __typename: 'Shelf', currency: 'EUR', books: [{ id: 'b3' }] },
  ],
};

describe('contextGroups', () => {
  it('`..` steps up past the lists to the object holding the field; equal values share a group', () => {
    expect(groupsOf(shelves, ['shelves', '@', 'books', '@'], [renamer(['..', '... on Shelf', 'currency'])], 4)).toEqual({
      groupOf: [0, 0, 1, 0],
      variables: [{ ctx: 'EUR' }, { ctx: 'USD' }],
    });
  });

  it.each([
    { name: 'a field of the entity itself (no `..`)', path: ['currency'], cursor: ['shelves', '@'], variables: [{ ctx: 'EUR' }, { ctx: 'USD' }] },
    { name: 'two `..` reach the root', path: ['..', '..', 'me', 'locale'], cursor: ['shelves', '@', 'books', '@'], variables: [{ ctx: 'fr' }] },
    {
      name: 'a type condition that fails leaves the variable absent',
      path: ['..', '... on Book', 'currency'],
      cursor: ['shelves', '@', 'books', '@'],
      variables: [{}],
    },
    { name: 'a missing field leaves it absent', path: ['..', 'nothing'], cursor: ['shelves', '@', 'books', '@'], variables: [{}] },
    { name: 'too many `..` leave it absent', path: ['..', '..', '..', 'me'], cursor: ['shelves', '@', 'books', '@'], variables: [{}] },
  ])('$name', ({ path, cursor, variables }) => {
    const root = { ...shelves, me: { locale: 'fr' } };
    // Four shelves and four books (nulls are not entities).
    expect(groupsOf(root, cursor, [renamer(path)], 4)?.variables).toEqual(variables);
  });

  it('a null value is passed as null (not absent)', () => {
    const root = { shelves: [{ __typename: 'Shelf', currency: null, books: [{ id: 'b1' }] }] };
    expect(groupsOf(root, ['shelves', '@', 'books', '@'], [renamer(['..', 'currency'])], 1)?.variables).toEqual([{ ctx: null }]);
  });

  it('several rewrites for one variable (one per implementation): the first that finds a value wins', () => {
    const feed = {
      feed: [
        { __typename: 'Movie', lang: 'en', clip: { id: 'c1' } },
        { __typename: 'Show', lang: 'ja', clip: { id: 'c1' } },
      ],
    };
    const rewrites = [renamer(['..', '... on Movie', 'lang']), renamer(['..', '... on Show', 'lang'])];
    expect(groupsOf(feed, ['feed', '@', 'clip'], rewrites, 2)).toEqual({ groupOf: [0, 1], variables: [{ ctx: 'en' }, { ctx: 'ja' }] });
  });

  it('several variables make one group per distinct combination', () => {
    const root = {
      shelves: [
        { currency: 'EUR', region: 'north', books: [{ id: 'b1' }] },
        { currency: 'EUR', region: 'south', books: [{ id: 'b1' }] },
        { currency: 'EUR', region: 'north', books: [{ id: 'b2' }] },
      ],
    };
    const rewrites = [renamer(['..', 'currency'], 'a'), renamer(['..', 'region'], 'b')];
    expect(groupsOf(root, ['shelves', '@', 'books', '@'], rewrites, 3)).toEqual({
      groupOf: [0, 1, 0],
      variables: [
        { a: 'EUR', b: 'north' },
        { a: 'EUR', b: 'south' },
      ],
    });
  });

  it('a field over a list reads it from every element', () => {
    const root = { shelves: [{ tags: [{ name: 'x' }, { name: 'y' }, null], books: [{ id: 'b1' }] }] };
    expect(groupsOf(root, ['shelves', '@', 'books', '@'], [renamer(['..', 'tags', 'name'])], 1)?.variables).toEqual([{ ctx: ['x', 'y', null] }]);
  });

  it('reads each ancestor once, however many entities lie below it (linear in the data)', () => {
    let reads = 0;
    const shelf = { __typename: 'Shelf', books: Array.from({ length: 1000 }, (_, i) => ({ id: `b${i}` })) };
    Object.defineProperty(shelf, 'currency', { enumerable: true, get: () => (reads++, ['EUR', 'USD']) });
    const groups = groupsOf({ shelves: [shelf, shelf] }, ['shelves', '@', 'books', '@'], [renamer(['..', 'currency'])], 2000);
    expect(groups?.variables).toEqual([{ ctx: ['EUR', 'USD'] }]);
    expect(new Set(groups?.groupOf)).toEqual(new Set([0]));
    expect(reads).toBe(1);
  });

  it('undefined when the walk does not find the entities the fetch has, in its order', () => {
    const cursor = ['shelves', '@', 'books', '@'];
    const entities = entitiesAt(shelves, cursor);
    const rewrites = [renamer(['..', 'currency'])];
    expect(contextGroups(schema, shelves, cursor, rewrites, entities.slice(1))).toBeUndefined();
    expect(contextGroups(schema, shelves, cursor, rewrites, [...entities, { id: 'b9' }])).toBeUndefined();
    expect(contextGroups(schema, shelves, cursor, rewrites, [entities[1], entities[0], ...entities.slice(2)])).toBeUndefined();
  });
});
