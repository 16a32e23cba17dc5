import type { AddressInfo } from 'node:net';
import type { Gateway } from './create-server.js';

export interface ListeningAddress {
  port: number;
  /** The GraphQL endpoint, with a host a browser can open. */
  url: string;
}

/** Binds the gateway's HTTP server. Port 0 picks a free port (tests). */
export async function listen(gateway: Gateway, port: number, host: string): Promise<ListeningAddress> {
  const server = gateway.httpServer;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return { port: address.port, url: `http://${shownHost}:${address.port}${gateway.config.server.graphqlPath}` };
}
