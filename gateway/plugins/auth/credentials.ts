import type { IncomingHttpHeaders } from 'node:http';

/** Longest bearer token or API key read; longer values are refused before any parsing or hashing. */
export const MAX_CREDENTIAL_LENGTH = 8_192;

/** What the request presented, before verification. */
export type PresentedCredential =
  { kind: 'none' } | { kind: 'bearer'; token: string } | { kind: 'api-key'; key: string } | { kind: 'malformed'; reason: string };

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? (value.length === 1 ? value[0] : undefined) : value;
}

/**
 * Reads `Authorization: Bearer …` (RFC 6750 §2.1) and the API key header. A present but unusable
 * value is `malformed` (answered 401), never silently anonymous: a client that meant to sign in must
 * learn that it did not.
 */
export function readCredential(headers: IncomingHttpHeaders, apiKeyHeader: string): PresentedCredential {
  const authorization = headers.authorization;
  const apiKey = headers[apiKeyHeader];
  if (authorization !== undefined && apiKey !== undefined) {
    return { kind: 'malformed', reason: `both Authorization and ${apiKeyHeader} were sent` };
  }
  if (authorization !== undefined) {
    if (authorization.length > MAX_CREDENTIAL_LENGTH) return { kind: 'malformed', reason: 'authorization header too long' };
    const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(authorization);
    if (!match) return { kind: 'malformed', reason: 'authorization header is not "Bearer <token>"' };
    return { kind: 'bearer', token: match[1] };
  }
  if (apiKey !== undefined) {
    const key = single(apiKey);
    if (key === undefined || key === '') return { kind: 'malformed', reason: `${apiKeyHeader} header is empty or repeated` };
    if (key.length > MAX_CREDENTIAL_LENGTH) return { kind: 'malformed', reason: `${apiKeyHeader} header too long` };
    return { kind: 'api-key', key };
  }
  return { kind: 'none' };
}
