import { buildSchema, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createMaxDepthRule } from '../../../../gateway/server/max-depth-rule.js';
import { countingFragmentReads, doublingFragments } from '../../../helpers/fragment-reads.js';

const schema = buildSchema('type Query { a: Query  x: Int }');
const errorsOf = (source: string, maxDepth: number) =>
  validate(schema, countingFragmentReads(source).document, [createMaxDepthRule(maxDepth)]).map((e) => e.message);

describe('max depth rule', () => {
  it.each([
    ['{ x }', 1, 0],
    ['{ a { x } }', 1, 1],
    ['{ a { a { x } } }', 3, 0],
    ['{ a { ...F } } fragment F on Query { a { x } }', 2, 1],
    ['{ a { ...F } } fragment F on Query { a { x } }', 3, 0],
    ['{ ...F a { ... on Query { a { x } } } } fragment F on Query { x }', 2, 1],
    ['{ ...A } fragment A on Query { a { ...B } } fragment B on Query { ...A x }', 64, 0],
  ])('%s at max %i: %i error(s)', (source, maxDepth, errors) => {
    expect(errorsOf(source, maxDepth)).toHaveLength(errors);
  });

  it('computes each fragment once, however often it is spread (linear, not 2^levels)', () => {
    const { document, reads } = countingFragmentReads(doublingFragments(40, { type: 'Query', leaf: 'a { x }', root: '{ a { $SPREAD } }' }));
    expect(validate(schema, document, [createMaxDepthRule(3)])).toHaveLength(0);
    expect(validate(schema, document, [createMaxDepthRule(2)])).toHaveLength(1);
    // Two validations; visit() itself reads each fragment once, the rule once more.
    expect(reads()).toBeLessThanOrEqual(2 * 2 * 41);
  });
});
