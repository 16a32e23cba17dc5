import { buildSchema, getOperationAST, parse, print } from 'graphql';
import { describe, expect, it } from 'vitest';
import { readAuthorizationRules, type Caller } from '../../../../../gateway/plugins/auth/authorization-rules.js';
import { buildSupergraphModel } from '../../../../../gateway/supergraph/index.js';
import { filterOperation } from '../../../../../gateway/plugins/auth/operation-filter.js';
import { patchResponse, unauthorizedError } from '../../../../../gateway/plugins/auth/response-patch.js';
import { countingFragmentReads, doublingFragments } from '../../../../helpers/fragment-reads.js';
import { listRemovals } from '../../../../helpers/removals.js';

const SDL = `
schema @link(url: "https://specs.apollo.dev/link/v1.0") @link(url: "https://specs.apollo.dev/authenticated/v0.1")
  @link(url: "https://specs.apollo.dev/requiresScopes/v0.1") @link(url: "https://specs.apollo.dev/policy/v0.1") { query: Query }
directive @link(url: String, as: String, for: String, import: [String]) repeatable on SCHEMA
directive @authenticated on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
directive @requiresScopes(scopes: [[String!]!]!) on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
directive @policy(policies: [[String!]!]!) on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
type Query { me: User @authenticated, user(id: ID!): User, secret: Secret, search: [Result], audit: String @requiresScopes(scopes: [["audit:read"], ["admin", "read"]]), vip: String @policy(policies: [["vip"]]) }
type User { id: ID!, name: String, email(format: String): String @authenticated }
type Secret @requiresScopes(scopes: [["secret:read"]]) { code: String }
type Book { title: String, isbn: String @authenticated }
type Movie { title: String }
union Result = Book | Movie
`;
const schema = buildSchema(SDL, { assumeValidSDL: true });
const rules = readAuthorizationRules(buildSupergraphModel(SDL));
const anonymous: Caller = { authenticated: false, scopes: new Set() };
const member = (...scopes: string[]): Caller => ({ authenticated: true, scopes: new Set(scopes) });

function run(query: string, caller: Caller) {
  const document = parse(query);
  const result = filterOperation(schema, rules, document, getOperationAST(document)!, caller);
  return { ...result, printed: print(result.document).replace(/\s+/g, ' ').trim(), unchanged: result.document === document };
}

