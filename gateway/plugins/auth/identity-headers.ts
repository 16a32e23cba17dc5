import type { CallerIdentity } from '../../request-context.js';

/** Headers that carry the verified identity to subgraphs; whatever the client sent under these names is dropped. */
export const IDENTITY_HEADERS = { userId: 'x-user-id', scopes: 'x-user-scopes', clientId: 'x-client-id' } as const;
const STRIPPED = [...Object.values(IDENTITY_HEADERS), 'authorization'];

const scopesHeaders = new WeakMap<CallerIdentity, string>();

/**
 * The `x-user-scopes` value: scopes joined by one space. An empty scope or one containing whitespace
 * (possible in a JWT's `scp` array) is dropped, since the subgraph would split it into other scopes.
 * Identities are frozen and cached, so the value is built once per identity.
 */
export function scopesHeaderOf(identity: CallerIdentity): string {
  let value = scopesHeaders.get(identity);
  if (value === undefined) {
    value = identity.scopes.filter((scope) => scope !== '' && !/\s/.test(scope)).join(' ');
    scopesHeaders.set(identity, value);
  }
  return value;
}

/**
 * Writes the identity into the subgraph headers: `headers` mode sends subject, scopes
 * (space-separated) and client id; `token` mode sends the verified JWT as `authorization` instead
 * (API-key callers still get the headers: an API key never leaves the gateway).
 */
export function forwardIdentity(
  subgraphHeaders: Record<string, string>,
  identity: CallerIdentity,
  mode: 'headers' | 'token',
  token: string | undefined,
): void {
  for (const name of STRIPPED) delete subgraphHeaders[name];
  if (identity.kind === 'anonymous') return;
  if (mode === 'token' && token !== undefined) {
    subgraphHeaders.authorization = `Bearer ${token}`;
    return;
  }
  if (identity.subject !== undefined) subgraphHeaders[IDENTITY_HEADERS.userId] = identity.subject;
  const scopes = scopesHeaderOf(identity);
  if (scopes) subgraphHeaders[IDENTITY_HEADERS.scopes] = scopes;
  if (identity.clientId !== undefined) subgraphHeaders[IDENTITY_HEADERS.clientId] = identity.clientId;
}
