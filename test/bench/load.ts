import { isDeepStrictEqual } from 'node:util';
import autocannon from 'autocannon';

/** The answer every benchmark response must equal (taken from gateway A's first response). */
export interface Reference {
  text: string;
  parsed: unknown;
}

export interface LoadOptions {
  url: string;
  body: string;
  connections: number;
  durationSeconds: number;
  reference: Reference;
  /** When set, every request carries the next token as `authorization: Bearer …` (unique identity). */
  tokens?: readonly string[];
}

export interface LoadResult {
  /** Verified responses per second; 0 when any response had wrong data (a wrong gateway scores 0). */
  rps: number;
  /** Completed responses per second, as autocannon counts them. */
  rawRps: number;
  p50Ms: number;
  p99Ms: number;
  responses: number;
  /** Requests written, including those still in flight when the time was up. */
  requestsSent: number;
  /** Requests without an answer when the time was up (a slow gateway under overload; not errors). */
  unfinished: number;
  verified: number;
  /** Every failure: socket errors + timeouts + non-200 + GraphQL errors + body mismatches. */
  errors: number;
  breakdown: { socket: number; timeouts: number; status: number; graphqlErrors: number; mismatches: number };
  /** Authorization tokens handed out (each request got the next one). */
  tokensUsed: number;
  /** The first response that failed the check (status and the body's first 500 characters), to say why. */
  firstFailure?: string;
}

/** Shared across a run so rotation continues between workloads instead of restarting at token 0. */
let tokenCursor = 0;

/**
 * Runs autocannon against one gateway and checks every response: status 200, no `errors`, and a body equal
 * to the reference (exact bytes first; parsed JSON when the bytes differ, e.g. another serialiser).
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const { reference, tokens } = options;
  const accepted = new Set([reference.text]);
  const breakdown = { socket: 0, timeouts: 0, status: 0, graphqlErrors: 0, mismatches: 0 };
  let verified = 0;
  let tokensUsed = 0;
  let firstFailure: string | undefined;
  const baseHeaders = { 'content-type': 'application/json', accept: 'application/json' };

  const fail = (kind: 'status' | 'graphqlErrors' | 'mismatches', status: number, body: string): void => {
    breakdown[kind]++;
    firstFailure ??= `${kind}: ${status} ${body.slice(0, 500)}`;
  };
  const check = (status: number, body: string): void => {
    if (status !== 200) return fail('status', status, body);
    if (accepted.has(body)) return void verified++;
    let parsed: { errors?: unknown } | undefined;
    try {
      parsed = JSON.parse(body);
    } catch {
      return fail('mismatches', status, body);
    }
    if (parsed?.errors) return fail('graphqlErrors', status, body);
    if (!isDeepStrictEqual(parsed, reference.parsed)) return fail('mismatches', status, body);
    if (accepted.size < 16) accepted.add(body);
    verified++;
  };

  const request: autocannon.Request = {
    method: 'POST',
    path: new URL(options.url).pathname,
    headers: baseHeaders,
    body: options.body,
    onResponse: (status: number, body: string) => check(status, body),
  };
  if (tokens?.length) {
    // Called by autocannon before every request (pipelining 1), so each request gets its own identity.
    request.setupRequest = (req: autocannon.Request) => {
      tokensUsed++;
      const token = tokens[tokenCursor++ % tokens.length];
      return { ...req, headers: { ...baseHeaders, authorization: `Bearer ${token}` } };
    };
  }

  const result = await autocannon({
    url: new URL(options.url).origin,
    connections: options.connections,
    duration: options.durationSeconds,
    requests: [request],
  });
  breakdown.socket = result.errors - result.timeouts;
  breakdown.timeouts = result.timeouts;
  const responses = verified + breakdown.status + breakdown.graphqlErrors + breakdown.mismatches;
  const errors = Object.values(breakdown).reduce((a, b) => a + b, 0);
  const wrongData = breakdown.status + breakdown.graphqlErrors + breakdown.mismatches;
  const seconds = options.durationSeconds;
  return {
    rps: wrongData > 0 ? 0 : verified / seconds,
    rawRps: responses / seconds,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    responses,
    requestsSent: result.requests.sent,
    unfinished: Math.max(0, result.requests.sent - responses - breakdown.socket - breakdown.timeouts),
    verified,
    errors,
    breakdown,
    tokensUsed,
    ...(firstFailure ? { firstFailure } : {}),
  };
}