describe('filterOperation', () => {
  it.each([
    // query, caller, removed paths, empty
    ['{ user(id: 1) { name email } }', anonymous, [['user', 'email']], false],
    ['{ user(id: 1) { name email } }', member(), [], false],
    ['{ me { id } user(id: 1) { id } }', anonymous, [['me']], false],
    ['{ me { id } }', anonymous, [['me']], true],
    ['{ secret { code } }', member(), [['secret']], true],
    ['{ secret { code } }', member('secret:read'), [], false],
    ['{ audit }', member('audit:read'), [], false],
    ['{ audit }', member('admin'), [['audit']], true],
    ['{ audit }', member('admin', 'read'), [], false],
    ['{ vip }', member('vip'), [['vip']], true],
    ['{ a: user(id: 1) { mail: email } }', anonymous, [['a', 'mail']], false],
  ] as const)('%s', (query, caller, removed, empty) => {
    const result = run(query, caller);
    expect(listRemovals(result.removed).map((r) => r.path)).toEqual(removed);
    expect(result.empty).toBe(empty);
    if (removed.length === 0) expect(result.unchanged).toBe(true);
  });

  it('puts a `__typename` placeholder where a field was removed, keeping its directives', () => {
    const result = run('query ($s: Boolean!) { user(id: 1) { name email @skip(if: $s) } }', anonymous);
    expect(result.printed).toBe('query ($s: Boolean!) { user(id: 1) { name _sy0: __typename @skip(if: $s) } }');
  });

  it('filters a fragment once, keeps its spreads, and drops variables no longer used', () => {
    const result = run(
      'query Q($f: String) { user(id: 1) { ...A ...B } a: user(id: 2) { ...A } } fragment A on User { email(format: $f) name } fragment B on User { id }',
      anonymous,
    );
    expect(result.printed).toBe(
      'query Q { user(id: 1) { ...A ...B } a: user(id: 2) { ...A } } fragment A on User { _sy0: __typename name } fragment B on User { id }',
    );
    expect(listRemovals(result.removed).map((r) => r.path)).toEqual([
      ['user', 'email'],
      ['a', 'email'],
    ]);
  });

  it('keeps a fragment whose fields were all removed, with placeholders', () => {
    const result = run('{ user(id: 1) { id ...A } } fragment A on User { email }', anonymous);
    expect(result.printed).toBe('{ user(id: 1) { id ...A } } fragment A on User { _sy0: __typename }');
  });

  it('filters each fragment once, however often it is spread (linear, not 2^levels)', () => {
    const { document, reads } = countingFragmentReads(
      doublingFragments(40, { type: 'User', leaf: 'name email', root: '{ user(id: 1) { $SPREAD } }' }),
    );
    const result = filterOperation(schema, rules, document, getOperationAST(document)!, anonymous);
    expect(print(result.document)).toContain('fragment F0 on User {\n  name\n  _sy0: __typename\n}');
    // The filter, rebuilding the document and printing it each read every fragment once.
    expect(reads()).toBeLessThanOrEqual(4 * 41);
    // The response is patched once per field too: one null, one error, though 2^40 spreads select it.
    const data = { user: { name: 'Ada', _sy0: 'User' } };
    expect(patchResponse(data, result.removed)).toEqual([unauthorizedError(['user', 'email'])]);
    expect(data).toEqual({ user: { name: 'Ada', email: null } });
  });

  it('nulls a field removed under a union member only on that member, in query order', () => {
    const result = run('{ search { ... on Book { title isbn } ... on Movie { title } } }', anonymous);
    expect(listRemovals(result.removed)).toEqual([{ path: ['search', 'isbn'] }]);
    expect(result.printed).toBe('{ search { ... on Book { title _sy0: __typename } ... on Movie { title } } }');
    const data = { search: [{ title: 'Dune', _sy0: 'Book' }, { title: 'Alien' }] };
    expect(patchResponse(data, result.removed)).toEqual([unauthorizedError(['search', 0, 'isbn'])]);
    expect(JSON.stringify(data)).toBe('{"search":[{"title":"Dune","isbn":null},{"title":"Alien"}]}');
  });
});

describe('filterOperation with interfaces and abstract types (fails closed)', () => {
  const IFACE_SDL = `
schema @link(url: "https://specs.apollo.dev/link/v1.0") @link(url: "https://specs.apollo.dev/authenticated/v0.1") { query: Query }
directive @link(url: String, as: String, for: String, import: [String]) repeatable on SCHEMA
directive @authenticated on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
interface Node { id: ID! email: String }
type User implements Node { id: ID! email: String @authenticated name: String }
type Secret implements Node @authenticated { id: ID! email: String data: String }
type Page implements Named { name: String }
interface Named { name: String }
interface Contact { email: String phone: String }
type Person implements Contact { email: String @authenticated phone: String }
type Query { node(id: ID!): Node named: Named user: User contact: Contact }
`;
  const ifaceSchema = buildSchema(IFACE_SDL, { assumeValidSDL: true });
  const ifaceRules = readAuthorizationRules(buildSupergraphModel(IFACE_SDL));
  const runIface = (query: string, caller: Caller) => {
    const document = parse(query);
    return listRemovals(filterOperation(ifaceSchema, ifaceRules, document, getOperationAST(document)!, caller).removed).map((r) => r.path);
  };

  it.each([
    ["an interface field inherits its implementations' field rules", '{ user { name } named { name } }', anonymous, []],
    ['an interface field protected on an implementation is removed', '{ contact { email phone } }', anonymous, [['contact', 'email']]],
    ['a field returning an interface with a protected implementation', '{ node(id: "1") { id } }', anonymous, [['node']]],
    ['… and a fragment on the protected type under it', '{ node(id: "2") { ... on Secret { data } } }', anonymous, [['node']]],
    ['signed in, nothing is removed', '{ node(id: "1") { id email ... on Secret { data } } }', member(), []],
    ['a protected implementation field, selected through the object', '{ user { email } }', anonymous, [['user', 'email']]],
  ] as const)('%s', (_case, query, caller, removed) => {
    expect(runIface(query, caller)).toEqual(removed);
  });
});
