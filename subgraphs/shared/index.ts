export { createSubgraphServer } from './create-subgraph-server.js';
export { IDENTITY_HEADERS, readIdentity, readRequestId } from './identity.js';
export { codedError, badUserInput, unauthenticated } from './errors.js';
export { MAX_PAGE_SIZE, assertPageSize } from './pagination.js';
export { createPrng, randomInt, pick, hashString } from './prng.js';
export { loadTypeDefs } from './load-type-defs.js';
export { REQUEST_LOG_LIMIT, createRepositoryStats } from './types.js';
export type {
  Identity,
  RepositoryStats,
  ListenOptions,
  RunningSubgraph,
  SubgraphContext,
  SubgraphFaults,
  SubgraphRequestLogEntry,
  SubgraphResolvers,
  SubgraphServer,
  SubgraphServerOptions,
  SubgraphStats,
} from './types.js';
