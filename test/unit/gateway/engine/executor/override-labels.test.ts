import { describe, expect, it } from 'vitest';
import { resolveOverrides } from '../../../../../gateway/engine/executor/override-labels.js';

describe('progressive override labels, per request', () => {
  it('percent(N) is on below N of the draw [0, 100), other labels when config lists them; bits follow the labels', () => {
    const labels = ['beta', 'percent(30)', 'percent(2.5)'];
    const draws = (values: number[]) => () => values.shift()!;
    expect(resolveOverrides(labels, ['beta'], draws([29.9, 2.5]))).toEqual({
      bits: '110',
      conditions: new Map([
        ['beta', true],
        ['percent(30)', true],
        ['percent(2.5)', false],
      ]),
    });
    expect(resolveOverrides(labels, [], draws([30, 0]))?.bits).toBe('001');
  });

  it('a supergraph without labels plans without conditions', () => {
    expect(resolveOverrides([], ['beta'])).toBeUndefined();
  });

  it('the default draw turns percent(50) on for about half of the requests', () => {
    const on = Array.from({ length: 2000 }, () => resolveOverrides(['percent(50)'], [])!.bits === '1').filter(Boolean).length;
    expect(on).toBeGreaterThan(800);
    expect(on).toBeLessThan(1200);
  });
});
