import { createPrng, pick } from '../shared/prng.js';
import { createRepositoryStats, type RepositoryStats } from '../shared/types.js';

export interface User {
  id: string;
  username: string;
  email: string;
  name: string;
  /** Who registered the account (audit): `client:<id>` or `user:<id>` from the gateway's identity, else `anonymous`. */
  registeredBy?: string;
}

export const USER_COUNT = 1000;
const SEED = 0x5eed0001;
const FIRST_NAMES = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Margaret', 'Ken', 'Radia', 'Linus', 'Frances', 'John'];
const LAST_NAMES = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Hamilton', 'Thompson', 'Perlman', 'Torvalds', 'Allen', 'Backus'];

/** Users "1".."count": `userN`, `userN@example.com`, a seeded full name. Same output on every call. */
export function generateUsers(count = USER_COUNT, seed = SEED): User[] {
  const next = createPrng(seed);
  const users: User[] = [];
  for (let i = 1; i <= count; i++) {
    users.push({ id: String(i), username: `user${i}`, email: `user${i}@example.com`, name: `${pick(next, FIRST_NAMES)} ${pick(next, LAST_NAMES)}` });
  }
  return users;
}

export interface UserRepository {
  stats: RepositoryStats;
  /** One call per DataLoader batch; results are in key order, `null` for unknown ids. */
  findByIds(ids: readonly string[]): Array<User | null>;
  list(first: number): User[];
  findByUsername(username: string): User | undefined;
  insert(input: Omit<User, 'id'>): User;
}

export function createUserRepository(users: User[] = generateUsers()): UserRepository {
  const byId = new Map(users.map((u) => [u.id, u]));
  const byUsername = new Map(users.map((u) => [u.username, u]));
  let lastId = users.reduce((max, u) => Math.max(max, Number(u.id)), 0);
  const stats = createRepositoryStats();
  return {
    stats,
    findByIds(ids) {
      stats.batchLoads++;
      stats.keysLoaded += ids.length;
      return ids.map((id) => byId.get(id) ?? null);
    },
    list(first) {
      return [...byId.values()].slice(0, first);
    },
    findByUsername(username) {
      return byUsername.get(username);
    },
    insert(input) {
      const user: User = { id: String(++lastId), ...input };
      byId.set(user.id, user);
      byUsername.set(user.username, user);
      return user;
    },
  };
}
