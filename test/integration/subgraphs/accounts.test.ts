import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccountsSubgraph, DEFAULT_PAGE_SIZE } from '../../../subgraphs/accounts/index.js';
import { createCloseStack, postGraphQL } from '../../helpers/subgraphs.js';

const stack = createCloseStack();
const accounts = createAccountsSubgraph();
let url: string;

beforeAll(async () => {
  const running = await accounts.listen();
  stack.push(() => running.close());
  url = running.url;
});
afterAll(() => stack.drain());

const REGISTER = `mutation ($input: RegisterUserInput!) { registerUser(input: $input) { id username email name } }`;

describe('accounts subgraph', () => {
  it('serves its SDL through _service', async () => {
    const { body } = await postGraphQL(url, '{ _service { sdl } }');
    expect(body.data?._service.sdl).toMatch(/type User\s+@key\(fields: "id"\)/);
    expect(body.data?._service.sdl).toContain(`users(first: Int = ${DEFAULT_PAGE_SIZE.users})`);
  });

  it('answers user, users and me', async () => {
    const { body } = await postGraphQL(url, '{ user(id: "42") { id username email } users { id } me { id } }');
    expect(body.data).toEqual({
      user: { id: '42', username: 'user42', email: 'user42@example.com' },
      users: Array.from({ length: DEFAULT_PAGE_SIZE.users }, (_, i) => ({ id: String(i + 1) })),
      me: null,
    });
    const signedIn = await postGraphQL(url, '{ me { username } }', { headers: { 'x-user-id': '7' } });
    expect(signedIn.body.data).toEqual({ me: { username: 'user7' } });
  });

  it('rejects first above the cap with BAD_USER_INPUT', async () => {
    const { body } = await postGraphQL(url, '{ users(first: 101) { id } }');
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('resolves 100 User references with one batched lookup', async () => {
    const representations = Array.from({ length: 100 }, (_, i) => ({ __typename: 'User', id: String(i + 1) }));
    const before = accounts.repository.stats.batchLoads;
    const { body } = await postGraphQL(url, 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { id username } } }', {
      variables: { r: representations },
    });
    expect(body.data?._entities).toHaveLength(100);
    expect(body.data?._entities[99]).toEqual({ id: '100', username: 'user100' });
    expect(accounts.repository.stats.batchLoads - before).toBe(1);
  });

  it('registers a user', async () => {
    const input = { username: 'newcomer', email: 'new@example.com', name: 'New Comer' };
    const { body } = await postGraphQL(url, REGISTER, { variables: { input } });
    expect(body.data?.registerUser).toEqual({ id: '1001', ...input });
    expect(accounts.repository.findByUsername('newcomer')?.registeredBy).toBe('anonymous');
  });

  it.each([
    ['bad email', { username: 'mallory', email: 'not-an-email', name: 'M' }, 'BAD_USER_INPUT', /email/],
    ['duplicate username', { username: 'user1', email: 'x@example.com', name: 'X' }, 'USERNAME_TAKEN', /username/],
  ])('rejects %s with a coded error and stores nothing', async (_case, input, code, message) => {
    const { body } = await postGraphQL(url, REGISTER, { variables: { input } });
    expect(body.data).toBeNull();
    expect(body.errors?.[0]?.extensions?.code).toBe(code);
    expect(body.errors?.[0]?.message).toMatch(message);
    expect(accounts.repository.findByUsername(input.username)?.email).not.toBe(input.email);
    const nextId = await postGraphQL(url, '{ user(id: "1002") { id } }');
    expect(nextId.body.data?.user).toBeNull();
  });

  it.each([
    [{ 'x-client-id': 'signup-app' }, 'client:signup-app', 'via_app'],
    [{ 'x-user-id': '42' }, 'user:42', 'via_user'],
  ])('records the verified caller %j as registeredBy', async (headers, registeredBy, username) => {
    const input = { username, email: 'by@example.com', name: 'By' };
    const { body } = await postGraphQL(url, REGISTER, { variables: { input }, headers });
    expect(body.errors).toBeUndefined();
    expect(accounts.repository.findByUsername(input.username)?.registeredBy).toBe(registeredBy);
  });
});
