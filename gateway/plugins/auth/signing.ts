import { createHmac } from 'node:crypto';

/** Headers the signature travels in. */
export const SIGNATURE_HEADERS = { timestamp: 'x-switchyard-timestamp', signature: 'x-switchyard-signature' } as const;

/**
 * Identity headers covered by the signature besides the body, so a captured request cannot be
 * replayed with another user's id. Keep in step with subgraphs/shared/signature.ts.
 */
export const SIGNED_HEADERS = ['x-user-id', 'x-user-scopes', 'x-client-id', 'authorization'] as const;

/**
 * What both sides MAC before the body: version, timestamp, the signed headers. The body follows as a
 * second `update`, so an entity fetch's large body is never copied into a new string.
 */
export function signaturePrefix(timestamp: string, headers: Readonly<Record<string, string | undefined>>): string {
  let prefix = `v1\n${timestamp}\n`;
  for (const name of SIGNED_HEADERS) prefix += `${headers[name] ?? ''}\n`;
  return prefix;
}

/**
 * Headers that let a subgraph check a request came from the gateway: HMAC-SHA256 (hex) over
 * {@link signaturePrefix} followed by the body, with the unix time in seconds. `body` must be the exact string sent.
 */
export function signSubgraphRequest(
  body: string,
  headers: Readonly<Record<string, string | undefined>>,
  secret: string,
  nowMs: number = Date.now(),
): Record<string, string> {
  const timestamp = String(Math.floor(nowMs / 1000));
  const signature = createHmac('sha256', secret).update(signaturePrefix(timestamp, headers)).update(body).digest('hex');
  return { [SIGNATURE_HEADERS.timestamp]: timestamp, [SIGNATURE_HEADERS.signature]: signature };
}
