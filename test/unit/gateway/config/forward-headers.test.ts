import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../gateway/config/index.js';
import { scopesHeaderOf } from '../../../../gateway/plugins/auth/identity-headers.js';

describe('subgraphs.*.forwardHeaders refuses credential headers', () => {
  it.each(['authorization', 'proxy-authorization', 'cookie', 'x-api-key'])('%s', (name) => {
    expect(() => loadConfig({ input: { subgraphs: { overrides: { products: { forwardHeaders: [name] } } } } })).toThrow(
      /subgraphs\.overrides\.products\.forwardHeaders\.0: credential headers are verified by the gateway/,
    );
    expect(() => loadConfig({ input: { subgraphs: { defaults: { forwardHeaders: ['traceparent', name] } } } })).toThrow(
      /subgraphs\.defaults\.forwardHeaders\.1: credential headers/,
    );
  });

  it('refuses the configured API-key header, wherever it is listed', () => {
    const auth = { apiKeys: { header: 'X-Partner-Key' } };
    expect(() => loadConfig({ input: { auth, subgraphs: { defaults: { forwardHeaders: ['x-partner-key'] } } } })).toThrow(
      /subgraphs\.defaults\.forwardHeaders\.0: credential headers are verified by the gateway and never forwarded to subgraphs \(auth\.apiKeys\.header\)/,
    );
    expect(() =>
      loadConfig({ input: { auth, subgraphs: { overrides: { reviews: { forwardHeaders: ['traceparent', 'x-partner-key'] } } } } }),
    ).toThrow(/subgraphs\.overrides\.reviews\.forwardHeaders\.1: credential headers/);
  });

  it('accepts ordinary headers', () => {
    const config = loadConfig({ input: { subgraphs: { defaults: { forwardHeaders: ['traceparent', 'accept-language'] } } } });
    expect(config.subgraphs.defaults.forwardHeaders).toEqual(['traceparent', 'accept-language']);
  });
});

describe('x-user-scopes value', () => {
  const identity = (scopes: string[]) => Object.freeze({ kind: 'jwt' as const, subject: 's', scopes, tier: 'authenticated' });
  it.each([
    [['read', 'write'], 'read write'],
    [['read', '', 'admin write', 'tab\tscope', 'line\nscope', ' ', 'ok'], 'read ok'],
    [[''], ''],
    [[], ''],
  ])('%j → %j', (scopes, header) => {
    expect(scopesHeaderOf(identity(scopes))).toBe(header);
  });
});
