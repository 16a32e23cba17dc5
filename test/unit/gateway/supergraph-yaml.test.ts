import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../gateway/errors.js';
import { expandEnv, parseSupergraphYaml } from '../../../gateway/supergraph/index.js';

describe('expandEnv', () => {
  it.each([
    { value: 'http://${env.HOST_A}/graphql', env: { HOST_A: 'a:1' }, expected: 'http://a:1/graphql' },
    { value: '${env.MISSING:-http://fallback/graphql}', env: {}, expected: 'http://fallback/graphql' },
    { value: '${env.EMPTY:-http://fallback/graphql}', env: { EMPTY: '' }, expected: 'http://fallback/graphql' },
    { value: 'http://plain/graphql', env: {}, expected: 'http://plain/graphql' },
  ])('$value → $expected', ({ value, env, expected }) => {
    expect(expandEnv(value, env, 'k')).toBe(expected);
  });

  it('names the key and the variable when it is unset without a default', () => {
    expect(() => expandEnv('${env.NOPE}', {}, 'subgraphs.a.routing_url')).toThrow(/subgraphs\.a\.routing_url uses \$\{env\.NOPE\}/);
  });
});

describe('parseSupergraphYaml', () => {
  it('reads rover format, resolving schema files against the file and expanding env', () => {
    const parsed = parseSupergraphYaml(
      'federation_version: =2.9.0\nsubgraphs:\n  a:\n    routing_url: ${env.A_URL:-http://a/graphql}\n    schema:\n      file: ./a.graphql\n  b:\n    schema:\n      subgraph_url: http://b/graphql\n',
      '/srv/graph/supergraph.yaml',
      { A_URL: 'http://elsewhere/graphql' },
    );
    expect(parsed.federationVersion).toBe('=2.9.0');
    expect(parsed.subgraphs).toEqual([
      { name: 'a', routingUrl: 'http://elsewhere/graphql', schema: { kind: 'file', path: '/srv/graph/a.graphql' } },
      { name: 'b', routingUrl: 'http://b/graphql', schema: { kind: 'introspection', url: 'http://b/graphql', headers: {} } },
    ]);
  });

  it.each([
    { case: 'bad YAML', text: 'subgraphs: [', expected: /not valid YAML/ },
    { case: 'unknown top-level key', text: 'subgraph: {}', expected: /subgraph: unknown key/ },
    { case: 'unknown subgraph key', text: 'subgraphs:\n  a:\n    url: x\n    schema: { file: a }', expected: /subgraphs\.a\.url: unknown key/ },
    {
      case: 'schema neither file nor url',
      text: 'subgraphs:\n  a:\n    routing_url: x\n    schema: { path: a }',
      expected: /subgraphs\.a\.schema: expected \{ file/,
    },
    {
      case: 'file schema without routing_url',
      text: 'subgraphs:\n  a:\n    schema: { file: a.graphql }',
      expected: /subgraphs\.a\.routing_url is required/,
    },
    { case: 'no subgraphs', text: 'subgraphs: {}', expected: /subgraphs is empty/ },
  ])('rejects $case', ({ text, expected }) => {
    expect(() => parseSupergraphYaml(text, 'supergraph.yaml')).toThrow(GatewayError);
    expect(() => parseSupergraphYaml(text, 'supergraph.yaml')).toThrow(expected);
  });
});
