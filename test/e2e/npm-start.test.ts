import { spawn } from 'node:child_process';
import { freePort } from '../helpers/ports.js';
import { describe, expect, it } from 'vitest';
import { NODE_TS_ARGS, REPO_ROOT, waitFor } from '../helpers/gateway.js';
import { postGraphQL } from '../helpers/subgraphs.js';

const isListening = (port: number) =>
  fetch(`http://127.0.0.1:${port}/graphql`, { method: 'POST' }).then(
    () => true,
    () => false,
  );

// Two tsx processes compile and import Apollo cold; on a busy 2-core CI host that takes a while.
describe('npm start', () => {
  it('runs the four subgraphs and the gateway together, and one SIGINT stops them all', async () => {
    const ports = {
      gateway: await freePort(),
      accounts: await freePort(),
      products: await freePort(),
      inventory: await freePort(),
      reviews: await freePort(),
    };
    const env: Record<string, string> = { ...process.env, PORT: String(ports.gateway), HOST: '127.0.0.1' } as Record<string, string>;
    for (const name of ['accounts', 'products', 'inventory', 'reviews'] as const) {
      env[`${name.toUpperCase()}_PORT`] = String(ports[name]);
      env[`${name.toUpperCase()}_URL`] = `http://127.0.0.1:${ports[name]}/graphql`;
    }
    const child = spawn(process.execPath, [...NODE_TS_ARGS, 'gateway/cli/dev.ts'], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c) => (output += c));
    child.stderr.on('data', (c) => (output += c));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await waitFor(() => output.includes(`http://127.0.0.1:${ports.gateway}/graphql`), 60_000, 'the gateway URL to be printed');
      await waitFor(() => isListening(ports.reviews), 10_000, 'the subgraphs to listen');
      const { body } = await postGraphQL(
        `http://127.0.0.1:${ports.gateway}/graphql`,
        '{ topProducts(first: 5) { upc name price inStock shippingEstimate reviews { rating author { username } } } }',
      );
      expect(body.errors).toBeUndefined();
      expect(body.data!.topProducts).toHaveLength(5);
      expect(body.data!.topProducts[0].reviews[0].author.username).toMatch(/^user\d+$/);
      // A local dev server's page (any localhost port) may call it; other origins may not.
      const preflight = (origin: string) =>
        fetch(`http://127.0.0.1:${ports.gateway}/graphql`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } });
      expect((await preflight('http://localhost:5173')).headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
      expect((await preflight('https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    for (const port of Object.values(ports)) expect(await isListening(port)).toBe(false);
  }, 120_000);
});
