import { Kind, parse, type ConstValueNode } from 'graphql';

/**
 * The subgraph names a composed supergraph routes to: the `name` argument of `@join__graph` on the
 * values of its `join__Graph` enum. Empty when the SDL has none (not a federation supergraph).
 */
export function supergraphSubgraphNames(supergraphSdl: string): string[] {
  const names: string[] = [];
  for (const definition of parse(supergraphSdl, { noLocation: true }).definitions) {
    if (definition.kind !== Kind.ENUM_TYPE_DEFINITION || definition.name.value !== 'join__Graph') continue;
    for (const value of definition.values ?? []) {
      const directive = value.directives?.find((d) => d.name.value === 'join__graph');
      const arg: ConstValueNode | undefined = directive?.arguments?.find((a) => a.name.value === 'name')?.value;
      if (arg?.kind === Kind.STRING) names.push(arg.value);
    }
  }
  return names;
}
