import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { runLoad, type Reference } from './load.js';
import { mintTokens } from './tokens.js';

const reference: Reference = { text: '{"data":{"a":1,"b":[2,3]}}', parsed: { data: { a: 1, b: [2, 3] } } };
const servers: Server[] = [];
afterAll(() => Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve)))));

/** A stand-in gateway: `answer(n, req)` gives the body of the n-th request (status 200 unless it says). */
async function fakeGateway(answer: (n: number, req: IncomingMessage) => { status?: number; body: string }): Promise<string> {
  let n = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const { status = 200, body } = answer(n++, req);
      res.writeHead(status, { 'content-type': 'application/json' }).end(body);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
}

const run = (url: string, tokens?: string[]) => runLoad({ url, body: '{"query":"{ a }"}', connections: 4, durationSeconds: 0.5, reference, tokens });

describe('bench load runner: every response is verified', () => {
  it('accepts the reference bytes and an equal body serialised differently', async () => {
    const url = await fakeGateway((n) => ({ body: n % 2 ? reference.text : '{ "data": { "b": [2, 3], "a": 1 } }' }));
    const result = await run(url);
    expect(result.responses).toBeGreaterThan(10);
    expect(result.verified).toBe(result.responses);
    expect(result.errors).toBe(0);
    expect(result.rps).toBeGreaterThan(0);
  });

  it.each([
    { case: 'different data', bad: { body: '{"data":{"a":2,"b":[2,3]}}' }, counter: 'mismatches' },
    { case: 'GraphQL errors', bad: { body: '{"data":{"a":1,"b":[2,3]},"errors":[{"message":"x"}]}' }, counter: 'graphqlErrors' },
    { case: 'a non-200 status', bad: { status: 503, body: reference.text }, counter: 'status' },
  ])('one response with $case scores the whole run 0 and is counted', async ({ bad, counter }) => {
    const url = await fakeGateway((n) => (n === 5 ? bad : { body: reference.text }));
    const result = await run(url);
    expect(result.breakdown[counter as keyof typeof result.breakdown]).toBe(1);
    expect(result.errors).toBe(1);
    expect(result.rps).toBe(0);
    expect(result.rawRps).toBeGreaterThan(0);
  });

  it('unique identity: every request carries the next token of the pool', async () => {
    const seen: string[] = [];
    const url = await fakeGateway((_n, req) => {
      seen.push(String(req.headers.authorization));
      return { body: reference.text };
    });
    const tokens = await mintTokens('test-secret', 200);
    const result = await run(url, tokens);
    expect(seen.length).toBeGreaterThan(tokens.length);
    // Per-request rotation: every token used, evenly (±1 per pass; +1 more for the request each connection
    // had built but not sent when the time was up). A token per connection would show 4 distinct values.
    const uses = new Map<string, number>();
    for (const header of seen) uses.set(header, (uses.get(header) ?? 0) + 1);
    expect(uses.size).toBe(tokens.length);
    expect(Math.max(...uses.values()) - Math.min(...uses.values())).toBeLessThanOrEqual(2);
    expect(seen.every((h) => /^Bearer [\w-]+\.[\w-]+\.[\w-]+$/.test(h))).toBe(true);
    expect(result.tokensUsed).toBeGreaterThanOrEqual(seen.length);
  });
});
