import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { NODE_TS_ARGS, REPO_ROOT } from '../../helpers/gateway.js';

/**
 * ioredis is loaded only when a Redis client is made: a gateway without Redis does not carry it
 * (about 7 MB of resident memory). Checked in a fresh process, where no other test loaded it first.
 */
function ioredisLoadedAfter(script: string): boolean {
  // Seen either way it can load: an ES import (a resolve hook reports it) or a require (its cache).
  const hook = `let port;
    export function initialize(data) { port = data.port; }
    export async function resolve(specifier, context, next) {
      const resolved = await next(specifier, context);
      if (resolved.url.includes('/node_modules/ioredis/')) port.postMessage('ioredis');
      return resolved;
    }`;
  const probe = `
    import { createRequire, register } from 'node:module';
    import { MessageChannel } from 'node:worker_threads';
    const { port1, port2 } = new MessageChannel();
    let imported = false;
    port1.on('message', () => (imported = true));
    register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hook)}), { data: { port: port2 }, transferList: [port2] });
    ${script}
    await new Promise((resolve) => setTimeout(resolve, 100));
    const required = Object.keys(createRequire(import.meta.url).cache).some((path) => path.includes('/node_modules/ioredis/'));
    process.stdout.write('\\n' + String(imported || required));
    process.exit(0);
  `;
  const out = execFileSync(process.execPath, [...NODE_TS_ARGS, '--input-type=module', '-e', probe], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: { ...process.env, APOLLO_TELEMETRY_DISABLED: 'true' },
  });
  // The gateway logs to stdout too: the answer is the last line.
  const answer = out.trim().split('\n').pop();
  if (answer !== 'true' && answer !== 'false') throw new Error(`The probe printed no answer:\n${out}`);
  return answer === 'true';
}

describe('ioredis is loaded on demand', () => {
  it('is not loaded by a gateway built without Redis (rate limits in memory)', () => {
    const loaded = ioredisLoadedAfter(`
      const { loadConfig } = await import('./gateway/config/load-config.ts');
      const { createGateway } = await import('./gateway/server/create-server.ts');
      createGateway({ config: loadConfig({ input: { rateLimit: { enabled: true } }, env: {} }) });
    `);
    expect(loaded).toBe(false);
  }, 60_000);

  it('is loaded once a Redis client is made', () => {
    const loaded = ioredisLoadedAfter(`
      const { createRedisClient } = await import('./gateway/redis.ts');
      createRedisClient('redis://127.0.0.1:1', 'tool').disconnect();
    `);
    expect(loaded).toBe(true);
  }, 60_000);
});
