import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getOperationAST, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { DEFAULT_INTROSPECTION_COST } from '../../../../gateway/config/limits-schema.js';
import { createCostModel, type CostModel } from '../../../../gateway/plugins/cost/index.js';
import { buildSupergraphModel, composeSupergraph } from '../../../../gateway/supergraph/index.js';
import { countingFragmentReads, doublingFragments } from '../../../helpers/fragment-reads.js';
import { REPO_ROOT, SUBGRAPH_NAMES } from '../../../helpers/gateway.js';

const SETTINGS = { defaultListSize: 10, listSizeArguments: ['first', 'last', 'limit'], introspectionCost: DEFAULT_INTROSPECTION_COST };

function compose(subgraphs: Array<{ name: string; sdl: string }>) {
  return buildSupergraphModel(composeSupergraph(subgraphs.map((s) => ({ ...s, url: `http://${s.name}.invalid/graphql` }))).supergraphSdl);
}

const example = createCostModel(
  compose(SUBGRAPH_NAMES.map((name) => ({ name, sdl: readFileSync(join(REPO_ROOT, 'subgraphs', name, 'schema.graphql'), 'utf8') }))),
  SETTINGS,
);

function costOf(model: CostModel, query: string, variables?: Record<string, unknown>): number {
  const document = parse(query);
  return model.costOf(document, getOperationAST(document)!, variables);
}

// Example subgraphs: lists carry @listSize(assumedSize: 5, slicingArguments: ["first"]);
// Product.shippingEstimate has @cost(weight: 2); Mutation.registerUser has @cost(weight: 10).
const EXAMPLE_CASES: Array<[string, string, Record<string, unknown> | undefined, number]> = [
  ['typename only', '{ __typename }', undefined, 0],
  ['one object, scalars free', '{ product(upc: "1") { upc name price } }', undefined, 1],
  ['list without first: @listSize assumedSize', '{ topProducts { upc } }', undefined, 5],
  ['list with literal first', '{ topProducts(first: 3) { upc name } }', undefined, 3],
  ['@cost on a scalar field', '{ topProducts(first: 2) { upc inStock shippingEstimate } }', undefined, 2 * (1 + 2)],
  ['nested lists multiply', '{ topProducts(first: 3) { reviews(first: 4) { rating author { username } } } }', undefined, 3 * (1 + 4 * (1 + 1))],
  ['first from a variable', 'query ($n: Int) { topProducts(first: $n) { upc } }', { n: 7 }, 7],
  ['variable absent: assumedSize', 'query ($n: Int) { topProducts(first: $n) { upc } }', {}, 5],
  ['variable default', 'query ($n: Int = 4) { users(first: $n) { id } }', undefined, 4],
  ['nested default sizes', '{ me { reviews { product { reviews { id } } } } }', undefined, 1 + 5 * (1 + 1 + 5)],
  ['fragment spread', '{ topProducts(first: 2) { ...P } } fragment P on Product { upc reviews(first: 3) { id } }', undefined, 2 * (1 + 3)],
  ['inline fragment on the same type', '{ product(upc: "1") { ... on Product { reviews(first: 2) { id } } } }', undefined, 1 + 2],
  ['@cost on a mutation field', 'mutation { registerUser(input: { username: "ada", email: "a@b.co", name: "Ada" }) { id } }', undefined, 10],
  ['__schema costs the introspection constant', '{ __schema { types { name fields { name } } } }', undefined, DEFAULT_INTROSPECTION_COST],
  ['__type too, beside normal fields', '{ __type(name: "Product") { name } product(upc: "1") { upc } }', undefined, DEFAULT_INTROSPECTION_COST + 1],
  [
    'each alias of __schema counts',
    '{ a: __schema { queryType { name } } b: __schema { queryType { name } } c: __type(name: "User") { name } }',
    undefined,
    3 * DEFAULT_INTROSPECTION_COST,
  ],
  ['__schema through a fragment', '{ ...I } fragment I on Query { __schema { queryType { name } } }', undefined, DEFAULT_INTROSPECTION_COST],
  ['__typename stays free', '{ __typename a: __typename product(upc: "1") { __typename } }', undefined, 1],
  [
    'big nested page',
    '{ topProducts(first: 100) { reviews(first: 100) { author { reviews(first: 100) { id } } } } }',
    undefined,
    100 * (1 + 100 * (1 + 1 + 100)),
  ],
];

