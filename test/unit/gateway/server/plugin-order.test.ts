import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../gateway/config/index.js';
import { createLogger } from '../../../../gateway/observability/index.js';
import { createPlugins, orderPlugins } from '../../../../gateway/server/plugins.js';

describe('plugin order is stated by each plugin (after), not by an array', () => {
  it('orders the default plugins: failed-auth guard, auth, documents, cost, rate limit', () => {
    const config = loadConfig({ input: {}, env: {} });
    const names = createPlugins({ config, logger: createLogger({ level: 'silent' }) }).map((p) => p.name);
    const index = (name: string) => names.indexOf(name);
    expect(index('rate-limit-failed-auth')).toBeLessThan(index('auth'));
    expect(index('auth')).toBeLessThan(index('persisted-documents'));
    expect(index('auth')).toBeLessThan(index('cost'));
    expect(index('cost')).toBeLessThan(index('rate-limit'));
  });

  it('moves a plugin after those it names, whatever order it was given in, and refuses cycles', () => {
    expect(orderPlugins([{ name: 'b', after: ['a'] }, { name: 'c' }, { name: 'a' }]).map((p) => p.name)).toEqual(['a', 'b', 'c']);
    expect(() =>
      orderPlugins([
        { name: 'a', after: ['b'] },
        { name: 'b', after: ['a'] },
      ]),
    ).toThrow(/cycle/);
  });
});
