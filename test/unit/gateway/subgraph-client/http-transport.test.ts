import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createHttpTransport,
  SubgraphHttpError,
  SubgraphResponseTooLargeError,
  type HttpTransport,
} from '../../../../gateway/subgraph-client/http-transport.js';
import { Cancel, cancelled } from '../../../../gateway/subgraph-client/cancel.js';

/**
 * The transport reads each answer through its own undici dispatch handler (no response stream):
 * what it must keep doing is checked against a real HTTP server that answers in chunks, too much,
 * with errors, slowly, and after an informational answer.
 */
type Route = (request: IncomingMessage, response: ServerResponse) => void;
const routes = new Map<string, Route>();
/** Remote ports of the sockets each request arrived on (a reused connection shows the same port). */
const portsSeen: number[] = [];
/** Set when the server saw its answer cut (the client closed the socket before the end). */
let lastAnswerCut = false;
let server: Server;
let origin: string;
let transport: HttpTransport;

const LIMIT = 64 * 1024;
const chunk = (size: number) => 'x'.repeat(size);

beforeAll(async () => {
  server = createServer((request, response) => {
    portsSeen.push(request.socket.remotePort!);
    request.resume();
    request.on('end', () => routes.get(request.url!)!(request, response));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  transport = createHttpTransport({ maxConnections: 1, maxResponseBytes: LIMIT });
});
afterAll(async () => {
  await transport.close(0);
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const post = (path: string, signal?: Cancel) => transport.post(new URL(path, origin), '{}', { 'content-type': 'application/json' }, signal);

/** Writes `parts` one by one, a tick apart, so they arrive as separate chunks. */
function writeSlowly(response: ServerResponse, parts: string[], end = true): void {
  let next = 0;
  const write = () => {
    if (next === parts.length) {
      if (end) response.end();
      return;
    }
    response.write(parts[next++]);
    setTimeout(write, 2);
  };
  write();
}

describe('subgraph HTTP transport', () => {
  it('assembles an answer sent in many chunks, multi-byte characters split across them included, with its headers', async () => {
    routes.set('/chunks', (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'set-cookie': ['a=1', 'b=2'], 'cache-control': 'max-age=60' });
      const text = JSON.stringify({ data: { name: 'Größe ✓ '.repeat(500) } });
      const bytes = Buffer.from(text, 'utf8');
      // Cut at odd offsets: some cuts fall inside a multi-byte character.
      const parts: Buffer[] = [];
      for (let at = 0; at < bytes.length; at += 333) parts.push(bytes.subarray(at, at + 333));
      let next = 0;
      const write = () => (next === parts.length ? response.end() : (response.write(parts[next++]), setTimeout(write, 1)));
      write();
    });
    const answer = await post('/chunks');
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ data: { name: 'Größe ✓ '.repeat(500) } });
    expect(answer.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(answer.headers['cache-control']).toBe('max-age=60');
  });

  it('cuts a streamed answer as soon as it passes maxResponseBytes, without reading it whole', async () => {
    lastAnswerCut = false;
    routes.set('/endless', (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.on('close', () => (lastAnswerCut = !response.writableFinished));
      // 200 × 16 KiB = 3.2 MB would follow if the client kept reading.
      writeSlowly(
        response,
        Array.from({ length: 200 }, () => chunk(16 * 1024)),
      );
    });
    const error = await post('/endless').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SubgraphResponseTooLargeError);
    await expect.poll(() => lastAnswerCut).toBe(true);
  });

  it('refuses a declared Content-Length over the limit before reading the body', async () => {
    routes.set('/declared', (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': LIMIT * 4 });
      response.write(chunk(1024));
      // The rest never comes: only the declared length can have refused it.
    });
    await expect(post('/declared')).rejects.toBeInstanceOf(SubgraphResponseTooLargeError);
  });

  it('answers a 503 with its Retry-After and keeps the connection for the next request', async () => {
    routes.set('/unavailable', (_request, response) => {
      response.writeHead(503, { 'retry-after': '2', 'content-type': 'text/plain' });
      response.end(chunk(10_000));
    });
    routes.set('/ok', (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"data":{}}');
    });
    portsSeen.length = 0;
    const error = await post('/unavailable').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SubgraphHttpError);
    expect(error).toMatchObject({ status: 503, retryAfterMs: 2000 });
    expect((await post('/ok')).body).toBe('{"data":{}}');
    expect(portsSeen).toHaveLength(2);
    expect(portsSeen[1]).toBe(portsSeen[0]);
  });

  it('reads past an informational 103 answer to the real one', async () => {
    routes.set('/hints', (_request, response) => {
      response.writeEarlyHints({ link: '</style.css>; rel=preload; as=style' });
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"data":{"ok":true}}');
    });
    const answer = await post('/hints');
    expect(answer.status).toBe(200);
    expect(answer.body).toBe('{"data":{"ok":true}}');
  });

  it('rejects with the cancel reason when cancelled mid-answer, and leaves no listener behind', async () => {
    routes.set('/slow', (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      writeSlowly(
        response,
        Array.from({ length: 1000 }, () => chunk(10)),
        false,
      );
    });
    const caller = new Cancel();
    const pending = post('/slow', caller);
    setTimeout(() => caller.abort(new Error('client gone')), 50);
    await expect(pending).rejects.toThrow('client gone');
    expect(caller.listenerCount).toBe(0);
  });

  it('sends nothing for a call cancelled already, and leaves no listener after a normal answer', async () => {
    portsSeen.length = 0;
    await expect(post('/ok', cancelled(new Error('too late')))).rejects.toThrow('too late');
    expect(portsSeen).toHaveLength(0);
    const caller = new Cancel();
    await post('/ok', caller);
    expect(caller.listenerCount).toBe(0);
  });
});
