import { createSubgraphServer } from '../shared/create-subgraph-server.js';
import { loadTypeDefs } from '../shared/load-type-defs.js';
import type { SubgraphFaults, SubgraphServer } from '../shared/types.js';
import { createUserRepository, type UserRepository } from './data.js';
import { createAccountsLoaders } from './loaders.js';
import { DEFAULT_PAGE_SIZE } from './page-size.js';
import { createAccountsResolvers } from './resolvers.js';

export interface AccountsSubgraphOptions {
  faults?: SubgraphFaults;
  /** Defaults to a fresh seeded repository, so every instance starts from the same data. */
  repository?: UserRepository;
}

export interface AccountsSubgraph extends SubgraphServer {
  repository: UserRepository;
}

export const ACCOUNTS_TYPE_DEFS = loadTypeDefs(new URL('./schema.graphql', import.meta.url), {
  'Query.users.first': DEFAULT_PAGE_SIZE.users,
});

export function createAccountsSubgraph(options: AccountsSubgraphOptions = {}): AccountsSubgraph {
  const repository = options.repository ?? createUserRepository();
  const server = createSubgraphServer({
    name: 'accounts',
    typeDefs: ACCOUNTS_TYPE_DEFS,
    resolvers: createAccountsResolvers(repository),
    createLoaders: createAccountsLoaders(repository),
    faults: options.faults,
  });
  return { ...server, repository };
}
