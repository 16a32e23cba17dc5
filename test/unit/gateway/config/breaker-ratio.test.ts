import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../gateway/config/index.js';
import { createLogger } from '../../../../gateway/observability/index.js';
import { createSubgraphClient } from '../../../../gateway/subgraph-client/subgraph-client.js';

describe('subgraphs.*.breaker.failureRatio', () => {
  it.each([
    { ratio: 0, ok: true }, // 0 = the sampling breaker is off
    { ratio: 0.5, ok: true },
    { ratio: 0.99, ok: true },
    { ratio: 1, ok: false }, // cockatiel's SamplingBreaker needs a ratio below 1
    { ratio: 1.5, ok: false },
    { ratio: -0.1, ok: false },
  ])('$ratio → accepted: $ok', ({ ratio, ok }) => {
    const load = () => loadConfig({ input: { subgraphs: { overrides: { products: { breaker: { failureRatio: ratio } } } } } });
    if (!ok) {
      expect(load).toThrow(/subgraphs\.overrides\.products\.breaker\.failureRatio/);
      return;
    }
    // Accepted values must also build a working client, not crash at load.
    const client = createSubgraphClient({ config: load().subgraphs, logger: createLogger({ level: 'silent' }) });
    expect(() => client.register('products', 'http://127.0.0.1:1/graphql')).not.toThrow();
  });
});
