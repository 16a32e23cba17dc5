import { z } from 'zod';

/** The response headers a browser app may read by default: the request id and the RateLimit fields. */
export const DEFAULT_CORS_EXPOSED_HEADERS = ['x-request-id', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'retry-after'];
/** Request headers a browser app may send by default (GraphQL over HTTP, credentials, client awareness). */
export const DEFAULT_CORS_ALLOWED_HEADERS = [
  'content-type',
  'accept',
  'authorization',
  'x-api-key',
  'x-request-id',
  'apollographql-client-name',
  'apollographql-client-version',
];
/** How long a browser may cache a preflight answer. */
export const DEFAULT_CORS_MAX_AGE_SECONDS = 600;

const headerName = z.string().regex(/^[a-z0-9!#$%&'*+.^_`|~-]+$/, 'must be a lower-case HTTP header name');

/** `/…/` in config is a regular expression over the whole Origin (`/^https:\/\/[a-z]+\.example\.com$/`). */
const origin = z
  .string()
  .min(1)
  .refine((value) => {
    if (!(value.length > 2 && value.startsWith('/') && value.endsWith('/'))) return true;
    try {
      new RegExp(value.slice(1, -1));
      return true;
    } catch {
      return false;
    }
  }, 'is not a valid regular expression')
  .refine(
    (value) => value === '*' || value.startsWith('/') || /^https?:\/\/[^/\s]+$/.test(value),
    'must be *, an origin like https://app.example.com (no path) or a /pattern/',
  );

/**
 * Cross-origin access from browsers (CORS, https://fetch.spec.whatwg.org/#http-cors-protocol). Off by
 * default: no origin listed, no Access-Control-* header sent. `npm start` allows localhost origins.
 */
export const corsSchema = z
  .object({
    /** Allowed origins: exact (`https://app.example.com`), `*` (any, without credentials), or `/regex/`. */
    origins: z.array(origin).default([]),
    /** Let browsers send cookies and HTTP auth (`Access-Control-Allow-Credentials`); not with `*`. */
    credentials: z.boolean().default(false),
    allowedHeaders: z.array(headerName).default(DEFAULT_CORS_ALLOWED_HEADERS),
    exposedHeaders: z.array(headerName).default(DEFAULT_CORS_EXPOSED_HEADERS),
    methods: z
      .array(z.enum(['GET', 'POST']))
      .min(1)
      .default(['GET', 'POST']),
    maxAgeSeconds: z.number().int().min(0).default(DEFAULT_CORS_MAX_AGE_SECONDS),
  })
  .strict()
  .superRefine((cors, context) => {
    if (cors.credentials && cors.origins.includes('*')) {
      context.addIssue({ code: 'custom', path: ['origins'], message: 'cannot be * with credentials: true (browsers refuse it); list the origins' });
    }
  });
