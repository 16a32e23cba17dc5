import { describe, expect, it } from 'vitest';
import { mergeCacheControl } from '../../../../gateway/engine/cache-control.js';
import { createInFlightDedup, dedupKey } from '../../../../gateway/subgraph-client/dedup.js';

describe('mergeCacheControl: the most restrictive wins', () => {
  it.each([
    [[], undefined],
    [[undefined, undefined], undefined],
    [['max-age=60'], 'max-age=60'],
    [['max-age=60, public', 'max-age=30, public'], 'public, max-age=30'],
    [['max-age=60, public', 'max-age=30, private'], 'private, max-age=30'],
    [['max-age=60', 'no-store'], 'no-store'],
    [['max-age=60', undefined], 'no-store'], // a subgraph that declared nothing may not be cached
    [['public, max-age=60, s-maxage=300', 'public, max-age=120, s-maxage=100'], 'public, max-age=60, s-maxage=100'],
    [['public, max-age=60, s-maxage=300', 'public, max-age=120'], 'public, max-age=60, s-maxage=120'],
    [['max-age=60', 'no-cache'], 'no-cache, max-age=60'],
    [['max-age=60, must-revalidate', 'MAX-AGE=10'], 'max-age=10, must-revalidate'],
    [['private, max-age=60, s-maxage=600'], 'private, max-age=60'],
    [['max-age="45"'], 'max-age=45'],
  ])('%j → %j', (values, expected) => {
    expect(mergeCacheControl(values)).toBe(expected);
  });
});

describe('dedupKey', () => {
  const body = '{"query":"{ a }"}';
  it.each([
    // [description, headers A, headers B, same key?]
    ['same headers, other order', { a: '1', b: '2' }, { b: '2', a: '1' }, true],
    ['only the request id differs', { 'x-request-id': '1', 'x-user-id': '7' }, { 'x-request-id': '2', 'x-user-id': '7' }, true],
    ['identity differs', { 'x-user-id': '7' }, { 'x-user-id': '8' }, false],
    ['a forwarded header is missing on one', { 'x-tenant': 't' }, {}, false],
    ['only trace context differs', { traceparent: 't1', 'x-user-id': '7' }, { traceparent: 't2', 'x-user-id': '7' }, true],
    ['only the signature differs', { 'x-switchyard-signature': 'a', 'x-user-id': '7' }, { 'x-switchyard-signature': 'b', 'x-user-id': '7' }, true],
    ['values cannot run into names', { a: 'b\u0000c' }, { a: 'b', c: '' }, false],
  ])('%s → shared: %s', (_what, a, b, same) => {
    expect(dedupKey('s', body, a) === dedupKey('s', body, b)).toBe(same);
  });

  it('differs by subgraph and body', () => {
    expect(dedupKey('s', body, {})).not.toBe(dedupKey('t', body, {}));
    expect(dedupKey('s', body, {})).not.toBe(dedupKey('s', '{"query":"{ b }"}', {}));
  });
});

describe('in-flight dedup', () => {
  it('shares one call while in flight and forgets it when settled', async () => {
    const dedup = createInFlightDedup<number>();
    let calls = 0;
    let release!: (value: number) => void;
    const call = () => {
      calls++;
      return new Promise<number>((resolve) => (release = resolve));
    };
    const first = dedup.run('k', call);
    const second = dedup.run('k', call);
    expect(calls).toBe(1);
    release(42);
    expect(await Promise.all([first, second])).toEqual([42, 42]);
    expect(dedup.size).toBe(0);
    void dedup.run('k', call);
    expect(calls).toBe(2);
    release(1);
  });

  it('shares a failure too, then lets the next caller try again', async () => {
    const dedup = createInFlightDedup<number>();
    const failing = dedup.run('k', () => Promise.reject(new Error('down')));
    await expect(dedup.run('k', () => Promise.resolve(1))).rejects.toThrow('down');
    await expect(failing).rejects.toThrow('down');
    await expect(dedup.run('k', () => Promise.resolve(1))).resolves.toBe(1);
  });
});
