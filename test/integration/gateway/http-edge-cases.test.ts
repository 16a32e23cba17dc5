import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type StartedGateway } from '../../helpers/gateway.js';
import { createCloseStack, startSubgraphs } from '../../helpers/subgraphs.js';

const closeStack = createCloseStack();
let gateway: StartedGateway;

beforeAll(async () => {
  const subgraphs = await startSubgraphs();
  closeStack.push(subgraphs.close);
  gateway = await startGateway({ subgraphUrls: subgraphs.urls, config: { server: { bodyLimitBytes: 1024 } } });
  closeStack.push(gateway.close);
});
afterAll(() => closeStack.drain());

/** Sends `head` as-is over a socket and returns the raw response (the server closes or answers in full). */
function rawRequest(head: string): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  const { port } = new URL(gateway.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1');
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      data += chunk;
      const end = data.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(data.slice(0, end))?.[1] ?? NaN);
      if (data.length - end - 4 < length) return;
      socket.destroy();
      const [statusLine, ...lines] = data.slice(0, end).split('\r\n');
      const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: data.slice(end + 4, end + 4 + length) });
    });
    socket.on('error', reject);
    socket.write(head);
  });
}

describe('HTTP edge cases', () => {
  it('answers a malformed absolute-form request target with 400 BAD_REQUEST and a request id, not 500', async () => {
    const response = await rawRequest('GET http://[zz/graphql HTTP/1.1\r\nHost: localhost\r\nx-request-id: edge-url-1\r\n\r\n');
    expect(response.status).toBe(400);
    expect(response.headers['x-request-id']).toBe('edge-url-1');
    expect(JSON.parse(response.body)).toEqual({ errors: [{ message: 'Request target is not a valid URL.', extensions: { code: 'BAD_REQUEST' } }] });
    // The gateway still serves.
    const health = await rawRequest('GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n');
    expect(health.status).toBe(200);
  });

  it('puts x-request-id on the 400 invalid-JSON and 413 answers', async () => {
    const { pathname } = new URL(gateway.url);
    const invalid = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'edge-json-1' },
      body: '{"query":',
    });
    expect(invalid.status).toBe(400);
    expect(invalid.headers.get('x-request-id')).toBe('edge-json-1');
    const body = JSON.stringify({ query: `{ __typename ${' '.repeat(2048)}}` });
    const tooLarge = await rawRequest(
      `POST ${pathname} HTTP/1.1\r\nHost: localhost\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nx-request-id: edge-big-1\r\n\r\n${body}`,
    );
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.headers['x-request-id']).toBe('edge-big-1');
    const notFound = await fetch(new URL('/nope', gateway.url), { headers: { 'x-request-id': 'edge-404-1' } });
    expect(notFound.status).toBe(404);
    expect(notFound.headers.get('x-request-id')).toBe('edge-404-1');
  });
});
