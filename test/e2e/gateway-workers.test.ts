import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { createCloseStack, postGraphQL, startSubgraphs } from '../helpers/subgraphs.js';
import { freePort } from '../bench/processes.js';
import { REPO_ROOT, waitFor, writeSupergraphYaml, NODE_TS_ARGS } from '../helpers/gateway.js';

const closeStack = createCloseStack();
afterAll(() => closeStack.drain());

/** Pids of the cluster workers: the gateway logs one "worker ready" line per worker. */
function readyWorkerPids(output: string): number[] {
  return output.split('\n').flatMap((line) => {
    const match = /"workerPid":(\d+).*"msg":"worker ready"/.exec(line);
    return match ? [Number(match[1])] : [];
  });
}

describe('npm run gateway with server.workers (node:cluster)', () => {
  it('serves from 2 workers on one port, replaces a crashed worker, and SIGTERM stops all with exit 0', async () => {
    const subgraphs = await startSubgraphs();
    closeStack.push(() => subgraphs.close());
    const port = await freePort();
    const child: ChildProcess = spawn(process.execPath, [...NODE_TS_ARGS, 'gateway/main.ts', '--supergraph-config', writeSupergraphYaml(subgraphs.urls)], {
      cwd: REPO_ROOT,
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', SWITCHYARD_WORKERS: '2', SWITCHYARD_SHUTDOWN_GRACE_MS: '2000' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    closeStack.push(async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });

    await waitFor(() => output.includes('(2 workers)'), 45_000, 'both workers ready');
    const url = `http://127.0.0.1:${port}/graphql`;
    const query = '{ topProducts(first: 2) { upc name inStock } }';
    const first = await postGraphQL(url, query);
    expect(first.status).toBe(200);
    expect(first.body.errors).toBeUndefined();
    expect(first.body.data?.topProducts).toHaveLength(2);

    const [crashed] = readyWorkerPids(output);
    process.kill(crashed, 'SIGKILL');
    await waitFor(() => readyWorkerPids(output).length === 3, 45_000, 'a replacement worker');
    expect(output).toMatch(/worker died; starting a replacement/);
    expect((await postGraphQL(url, query)).body).toEqual(first.body);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    for (const pid of readyWorkerPids(output).slice(1)) expect(() => process.kill(pid, 0)).toThrow();
  }, 120_000);
});
