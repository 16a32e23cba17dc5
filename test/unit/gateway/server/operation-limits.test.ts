import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../gateway/config/index.js';
import { createOperationLimiter, measureOperations } from '../../../../gateway/server/operation-limits.js';
import { countingFragmentReads, doublingFragments } from '../../../helpers/fragment-reads.js';

const limits = loadConfig({}).limits;

describe('measureOperations', () => {
  it.each([
    ['{ a }', { depth: 1, fields: 1, aliases: 0, rootFields: 1, directives: 0 }],
    ['{ x: a { b c } y: a @include(if: true) { b } }', { depth: 2, fields: 5, aliases: 2, rootFields: 2, directives: 1 }],
    ['query @q { ...F ... on Query { c } } fragment F on Query { a b: a }', { depth: 1, fields: 3, aliases: 1, rootFields: 3, directives: 1 }],
    ['{ a { ...F ...F } } fragment F on T { x: b { c } }', { depth: 3, fields: 5, aliases: 2, rootFields: 1, directives: 0 }],
  ])('%s', (source, expected) => {
    expect(measureOperations(parse(source), 65)).toEqual([expected]);
  });

  it('measures each fragment once, however often it is spread (linear, not 2^levels)', () => {
    const { document, reads } = countingFragmentReads(doublingFragments(40, { type: 'Query', leaf: 'a: b', root: '{ $SPREAD }' }));
    expect(measureOperations(document, 65)).toEqual([{ depth: 1, fields: 2 ** 40, aliases: 2 ** 40, rootFields: 2 ** 40, directives: 0 }]);
    expect(reads()).toBeLessThanOrEqual(41);
  });

  it('stops descending past the depth cap (no deep recursion on hostile nesting)', () => {
    const deep = `{ ${'a { '.repeat(1000)}b${' }'.repeat(1000)} }`;
    expect(measureOperations(parse(deep), 65)[0].depth).toBeGreaterThan(64);
  });
});

describe('createOperationLimiter (defaults)', () => {
  const limiter = createOperationLimiter(limits);
  it.each([
    ['tokens', `{ ${'a '.repeat(15_001)}}`],
    ['depth', `{ ${'a { '.repeat(65)}b${' }'.repeat(65)} }`],
    ['fields', doublingFragments(13, { type: 'Query', leaf: 'a', root: '{ $SPREAD }' })],
    ['aliases', `{ ${Array.from({ length: 101 }, (_, i) => `a${i}: a`).join(' ')} }`],
    ['rootFields', `{ ${Array.from({ length: 65 }, (_, i) => `f${i}`).join(' ')} }`],
    ['directives', `{ a { ${Array.from({ length: 201 }, () => 'b @skip(if: false)').join(' ')} } }`],
  ])('refuses a document over the %s limit', (name, source) => {
    expect(limiter.check(source)).toMatchObject({ code: 'OPERATION_LIMIT_EXCEEDED', limit: { name } });
  });

  it('admits an ordinary document and remembers it', () => {
    expect(limiter.check('query Q($n: Int) { users(first: $n) { id reviews { body } } }')).toBeUndefined();
  });

  it('answers syntax errors as GRAPHQL_PARSE_FAILED with their location', () => {
    expect(limiter.check('{ a ')).toEqual({
      code: 'GRAPHQL_PARSE_FAILED',
      message: 'Syntax Error: Expected Name, found <EOF>.',
      locations: [{ line: 1, column: 5 }],
    });
  });

  it('does not count comments as tokens', () => {
    expect(limiter.check(`# ${'x'.repeat(100_000)}\n{ a }`)).toBeUndefined();
  });
});
