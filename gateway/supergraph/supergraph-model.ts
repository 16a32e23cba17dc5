import { buildSchemaFromAST } from '@apollo/federation-internals';
import { buildASTSchema, Kind, parse, type ConstValueNode, type DocumentNode, type GraphQLSchema } from 'graphql';

/** A feature the supergraph links with `@link(url:, for:)`. */
export interface LinkedFeature {
  /** The spec's URL with its version, e.g. `https://specs.apollo.dev/inaccessible/v0.2`. */
  url: string;
  /** `SECURITY` or `EXECUTION` when the link says a gateway must understand the feature to serve the graph. */
  purpose: string | undefined;
}

/**
 * One supergraph, parsed once per load and handed to everything that reads it (feature checks,
 * plugins' `onSupergraph`, subgraph pools): nobody parses the SDL again.
 */
export interface SupergraphModel {
  /** The SDL as the engine is given it (link purposes the plugins enforce cleared). */
  sdl: string;
  readonly document: DocumentNode;
  /** The whole supergraph as a graphql-js schema (a superset of the API schema: join types, @inaccessible elements). */
  readonly schema: GraphQLSchema;
  /** The names of the subgraphs it routes to (its `join__Graph` values). */
  readonly subgraphNames: readonly string[];
  readonly features: readonly LinkedFeature[];
  /**
   * The name the supergraph gives `directive` of the spec `identity` (`https://specs.apollo.dev/cost`),
   * renames and imports resolved by Apollo's core-schema model; undefined when the spec is not linked.
   */
  directiveName(identity: string, directive: string): string | undefined;
}

function subgraphNamesOf(document: DocumentNode): string[] {
  const names: string[] = [];
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.ENUM_TYPE_DEFINITION || definition.name.value !== 'join__Graph') continue;
    for (const value of definition.values ?? []) {
      const directive = value.directives?.find((d) => d.name.value === 'join__graph');
      const arg: ConstValueNode | undefined = directive?.arguments?.find((a) => a.name.value === 'name')?.value;
      if (arg?.kind === Kind.STRING) names.push(arg.value);
    }
  }
  return names;
}

/**
 * Builds the model of a supergraph SDL: one graphql-js parse; Apollo's core-schema model and the
 * graphql-js schema are built from that document.
 */
export function buildSupergraphModel(sdl: string): SupergraphModel {
  const document = parse(sdl);
  const core = buildSchemaFromAST(document, { validate: false }).coreFeatures;
  const features = core ? [...core.allFeatures()] : [];
  let schema: GraphQLSchema | undefined;
  return {
    sdl,
    document,
    get schema() {
      // Built on first use: only the cost model needs it.
      schema ??= buildASTSchema(document, { assumeValidSDL: true });
      return schema;
    },
    subgraphNames: subgraphNamesOf(document),
    features: features.map((feature) => ({ url: feature.url.base.toString(), purpose: feature.purpose })),
    directiveName(identity, directive) {
      const feature = features.find((f) => f.url.identity === identity);
      return feature?.directiveNameInSchema(directive);
    },
  };
}
