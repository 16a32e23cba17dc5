import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../gateway/config/index.js';

describe('cors config', () => {
  it('is off by default and exposes the request id and RateLimit fields once origins are listed', () => {
    expect(loadConfig({ input: {} }).cors.origins).toEqual([]);
    const cors = loadConfig({ input: { cors: { origins: ['https://app.example.com'] } } }).cors;
    expect(cors.exposedHeaders).toEqual(['x-request-id', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'retry-after']);
    expect(cors.credentials).toBe(false);
  });

  it.each([
    [{ origins: ['*'], credentials: true }, /cors\.origins: cannot be \* with credentials: true/],
    [{ origins: ['/[unclosed/'] }, /cors\.origins\.0: is not a valid regular expression/],
    [{ origins: ['https://app.example.com/path'] }, /cors\.origins\.0: must be \*, an origin like https:\/\/app\.example\.com/],
    [{ methods: ['DELETE'] }, /cors\.methods\.0/],
    [{ allowedHeaders: ['X-Upper'] }, /cors\.allowedHeaders\.0: must be a lower-case HTTP header name/],
  ])('refuses %j, naming the key', (cors, message) => {
    expect(() => loadConfig({ input: { cors: cors as never } })).toThrow(message);
  });

  it('SWITCHYARD_CORS_ORIGINS sets the origins, comma-separated', () => {
    const config = loadConfig({ input: {}, env: { SWITCHYARD_CORS_ORIGINS: 'https://a.example.com, /^https:\\/\\/[a-z]+\\.example\\.org$/' } });
    expect(config.cors.origins).toEqual(['https://a.example.com', '/^https:\\/\\/[a-z]+\\.example\\.org$/']);
  });
});
