import { isTypeDefinitionNode, Kind, type ConstDirectiveNode, type ConstValueNode, type DocumentNode } from 'graphql';

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

const COST_SPEC = /^https:\/\/specs\.apollo\.dev\/cost\/v\d+\.\d+$/;

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

/**
 * Finds the names the supergraph uses for the cost spec's directives. Composition writes
 * `@link(url: "https://specs.apollo.dev/cost/v0.1", import: ["@listSize"])` once a subgraph uses
 * them: the spec's own directive is `@cost` (or `@<as>`), imported ones keep their (possibly
 * renamed) name, the others are `@cost__listSize`.
 */
function costDirectiveNames(document: DocumentNode): { cost: string; listSize: string } | undefined {
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.SCHEMA_DEFINITION && definition.kind !== Kind.SCHEMA_EXTENSION) continue;
    for (const link of definition.directives ?? []) {
      if (link.name.value !== 'link') continue;
      const url = argument(link, 'url');
      if (url?.kind !== Kind.STRING || !COST_SPEC.test(url.value)) continue;
      const as = argument(link, 'as');
      const prefix = as?.kind === Kind.STRING ? as.value : 'cost';
      const names = { cost: prefix, listSize: `${prefix}__listSize` };
      const imports = argument(link, 'import');
      for (const entry of imports?.kind === Kind.LIST ? imports.values : []) {
        if (entry.kind === Kind.STRING && entry.value === '@listSize') names.listSize = 'listSize';
        if (entry.kind === Kind.OBJECT) {
          const field = (n: string) => entry.fields.find((f) => f.name.value === n)?.value;
          const name = field('name');
          const renamed = field('as');
          if (name?.kind === Kind.STRING && name.value === '@listSize') {
            names.listSize = (renamed?.kind === Kind.STRING ? renamed.value : name.value).slice(1);
          }
        }
      }
      return names;
    }
  }
  return undefined;
}

/** Reads `@cost(weight:)` (types, fields, arguments) and `@listSize` (fields) from a supergraph document. */
export function readCostDirectives(document: DocumentNode): CostDirectives {
  const typeWeights = new Map<string, number>();
  const fieldWeights = new Map<string, number>();
  const argumentWeights = new Map<string, number>();
  const listSizes = new Map<string, ListSizeDirective>();
  const names = costDirectiveNames(document);
  if (!names) return { typeWeights, fieldWeights, argumentWeights, listSizes };
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
