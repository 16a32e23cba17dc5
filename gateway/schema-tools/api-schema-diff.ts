import { Supergraph } from '@apollo/federation-internals';
import { findBreakingChanges, findDangerousChanges, type GraphQLSchema } from 'graphql';

/** One difference between two API schemas, as graphql-js names it (FIELD_REMOVED, ARG_ADDED, …). */
export interface SchemaChange {
  severity: 'breaking' | 'dangerous';
  type: string;
  description: string;
}

/**
 * The schema clients see: the supergraph minus federation's join/link machinery and
 * @inaccessible elements. Every feature is accepted here (auth links included): this only reads.
 */
export function apiSchemaOf(supergraphSdl: string): GraphQLSchema {
  return Supergraph.build(supergraphSdl, { supportedFeatures: null }).apiSchema().toGraphQLJSSchema();
}

/** Breaking changes first, then dangerous ones, comparing what clients of the gateway see. */
export function diffApiSchemas(currentSupergraphSdl: string, nextSupergraphSdl: string): SchemaChange[] {
  const before = apiSchemaOf(currentSupergraphSdl);
  const after = apiSchemaOf(nextSupergraphSdl);
  return [
    ...findBreakingChanges(before, after).map((c) => ({ severity: 'breaking' as const, type: c.type, description: c.description })),
    ...findDangerousChanges(before, after).map((c) => ({ severity: 'dangerous' as const, type: c.type, description: c.description })),
  ];
}
