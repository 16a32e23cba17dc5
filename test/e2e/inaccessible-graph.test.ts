import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import inaccessibleFixtures from '../conformance/fixtures/inaccessible.js';
import { startCorpusSubgraphs } from '../conformance/harness/subgraph-servers.js';
import { waitFor } from '../helpers/gateway.js';
import { spawnGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';
import { freePort } from '../helpers/ports.js';
import { createCloseStack, postGraphQL } from '../helpers/subgraphs.js';

const closeStack = createCloseStack();
let url = '';
let gateway: GatewayProcess;

// `npm run gateway` on a supergraph.yaml whose subgraphs use @inaccessible (the corpus fixture's).
beforeAll(async () => {
  const fixture = inaccessibleFixtures[0];
  const subgraphs = await startCorpusSubgraphs(fixture.subgraphs);
  closeStack.push(subgraphs.close);
  const folder = mkdtempSync(join(tmpdir(), 'switchyard-inaccessible-'));
  const lines = ['federation_version: =2.9.0', 'subgraphs:'];
  for (const [name, subgraph] of Object.entries(fixture.subgraphs)) {
    writeFileSync(join(folder, `${name}.graphql`), subgraph.typeDefs);
    lines.push(`  ${name}:`, `    routing_url: ${subgraphs.urls[name]}`, `    schema: { file: ./${name}.graphql }`);
  }
  writeFileSync(join(folder, 'supergraph.yaml'), lines.join('\n') + '\n');
  const port = await freePort();
  gateway = spawnGatewayProcess(['--supergraph-config', join(folder, 'supergraph.yaml')], {
    PORT: String(port),
    HOST: '127.0.0.1',
    NODE_ENV: 'production',
  });
  closeStack.push(gateway.kill);
  url = `http://127.0.0.1:${port}/graphql`;
  await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/health`)).ok, 20_000, `the gateway to start:\n${gateway.output()}`);
});
afterAll(() => closeStack.drain());

describe('a supergraph using @inaccessible under npm run gateway', () => {
  it('starts and serves the accessible fields, joined through the inaccessible key', async () => {
    const { body } = await postGraphQL(url, '{ products { sku name cost } }');
    expect(body).toEqual({
      data: {
        products: [
          { sku: 'SKU-1', name: 'Chair', cost: 10 },
          { sku: 'SKU-2', name: 'Lamp', cost: 20 },
        ],
      },
    });
  });

  it('hides what it marks', async () => {
    const { body } = await postGraphQL(url, '{ products { sku internalCode } }');
    expect(body.errors?.[0]).toMatchObject({
      message: 'Cannot query field "internalCode" on type "Product".',
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
    expect(body.data).toBeUndefined();
  });
});
