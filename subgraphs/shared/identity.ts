import type { IncomingHttpHeaders } from 'node:http';
import type { Identity } from './types.js';

/** Header names the gateway sets after authenticating the client. */
export const IDENTITY_HEADERS = {
  userId: 'x-user-id',
  scopes: 'x-user-scopes',
  clientId: 'x-client-id',
  requestId: 'x-request-id',
} as const;

function single(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return v === undefined || v === '' ? undefined : v;
}

/**
 * Reads the caller identity the gateway forwarded. Returns `null` when none of the identity headers is present.
 *
 * Trust: when the server has a signing secret, create-subgraph-server refuses any request whose HMAC
 * (shared/signature.ts, covering these headers and the body) does not verify before this runs.
 */
export function readIdentity(headers: IncomingHttpHeaders): Identity | null {
  const userId = single(headers[IDENTITY_HEADERS.userId]);
  const clientId = single(headers[IDENTITY_HEADERS.clientId]);
  const rawScopes = single(headers[IDENTITY_HEADERS.scopes]);
  if (userId === undefined && clientId === undefined && rawScopes === undefined) return null;
  const scopes = rawScopes === undefined ? [] : rawScopes.split(' ').filter((s) => s !== '');
  return { userId, scopes, clientId };
}

export function readRequestId(headers: IncomingHttpHeaders): string | undefined {
  return single(headers[IDENTITY_HEADERS.requestId]);
}
