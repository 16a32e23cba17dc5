import type { IncomingMessage } from 'node:http';

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`Request body is larger than ${limit} bytes.`);
  }
}

/** Reads the request body up to `limit` bytes; larger bodies are refused before they are buffered. */
export async function readBody(request: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw new BodyTooLargeError(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyTooLargeError(limit);
    chunks.push(chunk as Buffer);
  }
  return chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8');
}

/** Most bytes of a refused body read and dropped so that its client hears the refusal. */
export const DISCARD_LIMIT_BYTES = 64 * 1024 * 1024;
/** Longest a refused body is read for before the connection is closed (slow senders). */
export const DISCARD_TIMEOUT_MS = 5_000;

/**
 * Reads and drops what is left of a request body, so a client still sending receives the answer
 * instead of a reset (Node closes the socket under it otherwise). Past `limit` more bytes (or 5 s)
 * the connection is destroyed: a refused request may not make the gateway read without end.
 * Dropping is cheap (no buffering, no parsing).
 */
export async function discardBody(request: IncomingMessage, limit = DISCARD_LIMIT_BYTES): Promise<void> {
  if (request.readableEnded || request.destroyed) return;
  await new Promise<void>((resolve) => {
    let size = 0;
    const done = () => {
      clearTimeout(timer);
      request.off('data', onData);
      resolve();
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        request.destroy();
        done();
      }
    };
    const timer = setTimeout(() => {
      request.destroy();
      done();
    }, DISCARD_TIMEOUT_MS);
    request.on('data', onData);
    request.once('end', done);
    request.once('error', done);
    request.once('close', done);
    request.resume();
  });
}
