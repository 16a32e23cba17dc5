import { composeServices } from '@apollo/composition';
import { parse, Source } from 'graphql';
import { describeCompositionError, type CompositionErrorDetail, type SubgraphSdl } from '../supergraph/index.js';
import { diffApiSchemas, type SchemaChange } from './api-schema-diff.js';

export interface SchemaCheckInput {
  /** Every subgraph as the gateway composes it today (files, with registry overrides applied). */
  current: readonly SubgraphSdl[];
  /** The subgraph being changed; must be one of `current`. */
  subgraph: string;
  candidateSdl: string;
}

export interface SchemaCheckResult {
  subgraph: string;
  compositionErrors: CompositionErrorDetail[];
  /** API schema changes, current → candidate; empty when either side does not compose. */
  changes: SchemaChange[];
  /** Set when today's subgraphs do not compose, so there is nothing to diff against. */
  currentCompositionFailed: boolean;
  /** The candidate supergraph, when it composes. */
  supergraphSdl?: string;
}

type Composition = { supergraphSdl: string; errors?: undefined } | { supergraphSdl?: undefined; errors: CompositionErrorDetail[] };

function compose(subgraphs: readonly SubgraphSdl[]): Composition {
  const names = subgraphs.map((s) => s.name);
  const services = [];
  for (const subgraph of subgraphs) {
    try {
      services.push({ name: subgraph.name, url: subgraph.url, typeDefs: parse(new Source(subgraph.sdl, subgraph.name)) });
    } catch (error) {
      return { errors: [{ code: 'INVALID_GRAPHQL', message: (error as Error).message, subgraphs: [subgraph.name] }] };
    }
  }
  const result = composeServices(services);
  if (result.errors) return { errors: result.errors.map((error) => describeCompositionError(error, names)) };
  return { supergraphSdl: result.supergraphSdl };
}

/**
 * Checks a subgraph's candidate schema: composes it with the other subgraphs, then diffs the
 * resulting API schema against today's. Pure: no I/O, the caller supplies every SDL.
 */
export function checkSubgraphSchema(input: SchemaCheckInput): SchemaCheckResult {
  if (!input.current.some((s) => s.name === input.subgraph)) {
    const known = input.current.map((s) => s.name).join(', ');
    throw new Error(`Unknown subgraph "${input.subgraph}": supergraph.yaml lists ${known}.`);
  }
  const candidate = input.current.map((s) => (s.name === input.subgraph ? { ...s, sdl: input.candidateSdl } : s));
  const next = compose(candidate);
  const base: SchemaCheckResult = { subgraph: input.subgraph, compositionErrors: [], changes: [], currentCompositionFailed: false };
  if (next.errors) return { ...base, compositionErrors: next.errors };
  const today = compose(input.current);
  if (today.errors) return { ...base, currentCompositionFailed: true, supergraphSdl: next.supergraphSdl };
  return { ...base, changes: diffApiSchemas(today.supergraphSdl, next.supergraphSdl), supergraphSdl: next.supergraphSdl };
}

/** Composition errors always fail; breaking changes fail unless explicitly allowed. */
export function isCheckPassing(result: SchemaCheckResult, allowBreaking = false): boolean {
  if (result.compositionErrors.length > 0) return false;
  return allowBreaking || !result.changes.some((c) => c.severity === 'breaking');
}
