import {
  buildClientSchema,
  getIntrospectionQuery,
  getNamedType,
  isAbstractType,
  isCompositeType,
  isEnumType,
  isNonNullType,
  isObjectType,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrng, pick, randomInt } from '../../../subgraphs/index.js';
import { ourComparable, type HttpAnswer } from '../../conformance/harness/compare.js';
import { startGateway, type StartedGateway } from '../../helpers/gateway.js';
import { createCloseStack, startSubgraphs } from '../../helpers/subgraphs.js';

/**
 * Randomised differential test: operations generated over the example graph (aliases, arguments,
 * fragments, __typename, entity hops across all four subgraphs), each answered by Switchyard on its
 * own executor and on Apollo's; the answers must agree. The seed is printed with every failure:
 * RANDOM_DIFFERENTIAL_SEED=<seed> reproduces a run.
 */
const SEED = Number(process.env.RANDOM_DIFFERENTIAL_SEED ?? Date.now() % 1_000_000);
const OPERATIONS = 80;
const MAX_DEPTH = 5;
const IDS = ['1', '2', '3', '4', '5', '999'];

const closeStack = createCloseStack();
let ours: StartedGateway;
let apollos: StartedGateway;
let schema: GraphQLSchema;

beforeAll(async () => {
  const subgraphs = await startSubgraphs();
  closeStack.push(subgraphs.close);
  const config = { logging: { level: 'warn' as const }, rateLimit: { enabled: false } };
  ours = await startGateway({ subgraphUrls: subgraphs.urls, config });
  closeStack.push(ours.close);
  apollos = await startGateway({ subgraphUrls: subgraphs.urls, config: { ...config, server: { executor: 'apollo' } } });
  closeStack.push(apollos.close);
  const introspection = await post(ours, getIntrospectionQuery());
  schema = buildClientSchema(introspection.body.data as never);
});
afterAll(() => closeStack.drain());

async function post(gateway: StartedGateway, query: string): Promise<HttpAnswer> {
  const response = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
  return { status: response.status, body: (await response.json()) as HttpAnswer['body'] };
}

function generator(next: () => number) {
  let aliases = 0;
  const fragments: string[] = [];

  function argumentsOf(field: GraphQLField<unknown, unknown>): string {
    const parts: string[] = [];
    for (const arg of field.args) {
      const required = isNonNullType(arg.type);
      if (!required && next() < 0.5) continue;
      const type = getNamedType(arg.type);
      if (type.name === 'Int') parts.push(`${arg.name}: ${randomInt(next, 0, 4)}`);
      else if (type.name === 'ID' || type.name === 'String') parts.push(`${arg.name}: "${pick(next, IDS)}"`);
      else if (isEnumType(type)) parts.push(`${arg.name}: ${pick(next, type.getValues()).name}`);
      else if (required) return '\u0000';
    }
    return parts.length ? `(${parts.join(', ')})` : '';
  }

  function selection(type: GraphQLCompositeType, depth: number): string {
    const parts: string[] = [];
    if (isAbstractType(type)) {
      parts.push('__typename');
      for (const possible of schema.getPossibleTypes(type)) if (next() < 0.7) parts.push(`... on ${possible.name} ${selection(possible, depth)}`);
      return `{ ${parts.join(' ')} }`;
    }
    const fields = Object.values((type as { getFields(): Record<string, GraphQLField<unknown, unknown>> }).getFields());
    const count = randomInt(next, 1, 4);
    // A field selected twice with arguments needs an alias (fields with one response key must merge).
    const used = new Set<string>();
    for (let i = 0; i < count; i++) {
      const field = pick(next, fields);
      const named = getNamedType(field.type) as GraphQLNamedType;
      const composite = isCompositeType(named);
      if (composite && depth >= MAX_DEPTH) continue;
      const args = argumentsOf(field);
      if (args === '\u0000') continue;
      const alias = next() < 0.15 || (used.has(field.name) && field.args.length > 0) ? `a${aliases++}: ` : '';
      if (!alias) used.add(field.name);
      parts.push(`${alias}${field.name}${args}${composite ? ` ${selection(named as GraphQLCompositeType, depth + 1)}` : ''}`);
    }
    if (next() < 0.2) parts.push('__typename');
    if (isObjectType(type) && next() < 0.1) parts.push(`... on ${type.name} { __typename }`);
    if (isObjectType(type) && depth > 0 && next() < 0.1) {
      const name = `F${fragments.length}`;
      const index = fragments.push('') - 1;
      fragments[index] = `fragment ${name} on ${type.name} ${selection(type, MAX_DEPTH)}`;
      parts.push(`...${name}`);
    }
    if (parts.length === 0) parts.push('__typename');
    return `{ ${parts.join(' ')} }`;
  }

  return () => {
    fragments.length = 0;
    const root = selection(schema.getQueryType()!, 0);
    return [`query ${root}`, ...fragments].join('\n');
  };
}

describe(`random operations over the example graph: Switchyard's executor against Apollo's (seed ${SEED})`, () => {
  it(`${OPERATIONS} generated operations get the same data and errors from both`, async () => {
    const generate = generator(createPrng(SEED));
    let compared = 0;
    for (let i = 0; i < OPERATIONS; i++) {
      const query = generate();
      const [a, b] = await Promise.all([post(ours, query), post(apollos, query)]);
      if (process.env.RANDOM_DIFFERENTIAL_PRINT) console.log(query, JSON.stringify(a.body).slice(0, 300));
      const mine = ourComparable(a);
      // Our executor reports a non-null field completing to null as a field error (spec 6.4.4); Apollo's does not.
      mine.errors = mine.errors.filter((e) => e.code !== 'INVALID_FIELD_VALUE');
      expect(mine, `seed ${SEED}, operation ${i}:\n${query}`).toEqual(ourComparable(b));
      if (a.body.data) compared++;
    }
    // Most operations must have produced data (a generator that only makes refused documents tests nothing).
    expect(compared).toBeGreaterThan(OPERATIONS / 2);
  }, 60_000);
});
