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
 * This is the single place a signature check (HMAC over the identity headers) will plug in: verify before
 * trusting anything below and reject the request when it fails.
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
