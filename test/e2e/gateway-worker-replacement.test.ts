import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { createCloseStack, postGraphQL, startSubgraphs } from '../helpers/subgraphs.js';
import { freePort } from '../bench/processes.js';
import { REPO_ROOT, waitFor, writeSupergraphYaml, NODE_TS_ARGS } from '../helpers/gateway.js';

const closeStack = createCloseStack();
afterAll(() => closeStack.drain());

const readyCount = (output: string) => output.split('\n').filter((line) => line.includes('"msg":"worker ready"')).length;

describe('cluster worker replacement', () => {
  it('keeps the cluster up when a replacement worker fails to start, and retries until one starts', async () => {
    const subgraphs = await startSubgraphs();
    closeStack.push(() => subgraphs.close());
    const port = await freePort();
    const yamlPath = writeSupergraphYaml(subgraphs.urls);
    const goodYaml = readFileSync(yamlPath, 'utf8');
    const child: ChildProcess = spawn(process.execPath, [...NODE_TS_ARGS, 'gateway/main.ts', '--supergraph-config', yamlPath], {
      cwd: REPO_ROOT,
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', SWITCHYARD_WORKERS: '2', SWITCHYARD_SHUTDOWN_GRACE_MS: '1000' },
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

    // A replacement started now cannot load its supergraph; the running worker keeps its last good one.
    writeFileSync(yamlPath, 'subgraphs: [not, a, map]\n');
    const pid = Number(/"workerPid":(\d+).*"msg":"worker ready"/.exec(output)![1]);
    process.kill(pid, 'SIGKILL');
    // The first replacement died unready: retried after a doubled pause instead of stopping everything.
    await waitFor(() => output.includes('"delayMs":1000'), 45_000, 'a failed replacement start to be retried');
    expect(output).not.toMatch(/worker failed to start; stopping/);
    expect(child.exitCode).toBeNull();
    expect((await postGraphQL(url, '{ topProducts(first: 1) { upc } }')).body.errors).toBeUndefined();

    writeFileSync(yamlPath, goodYaml);
    await waitFor(() => readyCount(output) === 3, 60_000, 'a replacement worker to start once the supergraph is fixed');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 150_000);
});
