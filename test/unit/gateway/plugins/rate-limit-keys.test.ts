import { parse, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { clientKeyOf, operationPoints } from '../../../../gateway/plugins/rate-limit/limiter.js';
import { countRootFields } from '../../../../gateway/plugins/rate-limit/root-fields.js';
import { countingFragmentReads, doublingFragments } from '../../../helpers/fragment-reads.js';

function counts(query: string): Record<string, number> {
  const document = parse(query);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition')!;
  return Object.fromEntries(countRootFields(document, operation));
}

describe('rate limit: root field counts', () => {
  it.each([
    ['{ a }', { a: 1 }],
    ['mutation anyName { x: registerUser y: registerUser z: registerUser }', { registerUser: 3 }],
    ['mutation { ...F ... on Mutation { registerUser } } fragment F on Mutation { registerUser r2: registerUser }', { registerUser: 3 }],
    ['{ ...A } fragment A on Query { a ...B } fragment B on Query { ...A b }', { a: 1, b: 1 }],
    ['{ a { registerUser } }', { a: 1 }],
  ])('%s', (query, expected) => {
    expect(counts(query)).toEqual(expected);
  });

  it('walks each fragment once, however often it is spread (linear, not 2^levels)', () => {
    const { document, reads } = countingFragmentReads(
      doublingFragments(30, { type: 'Mutation', leaf: 'registerUser', root: 'mutation { $SPREAD }' }),
    );
    const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition')!;
    expect(Object.fromEntries(countRootFields(document, operation))).toEqual({ registerUser: 2 ** 30 });
    expect(reads()).toBeLessThanOrEqual(31);
  });

  it('caches per operation node', () => {
    const document = parse('{ a b }');
    const operation = document.definitions[0] as OperationDefinitionNode;
    expect(countRootFields(document, operation)).toBe(countRootFields(document, operation));
  });

  it.each([
    ['registerUser', 'signUp', { registerUser: 2 }, 2],
    ['registerUser', 'registerUser', {}, 1],
    ['registerUser', 'registerUser', { registerUser: 3 }, 3],
    ['registerUser', 'other', {}, 0],
    ['registerUser', null, undefined, 0],
    ['registerUser', 'registerUser', undefined, 1],
  ] as const)('operations.%s with operation %s and root fields %j charges %i', (name, operationName, fields, points) => {
    expect(operationPoints(name, operationName, fields ? new Map(Object.entries(fields)) : undefined)).toBe(points);
  });
});

describe('rate limit: client keys', () => {
  it.each([
    [{ kind: 'api-key', clientId: 'app-1', subject: 'x', scopes: [], tier: 'api-key' }, 'key:app-1'],
    [{ kind: 'jwt', clientId: 'app-1', subject: 'user-1', scopes: [], tier: 'authenticated' }, 'jwt:user-1'],
    [{ kind: 'jwt', clientId: 'app-1', scopes: [], tier: 'authenticated' }, undefined],
    [{ kind: 'anonymous', scopes: [], tier: 'anonymous' }, undefined],
    [undefined, undefined],
  ] as const)('%j → %s', (identity, key) => {
    expect(clientKeyOf(identity)).toBe(key);
  });
});
