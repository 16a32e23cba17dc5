import { BlockList, isIP } from 'node:net';

/** `::ffff:10.0.0.1` (IPv4 on a dual-stack socket) → `10.0.0.1`, so v4 rules and keys match. */
function normalize(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

function isTrusted(list: BlockList, address: string): boolean {
  const family = isIP(address);
  return family !== 0 && list.check(address, family === 6 ? 'ipv6' : 'ipv4');
}

/** Builds the BlockList of trusted proxies from validated `rateLimit.trustedProxies` entries. */
export function createProxyList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [raw, prefix] = entry.split('/');
    const address = normalize(raw);
    const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  return list;
}

/** Returns the client IP for a request from its socket address and `X-Forwarded-For` header. */
export type ClientAddressResolver = (remoteAddress: string | undefined, forwardedFor: string | string[] | undefined) => string;

/**
 * The socket address is the client unless it is a trusted proxy; then `X-Forwarded-For` is walked
 * right to left, skipping trusted hops, and the first untrusted address is the client. Entries left
 * of it were written by the client and are never read, so sending the header cannot change the key.
 * With no trusted proxies the header is not even parsed.
 */
export function createClientAddressResolver(trustedProxies: readonly string[]): ClientAddressResolver {
  if (trustedProxies.length === 0) return (remoteAddress) => (remoteAddress ? normalize(remoteAddress) : 'unknown');
  const list = createProxyList(trustedProxies);
  return (remoteAddress, forwardedFor) => {
    if (!remoteAddress) return 'unknown';
    let client = normalize(remoteAddress);
    if (!isTrusted(list, client) || forwardedFor === undefined) return client;
    const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor).split(',');
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = normalize(hops[i].trim());
      // A malformed entry cannot be a client address: the last trusted hop is the best we know.
      if (isIP(hop) === 0) return client;
      client = hop;
      if (!isTrusted(list, hop)) return hop;
    }
    return client;
  };
}
