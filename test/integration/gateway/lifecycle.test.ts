import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'graphql';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../gateway/config/index.js';
import { createLogger } from '../../../gateway/observability/index.js';
import { createGateway, listen } from '../../../gateway/server/index.js';
import { createSubgraphServer, type RunningSubgraph } from '../../../subgraphs/shared/index.js';
import { createComposedSupergraphSource } from '../../../gateway/supergraph/index.js';
import { startGateway, staticSupergraphSource, waitFor, writeSupergraphYaml } from '../../helpers/gateway.js';
import { createCloseStack, postGraphQL, startSubgraphs } from '../../helpers/subgraphs.js';

const closeStack = createCloseStack();
afterAll(() => closeStack.drain());

const quietLogger = () => createLogger({ level: 'silent' });

describe('gateway lifecycle', () => {
  it('answers /health 503 until a supergraph is loaded, then 200', async () => {
    const subgraphs = await startSubgraphs();
    closeStack.push(subgraphs.close);
    const config = loadConfig({
      input: { server: { port: 0, host: '127.0.0.1' }, supergraph: { source: 'compose', configPath: writeSupergraphYaml(subgraphs.urls) } },
    });
    const gateway = createGateway({ config, logger: quietLogger() });
    const { url } = await listen(gateway, 0, '127.0.0.1');
    closeStack.push(() => gateway.stop());
    expect((await fetch(new URL('/health', url))).status).toBe(503);
    const starting = await fetch(new URL('/ready', url));
    expect(starting.status).toBe(503);
    expect(await starting.json()).toEqual({ status: 'not ready', reasons: ['starting: the supergraph is not loaded yet'] });
    // Alive from the first request on, loaded or not.
    expect((await fetch(new URL('/live', url))).status).toBe(200);
    await gateway.start();
    for (const path of ['/health', '/ready', '/live']) {
      const answer = await fetch(new URL(path, url));
      expect(answer.status, path).toBe(200);
      expect(await answer.json()).toEqual({ status: 'ok' });
    }
    expect((await fetch(new URL('/ready', url), { method: 'HEAD' })).status).toBe(200);
    const post = await fetch(new URL('/live', url), { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('is not ready while Redis is down and rate limits fail closed; alive all along', async () => {
    const subgraphs = await startSubgraphs();
    closeStack.push(subgraphs.close);
    // A precomposed supergraph (the schema registry would need Redis to start); nothing listens on
    // port 9 (discard): Redis is unreachable from the start.
    const { supergraphSdl } = await createComposedSupergraphSource({ configPath: writeSupergraphYaml(subgraphs.urls), env: {} }).load();
    const started = await startGateway({
      supergraphSource: staticSupergraphSource(supergraphSdl),
      config: { redis: { url: 'redis://127.0.0.1:9' }, rateLimit: { failOpen: false }, logging: { level: 'silent' } },
    });
    closeStack.push(started.close);
    const ready = await fetch(new URL('/ready', started.url));
    expect(ready.status).toBe(503);
    expect((await ready.json()).reasons).toEqual(['Redis is unreachable and rate limits fail closed (rateLimit.failOpen: false)']);
    expect((await fetch(new URL('/live', started.url))).status).toBe(200);
  });

  it('finishes in-flight requests on shutdown, then refuses new connections', async () => {
    const subgraphs = await startSubgraphs({ accounts: { faults: { delayMs: 400 } } });
    closeStack.push(subgraphs.close);
    const started = await startGateway({ subgraphUrls: subgraphs.urls });
    const inFlight = postGraphQL(started.url, '{ users(first: 2) { id username } }');
    await waitFor(() => subgraphs.byName.accounts.stats.requests > 0, 5_000, 'the request to reach accounts');
    const stopping = started.close();
    const { status, body } = await inFlight;
    expect(status).toBe(200);
    expect(body.data!.users).toHaveLength(2);
    await stopping;
    await expect(fetch(started.url, { method: 'POST' })).rejects.toThrow();
  });

  it('re-introspects subgraph_url sources on the poll interval and swaps the schema', async () => {
    const version = (fields: string) =>
      createSubgraphServer({
        name: 'extras',
        typeDefs: parse(`extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"]) type Query { ${fields} }`),
        resolvers: { Query: { hello: () => 'hi', goodbye: () => 'bye' } } as never,
        createLoaders: () => ({}),
      });
    let extras: RunningSubgraph = await version('hello: String').listen();
    const port = extras.port;
    closeStack.push(() => extras.close());
    const folder = mkdtempSync(join(tmpdir(), 'switchyard-poll-'));
    writeFileSync(join(folder, 'supergraph.yaml'), `subgraphs:\n  extras:\n    schema:\n      subgraph_url: ${extras.url}\n`);
    const gateway = await startGateway({
      config: { supergraph: { source: 'compose', configPath: join(folder, 'supergraph.yaml'), pollIntervalSeconds: 0.2 } },
    });
    closeStack.push(gateway.close);
    expect((await postGraphQL(gateway.url, '{ hello }')).body.data).toEqual({ hello: 'hi' });
    await extras.close();
    extras = await version('hello: String goodbye: String').listen({ port });
    await waitFor(async () => (await postGraphQL(gateway.url, '{ goodbye }')).body.data?.goodbye === 'bye', 5_000, 'goodbye to appear');
  });
});
