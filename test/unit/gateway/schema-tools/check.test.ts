import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSubgraphSchema, isCheckPassing } from '../../../../gateway/schema-tools/check.js';
import { formatCheckReport } from '../../../../gateway/schema-tools/format-report.js';
import { REPO_ROOT, SUBGRAPH_NAMES } from '../../../helpers/gateway.js';

const current = SUBGRAPH_NAMES.map((name) => ({
  name,
  url: `http://127.0.0.1:1/${name}`,
  sdl: readFileSync(join(REPO_ROOT, 'subgraphs', name, 'schema.graphql'), 'utf8'),
}));
const sdlOf = (name: string) => current.find((s) => s.name === name)!.sdl;
const edit = (name: string, from: string | RegExp, to: string) => {
  const sdl = sdlOf(name);
  const next = sdl.replace(from, to);
  if (next === sdl) throw new Error(`edit of ${name} changed nothing: ${String(from)}`);
  return next;
};

describe('checkSubgraphSchema: API schema changes', () => {
  it.each([
    {
      case: 'removed field',
      subgraph: 'accounts',
      sdl: edit('accounts', 'name: String!\n}\n\ninput', '}\n\ninput'),
      severity: 'breaking',
      type: 'FIELD_REMOVED',
      mentions: 'User.name',
    },
    {
      case: 'changed field type',
      subgraph: 'accounts',
      sdl: edit('accounts', /(type User[^}]*?)username: String!/, '$1username: Int!'),
      severity: 'breaking',
      type: 'FIELD_CHANGED_KIND',
      mentions: 'User.username',
    },
    {
      case: 'new required argument',
      subgraph: 'products',
      sdl: edit('products', 'product(upc: String!)', 'product(upc: String!, region: String!)'),
      severity: 'breaking',
      type: 'REQUIRED_ARG_ADDED',
      mentions: 'region',
    },
    {
      case: 'new optional argument',
      subgraph: 'products',
      sdl: edit('products', 'product(upc: String!)', 'product(upc: String!, region: String)'),
      severity: 'dangerous',
      type: 'OPTIONAL_ARG_ADDED',
      mentions: 'region',
    },
  ])('$case → $severity $type', ({ subgraph, sdl, severity, type, mentions }) => {
    const result = checkSubgraphSchema({ current, subgraph, candidateSdl: sdl });
    expect(result.compositionErrors).toEqual([]);
    const change = result.changes.find((c) => c.type === type);
    expect(change).toMatchObject({ severity });
    expect(change!.description).toContain(mentions);
    expect(isCheckPassing(result)).toBe(severity !== 'breaking');
    expect(isCheckPassing(result, true)).toBe(true);
  });

  it('a new optional field passes with no changes reported as breaking or dangerous', () => {
    const result = checkSubgraphSchema({
      current,
      subgraph: 'accounts',
      candidateSdl: edit('accounts', '  name: String!\n}', '  name: String!\n  nickname: String\n}'),
    });
    expect(result).toMatchObject({ compositionErrors: [], changes: [] });
    expect(isCheckPassing(result)).toBe(true);
    expect(result.supergraphSdl).toContain('nickname');
  });

  it('a removed enum value is breaking', () => {
    const withEnum = edit('accounts', '  name: String!\n}', '  name: String!\n  role: Role\n}\n\nenum Role { ADMIN MEMBER }');
    const base = current.map((s) => (s.name === 'accounts' ? { ...s, sdl: withEnum } : s));
    const result = checkSubgraphSchema({ current: base, subgraph: 'accounts', candidateSdl: withEnum.replace('ADMIN MEMBER', 'MEMBER') });
    expect(result.changes).toEqual([expect.objectContaining({ severity: 'breaking', type: 'VALUE_REMOVED_FROM_ENUM' })]);
  });
});

describe('checkSubgraphSchema: composition', () => {
  it('reports composition errors with code, message and subgraphs, and no diff', () => {
    const result = checkSubgraphSchema({ current, subgraph: 'products', candidateSdl: edit('products', /\bweight: Int!/, 'weightInGrams: Int!') });
    expect(result.compositionErrors.length).toBeGreaterThan(0);
    expect(result.compositionErrors[0]).toMatchObject({ code: expect.stringMatching(/^[A-Z_]+$/), subgraphs: expect.arrayContaining(['inventory']) });
    expect(result.changes).toEqual([]);
    expect(isCheckPassing(result, true)).toBe(false);
    expect(formatCheckReport(result)).toMatch(/Composition failed with \d+ error\(s\)[\s\S]*CODE\s+SUBGRAPHS\s+MESSAGE[\s\S]*inventory/);
  });

  it('reports SDL that does not parse as INVALID_GRAPHQL on that subgraph', () => {
    const result = checkSubgraphSchema({ current, subgraph: 'reviews', candidateSdl: 'type Query {' });
    expect(result.compositionErrors).toEqual([expect.objectContaining({ code: 'INVALID_GRAPHQL', subgraphs: ['reviews'] })]);
  });

  it('refuses an unknown subgraph, naming the known ones', () => {
    expect(() => checkSubgraphSchema({ current, subgraph: 'billing', candidateSdl: 'type Query { a: Int }' })).toThrow(
      /Unknown subgraph "billing": supergraph.yaml lists accounts, products, inventory, reviews/,
    );
  });
});

describe('formatCheckReport', () => {
  it('prints breaking changes as a table with the change type and description', () => {
    const result = checkSubgraphSchema({ current, subgraph: 'accounts', candidateSdl: edit('accounts', 'name: String!\n}\n\ninput', '}\n\ninput') });
    const report = formatCheckReport(result);
    expect(report).toMatch(/✖ 1 breaking change\(s\):\n\s+CHANGE\s+DESCRIPTION\n\s+-+\s+-+\n\s+FIELD_REMOVED\s+User\.name was removed\./);
    expect(formatCheckReport(result, true)).toContain('allowed by --allow-breaking');
  });
});
