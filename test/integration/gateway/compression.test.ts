import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type StartedGateway } from '../../helpers/gateway.js';
import { createCloseStack, startSubgraphs } from '../../helpers/subgraphs.js';

const closeStack = createCloseStack();
let gateway: StartedGateway;
let uncompressed: StartedGateway;

beforeAll(async () => {
  const subgraphs = await startSubgraphs();
  closeStack.push(subgraphs.close);
  gateway = await startGateway({ subgraphUrls: subgraphs.urls, config: { playground: { enabled: true } } });
  closeStack.push(gateway.close);
  uncompressed = await startGateway({ subgraphUrls: subgraphs.urls, config: { server: { compression: { enabled: false } } } });
  closeStack.push(uncompressed.close);
});
afterAll(() => closeStack.drain());

/** A raw request (fetch would decompress and hide the encoding). */
function raw(
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const BIG = JSON.stringify({ query: '{ topProducts(first: 5) { upc name price reviews { body author { username name } } } }' });
const SMALL = JSON.stringify({ query: '{ topProducts(first: 1) { upc } }' });
const post = (target: StartedGateway, body: string, encoding?: string) =>
  raw(target.url, 'POST', { 'content-type': 'application/json', ...(encoding ? { 'accept-encoding': encoding } : {}) }, body);

describe('response compression', () => {
  it('brotli when the client accepts it, gzip otherwise, identity without Accept-Encoding; the data is the same', async () => {
    const plain = await post(gateway, BIG);
    expect(plain.headers['content-encoding']).toBeUndefined();
    const expected = JSON.parse(plain.body.toString());
    expect(expected.data.topProducts).toHaveLength(5);
    expect(plain.body.length).toBeGreaterThan(1024);

    const br = await post(gateway, BIG, 'gzip, deflate, br');
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(JSON.parse(brotliDecompressSync(br.body).toString())).toEqual(expected);
    expect(br.body.length).toBeLessThan(plain.body.length / 3);

    const gzip = await post(gateway, BIG, 'gzip');
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(gzip.body).toString())).toEqual(expected);
  });

  it('leaves responses under the threshold (1 KiB) alone, and everything when server.compression.enabled is false', async () => {
    const small = await post(gateway, SMALL, 'br');
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(small.body.toString()).data.topProducts).toHaveLength(1);
    const off = await post(uncompressed, BIG, 'br');
    expect(off.headers['content-encoding']).toBeUndefined();
  });

  it('serves the playground precompressed: brotli 9 MB → under 2.5 MB', async () => {
    const page = await raw(new URL('/', gateway.url).toString(), 'GET', { accept: 'text/html', 'accept-encoding': 'br, gzip' });
    expect(page.status).toBe(200);
    expect(page.headers['content-encoding']).toBe('br');
    expect(page.body.length).toBeLessThan(2.5 * 1024 * 1024);
    expect(brotliDecompressSync(page.body).toString()).toContain('<html');
    const gzip = await raw(new URL('/', gateway.url).toString(), 'GET', { accept: 'text/html', 'accept-encoding': 'gzip;q=1, br;q=0' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
  });
});
