import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * Checks the gateway's request signature. Subgraphs never import gateway code, so this duplicates the
 * few lines of gateway/plugins/auth/signing.ts on purpose: the two must agree on
 * `v1\n<timestamp>\n<x-user-id>\n<x-user-scopes>\n<x-client-id>\n<authorization>\n<body>`, HMAC-SHA256, hex.
 */
export const SIGNATURE_HEADERS = { timestamp: 'x-switchyard-timestamp', signature: 'x-switchyard-signature' } as const;
const SIGNED_HEADERS = ['x-user-id', 'x-user-scopes', 'x-client-id', 'authorization'] as const;
/** Older (or further in the future) signatures are refused, which bounds replays. */
export const MAX_SIGNATURE_AGE_SECONDS = 300;

function single(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

/** Returns why the request is refused, or `undefined` when its signature is valid and fresh. */
export function checkSignature(headers: IncomingHttpHeaders, body: string, secret: string, nowMs = Date.now()): string | undefined {
  const timestamp = single(headers[SIGNATURE_HEADERS.timestamp]);
  const signature = single(headers[SIGNATURE_HEADERS.signature]);
  if (!timestamp || !signature) return 'unsigned request';
  if (!/^\d{1,12}$/.test(timestamp) || Math.abs(nowMs / 1000 - Number(timestamp)) > MAX_SIGNATURE_AGE_SECONDS) return 'stale signature';
  let payload = `v1\n${timestamp}\n`;
  for (const name of SIGNED_HEADERS) payload += `${single(headers[name])}\n`;
  const expected = createHmac('sha256', secret).update(payload).update(body).digest();
  const given = Buffer.from(signature, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected) ? undefined : 'bad signature';
}
