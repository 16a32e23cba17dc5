import DataLoader from 'dataloader';
import type { User, UserRepository } from './data.js';

export interface AccountsLoaders {
  userById: DataLoader<string, User | null>;
}

/** Returns a factory building fresh per-request loaders over `repository`. */
export function createAccountsLoaders(repository: UserRepository): () => AccountsLoaders {
  return () => ({
    userById: new DataLoader(async (ids) => repository.findByIds(ids)),
  });
}
