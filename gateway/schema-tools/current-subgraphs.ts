import { loadSubgraphSdl, readSupergraphYaml, type SubgraphSdl, type SupergraphYaml } from '../supergraph/index.js';

/**
 * Every subgraph as the gateway would compose it now: supergraph.yaml's schema sources, with
 * registry overrides (Redis) replacing the SDL of the subgraphs published there.
 */
export async function loadCurrentSubgraphs(yaml: SupergraphYaml, overrides: ReadonlyMap<string, string> = new Map()): Promise<SubgraphSdl[]> {
  return Promise.all(
    yaml.subgraphs.map(async (subgraph) => ({
      name: subgraph.name,
      url: subgraph.routingUrl,
      sdl: overrides.get(subgraph.name) ?? (await loadSubgraphSdl(subgraph)),
    })),
  );
}

export { readSupergraphYaml };
