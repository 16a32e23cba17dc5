import { buildSchema, getOperationAST, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { filteredQueryHash } from '../../../../../gateway/plugins/auth/authorization-plugin.js';
import { readAuthorizationRules, type Caller } from '../../../../../gateway/plugins/auth/authorization-rules.js';
import { buildSupergraphModel } from '../../../../../gateway/supergraph/index.js';
import { filterOperation } from '../../../../../gateway/plugins/auth/operation-filter.js';
import { listRemovals } from '../../../../helpers/removals.js';

const SDL = `
schema @link(url: "https://specs.apollo.dev/link/v1.0") @link(url: "https://specs.apollo.dev/requiresScopes/v0.1") { query: Query }
directive @link(url: String, as: String, for: String, import: [String]) repeatable on SCHEMA
directive @requiresScopes(scopes: [[String!]!]!) on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
type Query { search: [Result] }
type Book { title: String, isbn: String @requiresScopes(scopes: [["book"]]) }
type Movie { title: String, code: String @requiresScopes(scopes: [["movie"]]) }
union Result = Book | Movie
`;
const schema = buildSchema(SDL, { assumeValidSDL: true });
const rules = readAuthorizationRules(buildSupergraphModel(SDL));
const member = (...scopes: string[]): Caller => ({ authenticated: true, scopes: new Set(scopes) });
const QUERY = parse('{ search { ... on Book { x: isbn } ... on Movie { x: code } } }');

function filtered(caller: Caller) {
  return filterOperation(schema, rules, QUERY, getOperationAST(QUERY)!, caller);
}

describe('filteredQueryHash (plan-cache key of a filtered document)', () => {
  it('differs for different filtered documents that removed the same path', () => {
    const movieFan = filtered(member('movie'));
    const bookFan = filtered(member('book'));
    // Same removed path, different removed fields: the old key (query hash + paths) collided here.
    expect(listRemovals(movieFan.removed).map((r) => r.path)).toEqual([['search', 'x']]);
    expect(listRemovals(bookFan.removed).map((r) => r.path)).toEqual([['search', 'x']]);
    expect(filteredQueryHash(movieFan.document)).not.toBe(filteredQueryHash(bookFan.document));
  });

  it('is equal for equal filtered documents', () => {
    expect(filteredQueryHash(filtered(member('movie')).document)).toBe(filteredQueryHash(filtered(member('movie', 'other')).document));
  });
});
