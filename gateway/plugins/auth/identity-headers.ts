import type { CallerIdentity } from '../../request-context.js';

/** Headers that carry the verified identity to subgraphs; whatever the client sent under these names is dropped. */
export const IDENTITY_HEADERS = { userId: 'x-user-id', scopes: 'x-user-scopes', clientId: 'x-client-id' } as const;
const STRIPPED = [...Object.values(IDENTITY_HEADERS), 'authorization'];

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
  if (identity.scopes.length) subgraphHeaders[IDENTITY_HEADERS.scopes] = identity.scopes.join(' ');
  if (identity.clientId !== undefined) subgraphHeaders[IDENTITY_HEADERS.clientId] = identity.clientId;
}
