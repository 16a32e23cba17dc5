import dns from 'node:dns';
import net from 'node:net';
import { ApolloGateway } from '@apollo/gateway';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway } from '../../helpers/gateway.js';
import { createCloseStack, postGraphQL, startSubgraphs, type RunningSubgraphs } from '../../helpers/subgraphs.js';

const closeStack = createCloseStack();
let subgraphs: RunningSubgraphs;
const outbound: string[] = [];
const isLoopback = (host: string) => host === 'localhost' || host === '::1' || host.startsWith('127.');

// Records every connection and name lookup this process attempts (Apollo's exporter and its cloud
// resource detectors use node:net and node:dns under the hood).
const originalConnect = net.Socket.prototype.connect;
const originalLookup = dns.lookup;
beforeAll(async () => {
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    // net.connect() passes its normalised [options, callback] pair as the first argument.
    const first = Array.isArray(args[0]) ? args[0][0] : args[0];
    const options = first as { host?: string; path?: string } | number;
    const host = typeof options === 'object' ? (options.host ?? options.path ?? 'localhost') : String(args[1] ?? 'localhost');
    if (!isLoopback(host)) outbound.push(`connect ${host}`);
    return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof net.Socket.prototype.connect;
  (dns as { lookup: unknown }).lookup = function (hostname: string, ...rest: unknown[]) {
    if (!isLoopback(hostname)) outbound.push(`lookup ${hostname}`);
    return (originalLookup as (...a: unknown[]) => void).call(dns, hostname, ...rest);
  };
  subgraphs = await startSubgraphs();
  closeStack.push(subgraphs.close);
});
afterAll(async () => {
  await closeStack.drain();
  net.Socket.prototype.connect = originalConnect;
  (dns as { lookup: unknown }).lookup = originalLookup;
});

const settle = () => new Promise((resolve) => setTimeout(resolve, 500));

describe('no phone-home by default', () => {
  it('a plain @apollo/gateway without APOLLO_TELEMETRY_DISABLED reaches out (the control)', async () => {
    const saved = process.env.APOLLO_TELEMETRY_DISABLED;
    delete process.env.APOLLO_TELEMETRY_DISABLED;
    try {
      const plain = new ApolloGateway({ serviceList: [] } as never);
      await settle();
      await plain.stop().catch(() => undefined);
    } finally {
      process.env.APOLLO_TELEMETRY_DISABLED = saved;
    }
    expect(outbound.length).toBeGreaterThan(0);
    outbound.length = 0;
  });

  it('Switchyard with its default config opens no connection beyond loopback, and leaves the environment as it was', async () => {
    const saved = process.env.APOLLO_TELEMETRY_DISABLED;
    delete process.env.APOLLO_TELEMETRY_DISABLED;
    try {
      const gateway = await startGateway({ subgraphUrls: subgraphs.urls });
      closeStack.push(gateway.close);
      expect(process.env.APOLLO_TELEMETRY_DISABLED).toBeUndefined();
      const { body } = await postGraphQL(gateway.url, '{ topProducts(first: 1) { upc } }');
      expect(body.errors).toBeUndefined();
      await settle();
    } finally {
      process.env.APOLLO_TELEMETRY_DISABLED = saved;
    }
    expect(outbound).toEqual([]);
  });
});
