// One raw HTTP request with a deadline, timed to the last byte of the answer. node:http rather than fetch:
// hostile cases need bodies that are not JSON, oversized heads, and a chosen source address.
import { Agent, request } from 'node:http';

/** Per-request deadline: a request not answered by then counts as a timeout. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 20_000;
/** Bodies up to this size are parsed to read the first error code; larger ones are only counted. */
const PARSE_LIMIT_BYTES = 1024 * 1024;

export interface RawRequest {
  body: string | Buffer;
  headers?: Record<string, string>;
  /** Default POST. */
  method?: string;
}

export interface SendResult {
  /** HTTP status as text (`"200"`), or `timeout`, or the socket error's code (`ECONNRESET`, …). */
  outcome: string;
  latencyMs: number;
  bytes: number;
  /** `errors[0].extensions.code` of a JSON answer, `data` when there were no errors, else undefined. */
  code?: string;
}

export interface SendOptions {
  url: string;
  agent: Agent;
  timeoutMs?: number;
  /** Source address on the loopback (e.g. 127.0.0.2), so the probe is another client than the attacker. */
  localAddress?: string;
  /** Time the request counts from (the probe's scheduled send time, so queueing counts). */
  startedAt?: number;
}

/** A keep-alive agent that opens at most `sockets` connections. */
export function createAgent(sockets: number): Agent {
  return new Agent({ keepAlive: true, maxSockets: sockets });
}

function firstCode(text: string): string | undefined {
  try {
    const parsed = JSON.parse(text) as { errors?: Array<{ extensions?: { code?: unknown } }>; data?: unknown };
    if (Array.isArray(parsed?.errors) && parsed.errors.length) return String(parsed.errors[0]?.extensions?.code ?? 'no code');
    return 'data';
  } catch {
    return 'not JSON';
  }
}

/** Sends one request; never rejects. */
export function send(target: RawRequest, options: SendOptions): Promise<SendResult> {
  const body = typeof target.body === 'string' ? Buffer.from(target.body) : target.body;
  const startedAt = options.startedAt ?? performance.now();
  const timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  return new Promise((resolve) => {
    let done = false;
    const finish = (result: Omit<SendResult, 'latencyMs'>): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve({ ...result, latencyMs: performance.now() - startedAt });
    };
    const url = new URL(options.url);
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: target.method ?? 'POST',
        agent: options.agent,
        localAddress: options.localAddress,
        headers: { 'content-type': 'application/json', accept: 'application/json', 'content-length': String(body.length), ...target.headers },
      },
      (res) => {
        const kept: Buffer[] = [];
        let bytes = 0;
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          if (bytes <= PARSE_LIMIT_BYTES) kept.push(chunk);
        });
        res.on('end', () => {
          const code = bytes <= PARSE_LIMIT_BYTES ? firstCode(Buffer.concat(kept).toString('utf8')) : `body of ${(bytes / 1048576).toFixed(0)} MB`;
          finish({ outcome: String(res.statusCode), bytes, code });
        });
        res.on('error', (error: NodeJS.ErrnoException) => finish({ outcome: error.code ?? 'error', bytes }));
      },
    );
    const timer = setTimeout(() => {
      finish({ outcome: 'timeout', bytes: 0 });
      req.destroy();
    }, timeoutMs);
    // A server that answers early (413, 431) and closes may cut our upload: that is its answer, not ours.
    req.on('error', (error: NodeJS.ErrnoException) => finish({ outcome: error.code ?? 'error', bytes: 0 }));
    req.end(body);
  });
}

/**
 * Runs `count` requests from `make(i)` with at most `concurrency` in flight; results in index order.
 * Every body is built (and encoded) before the first is sent: this client is one event loop, and
 * building a 5 MB body while another request is being timed would count the client's work as the
 * gateway's latency.
 */
export async function sendAll(
  count: number,
  concurrency: number,
  make: (index: number) => RawRequest,
  options: Omit<SendOptions, 'agent'>,
): Promise<SendResult[]> {
  const requests = Array.from({ length: count }, (_, index) => {
    const target = make(index);
    return typeof target.body === 'string' ? { ...target, body: Buffer.from(target.body) } : target;
  });
  const agent = createAgent(concurrency);
  const results: SendResult[] = new Array(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = next++;
      results[index] = await send(requests[index], { ...options, agent });
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  } finally {
    agent.destroy();
  }
  return results;
}
