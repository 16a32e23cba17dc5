import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisSchemaOverrides } from '../../../gateway/supergraph/redis-registry.js';
import { waitFor } from '../../helpers/gateway.js';
import { startRedis, type RunningRedis } from '../../helpers/redis.js';

let redis: RunningRedis;

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis?.stop());

describe('Redis schema overrides subscription', () => {
  it('reports one change once SUBSCRIBE is acknowledged, covering publishes between load() and the subscription', async () => {
    const overrides = createRedisSchemaOverrides({ url: redis.url });
    try {
      let changes = 0;
      const stop = overrides.subscribe(() => changes++);
      await waitFor(() => changes === 1, 5_000, 'the post-subscribe reload trigger');
      // Exactly one: no second trigger without a publish or reconnect.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(changes).toBe(1);
      stop();
    } finally {
      await overrides.close();
    }
  });
});
