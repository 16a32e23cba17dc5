import type { IncomingMessage, ServerResponse } from 'node:http';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { IncrementalDelivery, IncrementalItem } from '../engine/index.js';

/**
 * `@defer` over HTTP as Apollo Router and Apollo Server write it: `multipart/mixed; boundary="-";
 * deferSpec=20220824`, the initial payload with `"hasNext": true`, then one part per later payload.
 * Only for clients that say they read it; everyone else gets the whole answer as one JSON body.
 */

export const INCREMENTAL_CONTENT_TYPE = 'multipart/mixed; boundary="-"; deferSpec=20220824';
const PART_HEADER = 'content-type: application/json; charset=utf-8\r\n\r\n';
const DEFER_SPEC = '20220824';

/** The client accepts `multipart/mixed` with the defer spec we write (or without naming one). */
export function acceptsIncremental(request: IncomingMessage): boolean {
  const accept = request.headers.accept;
  if (!accept || !accept.includes('multipart/mixed')) return false;
  for (const range of accept.split(',')) {
    const [type, ...parameters] = range.split(';').map((part) => part.trim());
    if (type?.toLowerCase() !== 'multipart/mixed') continue;
    const spec = parameters.find((parameter) => parameter.toLowerCase().startsWith('deferspec='));
    if (!spec || spec.slice('deferspec='.length).replace(/"/g, '') === DEFER_SPEC) return true;
  }
  return false;
}

type FormatError = (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;

/** An item's errors as Apollo Server formats a response's: a code on each, then the gateway's formatError (masking). */
function formatItem(item: IncrementalItem, formatError: FormatError | undefined): IncrementalItem & { errors: GraphQLFormattedError[] } {
  const errors: GraphQLFormattedError[] = [];
  for (const error of item.errors ?? []) {
    let formatted: GraphQLFormattedError = error instanceof GraphQLError ? error.toJSON() : error;
    if (formatted.extensions?.code === undefined)
      formatted = { ...formatted, extensions: { ...formatted.extensions, code: 'INTERNAL_SERVER_ERROR' } };
    errors.push(formatError ? formatError(formatted, error) : formatted);
  }
  return { ...item, errors };
}

function serializeItem(item: IncrementalItem & { errors: GraphQLFormattedError[] }): string {
  let text = `{"data":${JSON.stringify(item.data)},"path":${JSON.stringify(item.path)}`;
  if (item.label !== undefined) text += `,"label":${JSON.stringify(item.label)}`;
  if (item.errors.length) text += `,"errors":${JSON.stringify(item.errors)}`;
  return `${text}}`;
}

function flush(response: ServerResponse): void {
  // Present when the compression middleware wraps the response: each part must leave now.
  (response as ServerResponse & { flush?: () => void }).flush?.();
}

/**
 * Writes the initial payload (Apollo's single JSON result) and then every later payload as it
 * arrives. Stops reading when the client has gone (the executor's fetches were aborted with it).
 */
export async function writeIncrementalResponse(
  response: ServerResponse,
  initial: string,
  delivery: IncrementalDelivery,
  formatError: FormatError | undefined,
): Promise<void> {
  response.removeHeader('content-length');
  response.setHeader('content-type', INCREMENTAL_CONTENT_TYPE);
  response.writeHead(200);
  const body = initial.trimEnd();
  response.write(`\r\n---\r\n${PART_HEADER}${body.slice(0, -1)},"hasNext":true}\r\n---\r\n`);
  flush(response);
  for await (const payload of delivery.subsequent!) {
    if (response.destroyed) return;
    let text = `{"hasNext":${payload.hasNext}`;
    if (payload.incremental.length) {
      const items = payload.incremental.map((item) => {
        const formatted = formatItem(item, formatError);
        for (const patch of delivery.patches) patch(formatted);
        return serializeItem(formatted);
      });
      text += `,"incremental":[${items.join(',')}]`;
    }
    response.write(`${PART_HEADER}${text}}\r\n---${payload.hasNext ? '' : '--'}\r\n`);
    flush(response);
  }
  response.end();
}
