import { assertPageSize } from '../shared/pagination.js';
import type { SubgraphResolvers } from '../shared/types.js';
import type { UserRepository } from './data.js';
import type { AccountsLoaders } from './loaders.js';
import { DEFAULT_PAGE_SIZE } from './page-size.js';
import { validateRegisterUserInput, type RegisterUserInput } from './validation.js';

export function createAccountsResolvers(repository: UserRepository): SubgraphResolvers<AccountsLoaders> {
  return {
    Query: {
      me: (_root, _args, { identity, loaders }) => (identity?.userId === undefined ? null : loaders.userById.load(identity.userId)),
      user: (_root, { id }: { id: string }, { loaders }) => loaders.userById.load(id),
      users: (_root, { first }: { first?: number | null }) => repository.list(assertPageSize(first, DEFAULT_PAGE_SIZE.users)),
    },
    Mutation: {
      registerUser: (_root, { input }: { input: RegisterUserInput }, { identity }) => {
        const error = validateRegisterUserInput(input, (username) => repository.findByUsername(username) !== undefined);
        if (error) throw error;
        // The verified caller (an app's API key, or a signed-in user) is kept for audit.
        const registeredBy = identity?.clientId ? `client:${identity.clientId}` : identity?.userId ? `user:${identity.userId}` : 'anonymous';
        return repository.insert({ username: input.username, email: input.email, name: input.name, registeredBy });
      },
    },
    User: {
      __resolveReference: (ref: { id: string }, { loaders }) => loaders.userById.load(ref.id),
    },
  };
}
