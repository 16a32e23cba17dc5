import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { GatewayMetrics } from '../observability/index.js';

export interface GatewayHttpServerOptions {
  /** Largest request head; Node answers more with a bare 431 unless told otherwise (see answerClientError). */
  maxHeaderBytes: number;
  metrics?: GatewayMetrics;
  /** A fixed route label for a request path (metrics never carry raw paths). */
  routeOf: (path: string | undefined) => string;
  handle: (request: IncomingMessage, response: ServerResponse) => void;
}

/**
 * Node answers a head over `maxHeaderSize` (and other parse errors) with a bare status or a closed
 * socket; clients get a JSON body with a code instead.
 */
function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (!socket.writable) return void socket.destroy();
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
  const status = tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request';
  const body = JSON.stringify({
    errors: [
      tooLarge
        ? { message: 'Request headers are larger than the gateway accepts.', extensions: { code: 'REQUEST_TOO_LARGE' } }
        : { message: 'The HTTP request is malformed.', extensions: { code: 'BAD_REQUEST' } },
    ],
  });
  socket.end(
    `HTTP/1.1 ${status}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

/** The gateway's node:http server: request metrics (duration by route and status, in flight) and coded client errors. */
export function createGatewayHttpServer(options: GatewayHttpServerOptions): Server {
  const { metrics } = options;
  let inFlight = 0;
  const server = createServer({ maxHeaderSize: options.maxHeaderBytes }, (request, response) => {
    inFlight++;
    metrics?.setInFlight(inFlight);
    const started = performance.now();
    response.once('close', () => {
      inFlight--;
      metrics?.setInFlight(inFlight);
      metrics?.observeRequest(options.routeOf(request.url?.split('?', 1)[0]), response.statusCode, (performance.now() - started) / 1000);
    });
    options.handle(request, response);
  });
  server.on('clientError', answerClientError);
  return server;
}
