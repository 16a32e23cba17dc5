import { isDeepStrictEqual } from 'node:util';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { Agent, request } from 'undici';
import { sampleUsage, type ProcessUsage } from './proc-sampler.js';
import type { Reference } from './load.js';

/** One compression phase: the same load with and without `Accept-Encoding`. */
export interface CompressionSample {
  acceptEncoding: string | undefined;
  /** What the gateway answered with (`content-encoding`), or `identity`. */
  encoding: string;
  rps: number;
  /** Bytes on the wire per response (the body as sent). */
  bytesPerResponse: number;
  gatewayUsage: ProcessUsage;
  responses: number;
  /** Responses whose decoded body was not the reference: any makes the phase score 0 RPS. */
  mismatches: number;
}

export interface CompressionOptions {
  url: string;
  body: string;
  connections: number;
  durationSeconds: number;
  reference: Reference;
  gatewayPid: number;
  tokens: readonly string[];
  acceptEncoding: string | undefined;
}

function decode(body: Buffer, encoding: string): string {
  if (encoding === 'br') return brotliDecompressSync(body).toString();
  if (encoding === 'gzip') return gunzipSync(body).toString();
  return body.toString();
}

/**
 * autocannon reads bodies as text, which a compressed body is not: this phase uses undici directly
 * (N connections, each sending the next request when the last answered), decodes and checks every
 * answer, and samples the gateway's CPU. Unique identity, as the headline workload.
 */
export async function runCompressionPhase(options: CompressionOptions): Promise<CompressionSample> {
  const agent = new Agent({ connections: options.connections, pipelining: 1 });
  const origin = new URL(options.url).origin;
  const path = new URL(options.url).pathname;
  const deadline = performance.now() + options.durationSeconds * 1000;
  const sampler = sampleUsage(options.gatewayPid);
  let responses = 0;
  let bytes = 0;
  let mismatches = 0;
  let encoding = 'identity';
  let cursor = 0;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        authorization: `Bearer ${options.tokens[cursor++ % options.tokens.length]}`,
      };
      if (options.acceptEncoding) headers['accept-encoding'] = options.acceptEncoding;
      const response = await request(`${origin}${path}`, { dispatcher: agent, method: 'POST', headers, body: options.body });
      const body = Buffer.from(await response.body.arrayBuffer());
      encoding = String(response.headers['content-encoding'] ?? 'identity');
      responses++;
      bytes += body.length;
      const text = decode(body, encoding);
      if (text !== options.reference.text && !isDeepStrictEqual(JSON.parse(text), options.reference.parsed)) mismatches++;
    }
  };
  try {
    await Promise.all(Array.from({ length: options.connections }, worker));
  } finally {
    await agent.close();
  }
  const gatewayUsage = sampler.stop();
  return {
    acceptEncoding: options.acceptEncoding,
    encoding,
    rps: mismatches > 0 ? 0 : responses / options.durationSeconds,
    bytesPerResponse: responses ? Math.round(bytes / responses) : 0,
    gatewayUsage,
    responses,
    mismatches,
  };
}

/** `compression (B, unique identity): identity 150.2 RPS 90.9 KB 118 % CPU | br 140.1 RPS 10.2 KB 125 % CPU`. */
export function compressionLine(samples: readonly CompressionSample[]): string {
  const parts = samples.map(
    (s) =>
      `${s.encoding} ${s.rps.toFixed(1)} RPS ${(s.bytesPerResponse / 1024).toFixed(1)} KB/response ${s.gatewayUsage.cpuPercent.toFixed(0)} % CPU` +
      (s.mismatches ? ` (${s.mismatches} wrong)` : ''),
  );
  return `compression (B, unique identity, same load): ${parts.join(' | ')}`;
}
