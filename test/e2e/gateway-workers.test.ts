import { afterAll, describe, expect, it } from 'vitest';
import { createCloseStack, postGraphQL, startSubgraphs } from '../helpers/subgraphs.js';
import { freePort } from '../helpers/ports.js';
import { waitFor, writeSupergraphYaml } from '../helpers/gateway.js';
import { spawnGatewayProcess } from '../helpers/gateway-process.js';

const closeStack = createCloseStack();
afterAll(() => closeStack.drain());

describe('npm run gateway with server.workers (node:cluster)', () => {
  it('serves from 2 workers on one port, replaces a crashed worker, and SIGTERM stops all with exit 0', async () => {
    const subgraphs = await startSubgraphs();
    closeStack.push(() => subgraphs.close());
    const port = await freePort();
    const gateway = spawnGatewayProcess(['--supergraph-config', writeSupergraphYaml(subgraphs.urls)], {
      PORT: String(port),
      HOST: '127.0.0.1',
      SWITCHYARD_WORKERS: '2',
      SWITCHYARD_SHUTDOWN_GRACE_MS: '2000',
    });
    closeStack.push(gateway.kill);
    const { child, exited } = gateway;
    const output = () => gateway.output();
    const readyWorkerPids = () => gateway.readyWorkerPids();

    const printed = () => `gateway output:\n${output().slice(-4000)}`;
    // Two workers compile and import Apollo cold through tsx; on a busy 2-core CI host that takes a while.
    await waitFor(() => output().includes('(2 workers)'), 90_000, 'both workers ready', printed);
    const url = `http://127.0.0.1:${port}/graphql`;
    const query = '{ topProducts(first: 2) { upc name inStock } }';
    const first = await postGraphQL(url, query);
    expect(first.status).toBe(200);
    expect(first.body.errors).toBeUndefined();
    expect(first.body.data?.topProducts).toHaveLength(2);

    const [crashed] = readyWorkerPids();
    process.kill(crashed, 'SIGKILL');
    await waitFor(() => readyWorkerPids().length === 3, 45_000, 'a replacement worker', printed);
    expect(output()).toMatch(/worker died; starting a replacement/);
    expect((await postGraphQL(url, query)).body).toEqual(first.body);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    for (const pid of readyWorkerPids().slice(1)) expect(() => process.kill(pid, 0)).toThrow();
  }, 180_000);
});
