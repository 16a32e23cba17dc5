import { composeServices } from '@apollo/composition';
import { parse, Source, type GraphQLError } from 'graphql';
import { GatewayErrorCode, GatewayError } from '../errors.js';

export interface SubgraphSdl {
  name: string;
  url: string;
  sdl: string;
}

export interface ComposedSupergraph {
  supergraphSdl: string;
  hints: string[];
}

/** A composition error taken apart: its code, message and the subgraphs involved. */
export interface CompositionErrorDetail {
  code: string;
  message: string;
  subgraphs: string[];
}

/** Reads code, message and involved subgraphs (from AST sources and quoted names) off a composition error. */
export function describeCompositionError(error: GraphQLError, subgraphNames: readonly string[]): CompositionErrorDetail {
  const code = typeof error.extensions?.code === 'string' ? error.extensions.code : 'COMPOSITION_ERROR';
  const involved = new Set<string>();
  for (const node of error.nodes ?? []) {
    const sourceName = node.loc?.source?.name;
    if (sourceName && subgraphNames.includes(sourceName)) involved.add(sourceName);
  }
  for (const name of subgraphNames) {
    if (error.message.includes(`"${name}"`)) involved.add(name);
  }
  return { code, message: error.message, subgraphs: [...involved] };
}

/** One readable line per composition error: code, message and the subgraphs involved. */
export function formatCompositionError(error: GraphQLError, subgraphNames: readonly string[]): string {
  const { code, message, subgraphs } = describeCompositionError(error, subgraphNames);
  const suffix = subgraphs.length ? ` (subgraphs: ${subgraphs.join(', ')})` : '';
  return `[${code}] ${message}${suffix}`;
}

/**
 * Composes subgraph SDLs into a supergraph with the same engine rover uses, throwing one
 * SUPERGRAPH_INVALID error that lists every composition error.
 */
export function composeSupergraph(subgraphs: readonly SubgraphSdl[]): ComposedSupergraph {
  const names = subgraphs.map((s) => s.name);
  const services = subgraphs.map((subgraph) => {
    try {
      return { name: subgraph.name, url: subgraph.url, typeDefs: parse(new Source(subgraph.sdl, subgraph.name)) };
    } catch (error) {
      throw new GatewayError(GatewayErrorCode.SUPERGRAPH_INVALID, `subgraph "${subgraph.name}": schema does not parse: ${(error as Error).message}`);
    }
  });
  const result = composeServices(services);
  if (result.errors) {
    throw new GatewayError(
      GatewayErrorCode.SUPERGRAPH_INVALID,
      `Composition failed with ${result.errors.length} error(s):`,
      result.errors.map((error) => formatCompositionError(error, names)),
    );
  }
  return { supergraphSdl: result.supergraphSdl, hints: result.hints.map((hint) => hint.toString()) };
}
