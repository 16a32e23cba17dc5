export { SubgraphDataSource, type SubgraphDataSourceOptions, type SubgraphRequestContext } from './subgraph-data-source.js';
export { createSubgraphClient, type OperationKind, type SubgraphClient, type SubgraphClientOptions } from './subgraph-client.js';
export { SubgraphHttpError, type SubgraphResponse } from './http-transport.js';
export {
  applySubgraphResponseHeaders,
  createSubgraphResponseCollector,
  type SubgraphResponseCollector,
} from './response-collector.js';
export { resolveSubgraphTraffic, type SubgraphTraffic } from './options.js';
export { classifySubgraphFailure, type SubgraphFailure } from './failure.js';
export { failedFetchPaths, MAX_ERROR_PATHS_PER_FETCH } from './error-paths.js';
