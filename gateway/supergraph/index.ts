export {
  composeSupergraph,
  describeCompositionError,
  formatCompositionError,
  type ComposedSupergraph,
  type CompositionErrorDetail,
  type SubgraphSdl,
} from './compose.js';
export { loadSubgraphSdl } from './load-subgraph-sdl.js';
export {
  createComposedSupergraphSource,
  createFileSupergraphSource,
  type LoadedSupergraph,
  type SubgraphSdlOverrides,
  type SupergraphSource,
} from './supergraph-source.js';
export { createSupergraphHook, type SupergraphHookOptions } from './supergraph-hook.js';
export { parseSupergraphYaml, readSupergraphYaml, expandEnv, type SubgraphDefinition, type SupergraphYaml } from './supergraph-yaml.js';
export { assertServableFeatures, clearSecurityPurposes, prepareSupergraphForEngine } from './security-features.js';
export { buildSupergraphModel, type LinkedFeature, type SupergraphModel } from './supergraph-model.js';
