import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../gateway/config/index.js';
import { GatewayError } from '../../../gateway/errors.js';

function configError(run: () => unknown): GatewayError {
  try {
    run();
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected loadConfig to throw');
}

describe('loadConfig', () => {
  it('fills documented defaults and freezes the result', () => {
    const config = loadConfig();
    expect(config.server).toMatchObject({ port: 4000, host: '0.0.0.0', graphqlPath: '/graphql' });
    expect(config.supergraph).toMatchObject({ source: 'compose', configPath: 'supergraph.yaml', pollIntervalSeconds: 10 });
    expect(Object.isFrozen(config.server)).toBe(true);
  });

  it.each([
    { env: { PORT: '5001' }, path: ['server', 'port'], value: 5001 },
    { env: { HOST: '127.0.0.1' }, path: ['server', 'host'], value: '127.0.0.1' },
    { env: { LOG_LEVEL: 'debug' }, path: ['logging', 'level'], value: 'debug' },
    { env: { SWITCHYARD_INTROSPECTION: 'false' }, path: ['server', 'introspection'], value: false },
    { env: { SWITCHYARD_SUPERGRAPH_POLL_SECONDS: '2' }, path: ['supergraph', 'pollIntervalSeconds'], value: 2 },
  ])('env $env overrides $path', ({ env, path, value }) => {
    const config = loadConfig({ env }) as unknown as Record<string, Record<string, unknown>>;
    expect(config[path[0]][path[1]]).toBe(value);
  });

  it.each([
    { case: 'bad env number', options: { env: { PORT: 'eighty' } }, expected: /server\.port \(from env PORT\)/ },
    { case: 'port out of range', options: { input: { server: { port: 70_000 } } }, expected: /server\.port: / },
    { case: 'unknown key', options: { input: { server: { prot: 1 } } as never }, expected: /server\.prot: unknown key/ },
    { case: 'unknown section', options: { input: { sever: {} } as never }, expected: /sever: unknown key/ },
    { case: 'bad log level', options: { env: { LOG_LEVEL: 'loud' } }, expected: /logging\.level \(from env LOG_LEVEL\)/ },
    { case: 'file source without path', options: { input: { supergraph: { source: 'file' } } as never }, expected: /supergraph\.path/ },
  ])('rejects $case with CONFIG_INVALID naming the key', ({ options, expected }) => {
    const error = configError(() => loadConfig(options));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toMatch(expected);
  });

  it('reports every problem at once', () => {
    const error = configError(() => loadConfig({ env: { PORT: 'x', LOG_LEVEL: 'loud' } }));
    expect(error.details).toHaveLength(2);
  });
});

describe('secrets are checked with every other config problem', () => {
  it('reports a short secret and a bad PEM beside a bad key, in one CONFIG_INVALID', () => {
    expect(() =>
      loadConfig({
        input: { server: { port: -1 }, auth: { jwt: { publicKey: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----' } } },
        env: { SWITCHYARD_SUBGRAPH_SECRET: 'short' },
      }),
    ).toThrow(
      /server\.port[\s\S]*auth\.signing\.secretEnv \(env SWITCHYARD_SUBGRAPH_SECRET\): the secret must be at least 32 bytes[\s\S]*auth\.jwt\.publicKey: not a PEM public key/,
    );
  });

  it('reads the secrets into config.secrets, never into the sections', () => {
    const secret = 'x'.repeat(32);
    const config = loadConfig({ env: { SWITCHYARD_JWT_SECRET: secret } });
    expect(config.secrets).toEqual({ jwtSecret: secret, signingSecret: undefined });
    expect(JSON.stringify(config.auth)).not.toContain(secret);
  });
});
