import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { createCloseStack, postGraphQL, startSubgraphs } from '../helpers/subgraphs.js';
import { freePort } from '../helpers/ports.js';
import { waitFor, writeSupergraphYaml } from '../helpers/gateway.js';
import { spawnGatewayProcess } from '../helpers/gateway-process.js';

const closeStack = createCloseStack();
afterAll(() => closeStack.drain());

describe('cluster worker replacement', () => {
  it('keeps the cluster up when a replacement worker fails to start, and retries until one starts', async () => {
    const subgraphs = await startSubgraphs();
    closeStack.push(() => subgraphs.close());
    const port = await freePort();
    const yamlPath = writeSupergraphYaml(subgraphs.urls);
    const goodYaml = readFileSync(yamlPath, 'utf8');
    const gateway = spawnGatewayProcess(['--supergraph-config', yamlPath], {
      PORT: String(port),
      HOST: '127.0.0.1',
      SWITCHYARD_WORKERS: '2',
      SWITCHYARD_SHUTDOWN_GRACE_MS: '1000',
    });
    closeStack.push(gateway.kill);
    const { child, exited } = gateway;
    // What the processes printed, when a wait times out: the cause, not just the timeout.
    const printed = () => `gateway output:\n${gateway.output().slice(-4000)}`;
    // Two workers compile and import Apollo cold through tsx; on a busy 2-core CI host that takes a while.
    await waitFor(() => gateway.output().includes('(2 workers)'), 90_000, 'both workers ready', printed);
    const url = `http://127.0.0.1:${port}/graphql`;

    // A replacement started now cannot load its supergraph; the running worker keeps its last good one.
    writeFileSync(yamlPath, 'subgraphs: [not, a, map]\n');
    process.kill(gateway.readyWorkerPids()[0], 'SIGKILL');
    // The first replacement died unready: retried after a doubled pause instead of stopping everything.
    await waitFor(() => gateway.output().includes('"delayMs":1000'), 45_000, 'a failed replacement start to be retried', printed);
    expect(gateway.output()).not.toMatch(/worker failed to start; stopping/);
    expect(child.exitCode).toBeNull();
    expect((await postGraphQL(url, '{ topProducts(first: 1) { upc } }')).body.errors).toBeUndefined();

    writeFileSync(yamlPath, goodYaml);
    await waitFor(() => gateway.readyWorkerPids().length === 3, 60_000, 'a replacement worker to start once the supergraph is fixed', printed);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 240_000);
});
