import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../helpers/ports.js';
import { describe, expect, it } from 'vitest';
import { NODE_TS_ARGS, REPO_ROOT, waitFor } from '../helpers/gateway.js';
import { postGraphQL, type GraphQLResponse } from '../helpers/subgraphs.js';

const isListening = (port: number) =>
  fetch(`http://127.0.0.1:${port}/graphql`, { method: 'POST' }).then(
    () => true,
    () => false,
  );

/** `gateway/cli/dev.ts` (what `npm start` runs) from `cwd`, every port free and chosen here. */
async function startDev(cwd: string) {
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
  const child = spawn(process.execPath, [...NODE_TS_ARGS, 'gateway/cli/dev.ts'], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c) => (output += c));
  child.stderr.on('data', (c) => (output += c));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { ports, child, output: () => output, exited };
}

// Two tsx processes compile and import Apollo cold; on a busy 2-core CI host that takes a while.
describe('npm start', () => {
  it('runs the four subgraphs and the gateway together, and one SIGINT stops them all', async () => {
    const { ports, child, output: read, exited } = await startDev(REPO_ROOT);
    try {
      await waitFor(
        () => read().includes(`http://127.0.0.1:${ports.gateway}/graphql`),
        60_000,
        'the gateway URL to be printed',
        () => read().slice(-4000),
      );
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

  it('follows edits: a new field in subgraphs/reviews (schema and resolver) is served through the gateway without a restart', async () => {
    // A copy of the workspace, so the edit touches nothing other tests read.
    const workspace = mkdtempSync(join(tmpdir(), 'switchyard-dev-'));
    for (const entry of ['gateway', 'subgraphs', 'supergraph.yaml', 'package.json', 'tsconfig.json']) {
      cpSync(join(REPO_ROOT, entry), join(workspace, entry), { recursive: true });
    }
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(workspace, 'node_modules'), 'dir');
    const { ports, child, output: read, exited } = await startDev(workspace);
    const url = `http://127.0.0.1:${ports.gateway}/graphql`;
    try {
      await waitFor(
        () => read().includes(url),
        60_000,
        'the gateway URL to be printed',
        () => read().slice(-4000),
      );
      await waitFor(() => isListening(ports.reviews), 10_000, 'the subgraphs to listen');
      const before = await postGraphQL(url, '{ topProducts(first: 1) { reviews { body shout } } }');
      expect(before.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');

      const schemaPath = join(workspace, 'subgraphs', 'reviews', 'schema.graphql');
      writeFileSync(
        schemaPath,
        readFileSync(schemaPath, 'utf8').replace('  body: String!\n', '  body: String!\n  "The body, shouted."\n  shout: String!\n'),
      );
      const resolversPath = join(workspace, 'subgraphs', 'reviews', 'resolvers.ts');
      const resolvers = readFileSync(resolversPath, 'utf8');
      expect(resolvers).toContain('    Review: {\n');
      writeFileSync(
        resolversPath,
        resolvers.replace('    Review: {\n', '    Review: {\n      shout: (review: Review) => review.body.toUpperCase(),\n'),
      );

      let answer: GraphQLResponse<{ topProducts: Array<{ reviews: Array<{ body: string; shout: string }> }> }> | undefined;
      await waitFor(
        async () => {
          answer = undefined;
          answer = await postGraphQL<{ topProducts: Array<{ reviews: Array<{ body: string; shout: string }> }> }>(
            url,
            '{ topProducts(first: 1) { reviews { body shout } } }',
          );
          return answer.body.errors === undefined;
        },
        // A cold restart of the subgraphs process (tsx compiling them again) on a loaded CI host.
        90_000,
        'the new field to be served',
        // What the gateway last answered and what the processes printed: the cause, not just the timeout.
        () => `last answer: ${answer ? JSON.stringify(answer.body.errors) : 'none'}\noutput:\n${read().slice(-4000)}`,
      );
      const review = answer!.body.data!.topProducts[0].reviews[0];
      expect(review.shout).toBe(review.body.toUpperCase());
      expect(read()).toContain('subgraphs/reviews/');
    } finally {
      child.kill('SIGINT');
      await exited;
      rmSync(workspace, { recursive: true, force: true });
    }
  }, 200_000);
});
