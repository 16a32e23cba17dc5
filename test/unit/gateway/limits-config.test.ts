import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../gateway/config/index.js';

describe('rateLimit / cost config', () => {
  it('names every bad key at start', () => {
    expect(() =>
      loadConfig({
        input: { rateLimit: { trustedProxies: ['10.0.0.0/33'], tiers: { anonymous: { points: 0 } } }, cost: { maxCost: -1 } },
        env: { REDIS_URL: 'localhost:6379' },
      }),
    ).toThrow(
      /redis\.url \(from env REDIS_URL\): expected a redis:\/\/[\s\S]*rateLimit\.tiers\.anonymous\.points[\s\S]*rateLimit\.trustedProxies\.0: must be an IP address or CIDR[\s\S]*cost\.maxCost/,
    );
  });

  it('lays configured tiers over the defaults', () => {
    const config = loadConfig({ input: { rateLimit: { tiers: { anonymous: { points: 5 } } } } });
    expect(config.rateLimit.tiers.anonymous).toEqual({ points: 5, durationSeconds: 1, burst: 0, burstDurationSeconds: 10 });
    expect(config.rateLimit.tiers.partner.points).toBe(1000);
  });
});
