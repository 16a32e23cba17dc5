import { createHmac, timingSafeEqual } from 'node:crypto';

/*
 * The request-signing protocol, written once for both sides: the gateway signs, subgraphs verify
 * (subgraphs/shared/signature.ts re-exports `checkSignature`). It imports nothing but node:crypto, so
 * a subgraph can take it without taking the gateway — the one module example subgraphs import from gateway/.
 */

/** Headers the signature travels in. */
export const SIGNATURE_HEADERS = { timestamp: 'x-switchyard-timestamp', signature: 'x-switchyard-signature' } as const;

/**
 * Identity headers covered by the signature besides the body, so a captured request cannot be
 * replayed with another user's id.
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

/** Older (or further in the future) signatures are refused, which bounds replays. */
export const MAX_SIGNATURE_AGE_SECONDS = 300;

function single(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

/** For subgraphs: why the request is refused, or `undefined` when its signature is valid and fresh. */
export function checkSignature(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  body: string,
  secret: string,
  nowMs = Date.now(),
): string | undefined {
  const timestamp = single(headers[SIGNATURE_HEADERS.timestamp]);
  const signature = single(headers[SIGNATURE_HEADERS.signature]);
  if (!timestamp || !signature) return 'unsigned request';
  if (!/^\d{1,12}$/.test(timestamp) || Math.abs(nowMs / 1000 - Number(timestamp)) > MAX_SIGNATURE_AGE_SECONDS) return 'stale signature';
  const flat: Record<string, string> = {};
  for (const name of SIGNED_HEADERS) flat[name] = single(headers[name]);
  const expected = createHmac('sha256', secret).update(signaturePrefix(timestamp, flat)).update(body).digest();
  const given = Buffer.from(signature, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected) ? undefined : 'bad signature';
}
