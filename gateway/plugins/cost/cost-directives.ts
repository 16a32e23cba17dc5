import { isTypeDefinitionNode, Kind, type ConstDirectiveNode, type ConstValueNode } from 'graphql';
import type { SupergraphModel } from '../../supergraph/index.js';

/** `@listSize` as written on a field (https://ibm.github.io/graphql-specs/cost-spec.html#sec-The-List-Size-Directive). */
export interface ListSizeDirective {
  assumedSize?: number;
  slicingArguments?: readonly string[];
  sizedFields?: readonly string[];
}

/** Every `@cost`/`@listSize` of a supergraph, keyed by `Type`, `Type.field` or `Type.field(arg)`. */
export interface CostDirectives {
  typeWeights: ReadonlyMap<string, number>;
  fieldWeights: ReadonlyMap<string, number>;
  argumentWeights: ReadonlyMap<string, number>;
  listSizes: ReadonlyMap<string, ListSizeDirective>;
}

function argument(directive: ConstDirectiveNode, name: string): ConstValueNode | undefined {
  return directive.arguments?.find((a) => a.name.value === name)?.value;
}

function intArgument(directive: ConstDirectiveNode, name: string): number | undefined {
  const value = argument(directive, name);
  return value?.kind === Kind.INT ? Number(value.value) : undefined;
}

function stringListArgument(directive: ConstDirectiveNode, name: string): string[] | undefined {
  const value = argument(directive, name);
  if (value?.kind === Kind.STRING) return [value.value];
  if (value?.kind !== Kind.LIST) return undefined;
  return value.values.flatMap((v) => (v.kind === Kind.STRING ? [v.value] : []));
}

/** The cost spec's identity, as the supergraph links it (`https://specs.apollo.dev/cost/v0.1`). */
export const COST_SPEC_IDENTITY = 'https://specs.apollo.dev/cost';

/**
 * Reads `@cost(weight:)` (types, fields, arguments) and `@listSize` (fields) from a supergraph, under
 * the names it gives them (a link's `as:` and `import:` renames, resolved by Apollo's core-schema model).
 */
export function readCostDirectives(supergraph: Pick<SupergraphModel, 'document' | 'directiveName'>): CostDirectives {
  const { document } = supergraph;
  const typeWeights = new Map<string, number>();
  const fieldWeights = new Map<string, number>();
  const argumentWeights = new Map<string, number>();
  const listSizes = new Map<string, ListSizeDirective>();
  const cost = supergraph.directiveName(COST_SPEC_IDENTITY, 'cost');
  const listSizeName = supergraph.directiveName(COST_SPEC_IDENTITY, 'listSize');
  if (!cost || !listSizeName) return { typeWeights, fieldWeights, argumentWeights, listSizes };
  const names = { cost, listSize: listSizeName };
  const weightOf = (directives: readonly ConstDirectiveNode[] | undefined): number | undefined => {
    const cost = directives?.find((d) => d.name.value === names.cost);
    return cost ? intArgument(cost, 'weight') : undefined;
  };
  for (const definition of document.definitions) {
    if (!isTypeDefinitionNode(definition)) continue;
    const typeName = definition.name.value;
    const typeWeight = weightOf(definition.directives);
    if (typeWeight !== undefined) typeWeights.set(typeName, typeWeight);
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.INTERFACE_TYPE_DEFINITION) continue;
    for (const field of definition.fields ?? []) {
      const key = `${typeName}.${field.name.value}`;
      const weight = weightOf(field.directives);
      if (weight !== undefined) fieldWeights.set(key, weight);
      for (const arg of field.arguments ?? []) {
        const argWeight = weightOf(arg.directives);
        if (argWeight !== undefined) argumentWeights.set(`${key}(${arg.name.value})`, argWeight);
      }
      const listSize = field.directives?.find((d) => d.name.value === names.listSize);
      if (listSize) {
        listSizes.set(key, {
          assumedSize: intArgument(listSize, 'assumedSize'),
          slicingArguments: stringListArgument(listSize, 'slicingArguments'),
          sizedFields: stringListArgument(listSize, 'sizedFields'),
        });
      }
    }
  }
  return { typeWeights, fieldWeights, argumentWeights, listSizes };
}
