import { describe, expect, it } from 'vitest';
import { print } from 'graphql';
import { loadTypeDefs, readIdentity, readRequestId } from '../../../subgraphs/shared/index.js';

describe('readIdentity', () => {
  it.each([
    [{}, null],
    [{ 'x-user-id': '7' }, { userId: '7', scopes: [], clientId: undefined }],
    [
      { 'x-user-id': '7', 'x-user-scopes': 'read  write' },
      { userId: '7', scopes: ['read', 'write'], clientId: undefined },
    ],
    [{ 'x-client-id': 'web' }, { userId: undefined, scopes: [], clientId: 'web' }],
    [{ 'x-user-id': '' }, null],
  ])('%j → %j', (headers, expected) => {
    expect(readIdentity(headers)).toEqual(expected);
  });

  it('reads the request id', () => {
    expect(readRequestId({ 'x-request-id': 'abc' })).toBe('abc');
    expect(readRequestId({})).toBeUndefined();
  });
});

describe('loadTypeDefs', () => {
  const url = new URL('../../../subgraphs/reviews/schema.graphql', import.meta.url);
  it('applies argument defaults from code', () => {
    const sdl = print(loadTypeDefs(url, { 'User.reviews.first': 7, 'Product.reviews.first': 3 }));
    expect(sdl).toMatch(/type User[^}]*reviews\(first: Int = 7\)/s);
    expect(sdl).toMatch(/type Product[^}]*reviews\(first: Int = 3\)/s);
  });
  it('rejects a default naming no argument', () => {
    expect(() => loadTypeDefs(url, { 'User.nope.first': 1 })).toThrow(/User\.nope\.first names no argument/);
  });
});
