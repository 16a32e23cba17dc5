import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { createHandler } from 'graphql-http/lib/use/http';
import { composeSupergraph } from '../../../gateway/supergraph/index.js';
import type { CorpusContext, SubgraphFixture } from './fixture.js';

export interface RunningCorpusSubgraphs {
  /** Routing URL by subgraph name. */
  urls: Record<string, string>;
  /** Requests each subgraph received (entity fetches included). */
  requests: Record<string, number>;
  /** With `keepBodies`: each subgraph's request bodies, parsed, in arrival order. */
  bodies: Record<string, Array<{ query: string; variables?: Record<string, unknown> }>>;
  close(): Promise<void>;
}

/**
 * Serves each fixture subgraph as a real `@apollo/subgraph` schema behind graphql-http's
 * spec-compliant handler, on 127.0.0.1 port 0.
 */
export async function startCorpusSubgraphs(
  subgraphs: Readonly<Record<string, SubgraphFixture>>,
  options: { keepBodies?: boolean } = {},
): Promise<RunningCorpusSubgraphs> {
  const servers: Server[] = [];
  const urls: Record<string, string> = {};
  const requests: Record<string, number> = {};
  const bodies: RunningCorpusSubgraphs['bodies'] = {};
  try {
    for (const [name, fixture] of Object.entries(subgraphs)) {
      const schema = buildSubgraphSchema([{ typeDefs: parse(fixture.typeDefs), resolvers: fixture.resolvers as never }]);
      const handler = createHandler<CorpusContext>({ schema, context: (request) => ({ headers: request.headers as CorpusContext['headers'] }) });
      requests[name] = 0;
      bodies[name] = [];
      const server = createServer(async (request, response) => {
        requests[name]++;
        let body: string | undefined;
        if (options.keepBodies) {
          const chunks: Buffer[] = [];
          for await (const chunk of request) chunks.push(chunk as Buffer);
          body = Buffer.concat(chunks).toString();
          try {
            bodies[name]!.push(JSON.parse(body));
          } catch {
            bodies[name]!.push({ query: body });
          }
        }
        // The handler reads the body itself: a read one is replayed to it as a fresh stream.
        const replay =
          body === undefined
            ? request
            : (Object.assign(Readable.from([body]), { url: request.url, method: request.method, headers: request.headers }) as never);
        handler(replay, response).catch(() => {
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
  return { urls, requests, bodies, close: () => closeAll(servers) };
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

/** The supergraph SDL of a fixture's subgraphs served at `urls` (a subgraph missing there keeps its name as URL). */
export function composeCorpusSupergraph(subgraphs: Readonly<Record<string, SubgraphFixture>>, urls: Readonly<Record<string, string>>): string {
  return composeSupergraph(Object.entries(subgraphs).map(([name, subgraph]) => ({ name, url: urls[name] ?? name, sdl: subgraph.typeDefs })))
    .supergraphSdl;
}
