import { describe, expect, it } from 'vitest';
import { createClientAddressResolver } from '../../../../gateway/plugins/rate-limit/index.js';

const none = createClientAddressResolver([]);
const proxies = createClientAddressResolver(['10.0.0.0/8', '192.0.2.1', 'fd00::/8']);

// [resolver, socket address, X-Forwarded-For, expected client]
const CASES: Array<[string, ReturnType<typeof createClientAddressResolver>, string | undefined, string | string[] | undefined, string]> = [
  ['no proxies: socket address', none, '198.51.100.1', undefined, '198.51.100.1'],
  ['no proxies: header ignored', none, '198.51.100.1', '203.0.113.5', '198.51.100.1'],
  ['IPv4-mapped socket address normalised', none, '::ffff:198.51.100.1', undefined, '198.51.100.1'],
  ['untrusted socket: header ignored', proxies, '198.51.100.1', '203.0.113.5', '198.51.100.1'],
  ['trusted socket: last hop', proxies, '10.1.2.3', '203.0.113.5', '203.0.113.5'],
  ['client-written entries left of the real hop are ignored', proxies, '10.1.2.3', '1.1.1.1, 203.0.113.5', '203.0.113.5'],
  ['trusted hops are skipped', proxies, '192.0.2.1', '203.0.113.5, 10.4.4.4, 10.5.5.5', '203.0.113.5'],
  ['repeated headers are one list', proxies, '10.1.2.3', ['1.1.1.1', '203.0.113.5, 10.4.4.4'], '203.0.113.5'],
  ['all hops trusted: the leftmost', proxies, '10.1.2.3', '10.7.7.7, 10.8.8.8', '10.7.7.7'],
  ['malformed hop: the nearest trusted hop', proxies, '10.1.2.3', 'nonsense, 10.8.8.8', '10.8.8.8'],
  ['IPv6 proxy', proxies, 'fd12::1', '2001:db8::7', '2001:db8::7'],
  ['IPv4-mapped trusted proxy', proxies, '::ffff:10.1.2.3', '203.0.113.5', '203.0.113.5'],
  ['trusted socket, no header', proxies, '10.1.2.3', undefined, '10.1.2.3'],
  ['no socket address', proxies, undefined, '203.0.113.5', 'unknown'],
];

describe('client address behind trusted proxies', () => {
  it.each(CASES)('%s', (_name, resolve, socket, header, expected) => {
    expect(resolve(socket, header)).toBe(expected);
  });
});
