import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeSupergraph, type SubgraphSdl } from '../../../gateway/supergraph/compose.js';
import { createComposedSupergraphSource, type LoadedSupergraph } from '../../../gateway/supergraph/supergraph-source.js';
import { waitFor } from '../../helpers/gateway.js';
import { createCloseStack, startSubgraphs, type RunningSubgraphs } from '../../helpers/subgraphs.js';

const closeStack = createCloseStack();
let subgraphs: RunningSubgraphs;

/** supergraph.yaml whose schemas all come from introspection (`subgraph_url`), so polling re-fetches them. */
function yamlFor(urls: Record<string, string>, routingSuffix = ''): string {
  const lines = ['federation_version: =2.9.0', 'subgraphs:'];
  for (const [name, url] of Object.entries(urls)) {
    lines.push(`  ${name}:`, `    routing_url: ${url}${routingSuffix}`, '    schema:', `      subgraph_url: ${url}`);
  }
  return lines.join('\n') + '\n';
}

beforeAll(async () => {
  subgraphs = await startSubgraphs();
  closeStack.push(subgraphs.close);
});
afterAll(() => closeStack.drain());

describe('polling subgraph_url schemas', () => {
  it('does not recompose when the polled inputs are unchanged, and does when they change', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'switchyard-poll-'));
    const configPath = join(folder, 'supergraph.yaml');
    writeFileSync(configPath, yamlFor(subgraphs.urls));
    let compositions = 0;
    const composer = (sdls: readonly SubgraphSdl[]) => {
      compositions++;
      return composeSupergraph(sdls);
    };
    const source = createComposedSupergraphSource({ configPath, pollIntervalSeconds: 0.1, composer });
    const first = await source.load();
    expect(compositions).toBe(1);
    const updates: LoadedSupergraph[] = [];
    const errors: Error[] = [];
    const introspectionsBefore = subgraphs.byName.products.stats.requests;
    const stop = source.watch(first, { onUpdate: (s) => updates.push(s), onError: (e) => errors.push(e) });
    closeStack.push(async () => stop());
    // Three polls re-fetched the SDLs.
    await waitFor(() => subgraphs.byName.products.stats.requests >= introspectionsBefore + 3, 5_000, 'three polls');
    expect(compositions).toBe(1);
    expect(updates).toEqual([]);

    writeFileSync(`${configPath}.tmp`, yamlFor(subgraphs.urls, '?v=2'));
    renameSync(`${configPath}.tmp`, configPath);
    await waitFor(() => updates.length === 1, 5_000, 'the routing URL change to recompose');
    expect(compositions).toBe(2);
    expect(errors).toEqual([]);
  });
});
