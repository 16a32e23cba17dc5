export { createAccountsSubgraph, ACCOUNTS_TYPE_DEFS } from './server.js';
export type { AccountsSubgraph, AccountsSubgraphOptions } from './server.js';
export { DEFAULT_PAGE_SIZE } from './page-size.js';
export { USER_COUNT, generateUsers, createUserRepository } from './data.js';
export type { User, UserRepository } from './data.js';
export { validateRegisterUserInput } from './validation.js';
export type { RegisterUserInput } from './validation.js';
