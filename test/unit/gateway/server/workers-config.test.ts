import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../gateway/config/index.js';
import { resolveWorkerCount } from '../../../../gateway/server/cluster.js';

describe('server.workers', () => {
  it.each([
    { env: {}, input: {}, expected: 1 },
    { env: { SWITCHYARD_WORKERS: '3' }, input: {}, expected: 3 },
    { env: { SWITCHYARD_WORKERS: 'auto' }, input: {}, expected: 'auto' },
    { env: {}, input: { server: { workers: 'auto' as const } }, expected: 'auto' },
    { env: { SWITCHYARD_WORKERS: '2' }, input: { server: { workers: 4 } }, expected: 2 },
  ])('$env $input → $expected', ({ env, input, expected }) => {
    expect(loadConfig({ input, env }).server.workers).toBe(expected);
  });

  it.each(['0', 'many', '1.5'])('SWITCHYARD_WORKERS=%s is refused naming the key and the variable', (value) => {
    expect(() => loadConfig({ env: { SWITCHYARD_WORKERS: value } })).toThrow(/server\.workers \(from env SWITCHYARD_WORKERS\)/);
  });

  it('auto is one worker per CPU, at least one', () => {
    expect(resolveWorkerCount('auto', 8)).toBe(8);
    expect(resolveWorkerCount('auto', 0)).toBe(1);
    expect(resolveWorkerCount(3, 8)).toBe(3);
  });
});
