export { SubgraphDataSource, type SubgraphDataSourceOptions, type SubgraphRequestContext } from './subgraph-data-source.js';
export { applySubgraphResponseHeaders, createSubgraphResponseCollector, type SubgraphResponseCollector } from './response-collector.js';
export { classifySubgraphFailure, isRequestDeadline, RequestDeadlineError, type SubgraphFailure } from './failure.js';
export { failedFetchPaths, MAX_ERROR_PATHS_PER_FETCH } from './error-paths.js';
export { CONTEXT_FEATURES } from './executor/context-values.js';
export { PlanExecutingGateway, type FallbackReason, type PlanExecutingGatewayOptions } from './executor/plan-executor.js';
export type { IncrementalDelivery, IncrementalItem, SubsequentPayload } from './incremental.js';
