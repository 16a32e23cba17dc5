import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../gateway/config/index.js';

describe('playground and introspection defaults follow NODE_ENV unless configured', () => {
  it.each([
    { case: 'development', env: { NODE_ENV: 'development' }, input: {}, playground: true, introspection: true },
    { case: 'NODE_ENV unset', env: {}, input: {}, playground: true, introspection: true },
    { case: 'production', env: { NODE_ENV: 'production' }, input: {}, playground: false, introspection: false },
    {
      case: 'production, playground configured on',
      env: { NODE_ENV: 'production' },
      input: { playground: { enabled: true } },
      playground: true,
      introspection: true,
    },
    {
      case: 'production, env switch on',
      env: { NODE_ENV: 'production', SWITCHYARD_PLAYGROUND: 'true' },
      input: {},
      playground: true,
      introspection: true,
    },
    {
      case: 'introspection set apart from the playground',
      env: {},
      input: { server: { introspection: false } },
      playground: true,
      introspection: false,
    },
    {
      case: 'production, introspection alone',
      env: { NODE_ENV: 'production' },
      input: { server: { introspection: true } },
      playground: false,
      introspection: true,
    },
  ])('$case', ({ env, input, playground, introspection }) => {
    const config = loadConfig({ env, input });
    expect(config.playground.enabled).toBe(playground);
    expect(config.server.introspection).toBe(introspection);
  });

  it('names the key of a bad value', () => {
    expect(() => loadConfig({ env: { SWITCHYARD_PLAYGROUND: 'maybe' } })).toThrow(/playground\.enabled \(from env SWITCHYARD_PLAYGROUND\)/);
    expect(() => loadConfig({ input: { redis: { url: 'localhost:6379' } } })).toThrow(/redis\.url/);
  });
});