describe('cost model on the composed example supergraph', () => {
  it.each(EXAMPLE_CASES)('%s', (_name, query, variables, expected) => {
    expect(costOf(example, query, variables)).toBe(expected);
  });

  it('compiles once per operation node and re-evaluates variables', () => {
    const document = parse('query ($n: Int) { topProducts(first: $n) { upc } }');
    const operation = getOperationAST(document)!;
    expect(example.costOf(document, operation, { n: 1 })).toBe(1);
    expect(example.costOf(document, operation, { n: 9 })).toBe(9);
  });
});

const PLAIN_SUBGRAPH = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@cost", "@listSize"])
type Thing @key(fields: "id") { id: ID! name: String tags: [String!] }
type Page { items: [Thing!] total: Int }
type Heavy @cost(weight: 7) { id: ID! }
type Query {
  things(limit: Int): [Thing!]
  all: [Thing!]
  defaulted(first: Int = 3): [Thing!]
  page(size: Int): Page @listSize(slicingArguments: ["size"], sizedFields: ["items"])
  heavy: Heavy
  search(text: String @cost(weight: 4)): Thing
}
`;

const plain = createCostModel(compose([{ name: 'plain', sdl: PLAIN_SUBGRAPH }]), SETTINGS);

const PLAIN_CASES: Array<[string, string, number]> = [
  ['configured size argument (limit)', '{ things(limit: 4) { id } }', 4],
  ['no size: defaultListSize', '{ all { id } }', 10],
  ['schema default of the argument', '{ defaulted { id } }', 3],
  ['list of scalars is free', '{ things(limit: 4) { tags } }', 4],
  ['sizedFields: the size applies to the sized child', '{ page(size: 6) { total items { id } } }', 1 + 6],
  ['@cost on a type', '{ heavy { id } }', 7],
  ['@cost on a provided argument', '{ search(text: "x") { id } }', 1 + 4],
  ['@cost argument not provided', '{ search { id } }', 1],
  ['@include(if: false) leaves a field out', '{ all @include(if: false) { id } heavy { id } }', 7],
  ['@skip(if: true) leaves a field out', '{ all @skip(if: true) { id } }', 0],
  ['@skip(if: false) keeps it', '{ all @skip(if: false) { id } }', 10],
  ['@include on a fragment spread', '{ ...F @include(if: false) heavy { id } } fragment F on Query { all { id } }', 7],
];

describe('cost model defaults (a supergraph without @listSize)', () => {
  it.each(PLAIN_CASES)('%s', (_name, query, expected) => {
    expect(costOf(plain, query)).toBe(expected);
  });
});

describe('cost model: @include/@skip with variables', () => {
  const query = 'query ($big: Boolean = false, $hide: Boolean!) { all @include(if: $big) { id } heavy @skip(if: $hide) { id } }';
  it.each([
    [{ hide: false }, 7],
    [{ big: true, hide: false }, 17],
    [{ big: true, hide: true }, 10],
    [{ hide: true }, 0],
  ])('%j → %i', (variables, expected) => {
    expect(costOf(plain, query, variables)).toBe(expected);
  });
});

describe('cost model work is linear in the document', () => {
  const nodes = createCostModel(
    compose([{ name: 'nodes', sdl: `type Query { node: Node }\ntype Node { id: ID  child: Node  children(first: Int): [Node] }` }]),
    SETTINGS,
  );

  it.each([
    ['literal sizes', 'children(first: 2) { id }', undefined, 2 ** 40 * 2],
    ['sizes from a variable', 'children(first: $n) { id }', { n: 3 }, 2 ** 40 * 3],
  ])('compiles each fragment once, however often it is spread (%s)', (_name, leaf, variables, expected) => {
    const { document, reads } = countingFragmentReads(doublingFragments(40, { type: 'Node', leaf, root: `query ($n: Int) { node { $SPREAD } }` }));
    expect(nodes.costOf(document, getOperationAST(document)!, variables)).toBe(1 + expected);
    expect(reads()).toBeLessThanOrEqual(41);
  });
});
