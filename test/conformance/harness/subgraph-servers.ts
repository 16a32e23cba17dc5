import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { createHandler } from 'graphql-http/lib/use/http';
import type { CorpusContext, SubgraphFixture } from './fixture.js';

export interface RunningCorpusSubgraphs {
  /** Routing URL by subgraph name. */
  urls: Record<string, string>;
  /** Requests each subgraph received (entity fetches included). */
  requests: Record<string, number>;
  close(): Promise<void>;
}

/**
 * Serves each fixture subgraph as a real `@apollo/subgraph` schema behind graphql-http's
 * spec-compliant handler, on 127.0.0.1 port 0.
 */
export async function startCorpusSubgraphs(subgraphs: Readonly<Record<string, SubgraphFixture>>): Promise<RunningCorpusSubgraphs> {
  const servers: Server[] = [];
  const urls: Record<string, string> = {};
  const requests: Record<string, number> = {};
  try {
    for (const [name, fixture] of Object.entries(subgraphs)) {
      const schema = buildSubgraphSchema([{ typeDefs: parse(fixture.typeDefs), resolvers: fixture.resolvers as never }]);
      const handler = createHandler<CorpusContext>({ schema, context: (request) => ({ headers: request.headers as CorpusContext['headers'] }) });
      requests[name] = 0;
      const server = createServer((request, response) => {
        requests[name]++;
        handler(request, response).catch(() => {
          if (!response.headersSent) response.writeHead(500).end();
        });
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve());
      });
      servers.push(server);
      urls[name] = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
    }
  } catch (error) {
    await closeAll(servers);
    throw error;
  }
  return { urls, requests, close: () => closeAll(servers) };
}

async function closeAll(servers: readonly Server[]): Promise<void> {
  await Promise.all(
    servers.map(
      (server) =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    ),
  );
}
