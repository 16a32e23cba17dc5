// A misbehaving subgraph for the hostile-input benchmark: a raw node:http server (no GraphQL library, so
// it can send what no well-behaved server would) that extends Product with one field per misbehaviour.
// Its answers are built once at start, so serving them costs the bench runner's event loop almost nothing.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Product fields the hostile subgraph owns; a query asking for one gets that misbehaviour as its answer. */
export const HOSTILE_FIELDS = ['deepErrorExtensions', 'dataString', 'manyErrors', 'hugeBody'] as const;
export type HostileField = (typeof HOSTILE_FIELDS)[number];

export const HOSTILE_SUBGRAPH_NAME = 'hostile';

export const HOSTILE_SDL = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])

type Product @key(fields: "upc") {
  upc: String!
${HOSTILE_FIELDS.map((field) => `  ${field}: String`).join('\n')}
}
`;

const DEPTH = 100_000;
const ERROR_COUNT = 100_000;
const HUGE_BYTES = 50 * 1024 * 1024;

/** `[null, null, …]`: one entry per representation, so only the misbehaviour is wrong, not the shape. */
const nulls = (count: number): string => `[${new Array(count).fill('null').join(',')}]`;

/** Answer chunks for one `_entities` fetch of `count` representations. */
function buildAnswer(field: HostileField, count: number, parts: Parts): Array<string | Buffer> {
  switch (field) {
    case 'deepErrorExtensions':
      // 100,000 nested objects: JSON.parse copes (iterative), recursive walks and JSON.stringify may not.
      return [
        `{"data":{"_entities":${nulls(count)}},"errors":[{"message":"deep","path":["_entities",0,"${field}"],"extensions":{"code":"DEEP","nested":`,
        parts.deep,
        '}}]}',
      ];
    case 'dataString':
      return ['{"data":"not an object, as the spec requires"}'];
    case 'manyErrors':
      return [`{"data":{"_entities":${nulls(count)}},"errors":[`, parts.manyErrors, ']}'];
    case 'hugeBody': {
      // A valid answer whose first entity carries a 50 MB string.
      const rest = count > 1 ? `,${nulls(count - 1).slice(1, -1)}` : '';
      return ['{"data":{"_entities":[{"__typename":"Product","hugeBody":"', parts.huge, `"}${rest}]}}`];
    }
  }
}

interface Parts {
  deep: Buffer;
  manyErrors: Buffer;
  huge: Buffer;
}

function buildParts(): Parts {
  const deep = Buffer.from('{"a":'.repeat(DEPTH) + '1' + '}'.repeat(DEPTH));
  // Small errors (2 MB in all), so the count and not the size of the answer is what a gateway meets.
  const one = (i: number): string => `{"message":"error ${i}"}`;
  const manyErrors = Buffer.from(Array.from({ length: ERROR_COUNT }, (_, i) => one(i)).join(','));
  return { deep, manyErrors, huge: Buffer.alloc(HUGE_BYTES, 'x') };
}

export interface HostileSubgraph {
  url: string;
  /** Requests answered so far, by misbehaviour (`other` for anything that names none). */
  requests: Record<string, number>;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Starts the hostile subgraph on 127.0.0.1 (ephemeral port unless given). */
export async function startHostileSubgraph(port = 0): Promise<HostileSubgraph> {
  const parts = buildParts();
  const requests: Record<string, number> = {};
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const text = await readBody(req);
    let query = '';
    let count = 1;
    try {
      const body = JSON.parse(text) as { query?: string; variables?: { representations?: unknown[] } };
      query = body.query ?? '';
      count = Math.max(1, body.variables?.representations?.length ?? 1);
    } catch {
      // Not JSON: answered as "other" below.
    }
    const field = HOSTILE_FIELDS.find((name) => query.includes(name));
    requests[field ?? 'other'] = (requests[field ?? 'other'] ?? 0) + 1;
    const chunks = field ? buildAnswer(field, count, parts) : [`{"data":{"_entities":${nulls(count)}}}`];
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': chunks.reduce((n, c) => n + Buffer.byteLength(c), 0) });
    for (const chunk of chunks) res.write(chunk);
    res.end();
  };
  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  // A gateway that gives up mid-answer (a size cap) resets its socket: that is expected here.
  server.on('clientError', (_error, socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}/graphql`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
