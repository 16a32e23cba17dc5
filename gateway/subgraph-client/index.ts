export {
  createSubgraphClient,
  type OperationKind,
  type SubgraphClient,
  type SubgraphClientOptions,
  type SubgraphRequest,
} from './subgraph-client.js';
export { SubgraphHttpError, SubgraphResponseTooLargeError, SubgraphTransportClosedError, type SubgraphResponse } from './http-transport.js';
export {
  DEFAULT_SUBGRAPH_TRAFFIC,
  resolveSubgraphTraffic,
  type SubgraphsSettings,
  type SubgraphTraffic,
  type SubgraphTrafficSettings,
} from './options.js';
export { isConnectionError, isRetryable, isSubgraphFault } from './fault-kinds.js';
export { DEDUP_IGNORED_HEADERS } from './dedup.js';
export { SubgraphTimeoutError } from './deadline-clock.js';
