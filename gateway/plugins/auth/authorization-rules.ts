import { isTypeDefinitionNode, isTypeExtensionNode, Kind, type ConstDirectiveNode, type ConstValueNode } from 'graphql';
import type { SupergraphModel } from '../../supergraph/index.js';

/** What a field or type demands of the caller, read from the supergraph's directives. */
export interface AccessRule {
  authenticated: boolean;
  /** `@requiresScopes`: any one inner list, all of its scopes (OR of ANDs). */
  scopes?: ReadonlyArray<readonly string[]>;
  /** `@policy`: no policy engine is configured, so a field with a policy is never visible (deny by default). */
  policy: boolean;
}

export interface AuthorizationRules {
  /** By type name: protects every field returning the type. */
  types: ReadonlyMap<string, AccessRule>;
  /** By coordinate `Type.field`. */
  fields: ReadonlyMap<string, AccessRule>;
  readonly isEmpty: boolean;
}

export const NO_RULES: AuthorizationRules = { types: new Map(), fields: new Map(), isEmpty: true };

const SPECS = ['authenticated', 'requiresScopes', 'policy'] as const;

function listOfLists(value: ConstValueNode | undefined): string[][] {
  if (value?.kind !== Kind.LIST) return [];
  return value.values.map((inner) => (inner.kind === Kind.LIST ? inner.values.flatMap((v) => (v.kind === Kind.STRING ? [v.value] : [])) : []));
}

/** Directive names as the supergraph spells them (a link's `as:` or `import:` renames them). */
function directiveNames(supergraph: Pick<SupergraphModel, 'directiveName'>): Map<string, (typeof SPECS)[number]> {
  const names = new Map<string, (typeof SPECS)[number]>();
  for (const spec of SPECS) {
    const name = supergraph.directiveName(`https://specs.apollo.dev/${spec}`, spec);
    if (name) names.set(name, spec);
  }
  return names;
}

function ruleOf(
  directives: readonly ConstDirectiveNode[] | undefined,
  names: Map<string, 'authenticated' | 'requiresScopes' | 'policy'>,
): AccessRule | undefined {
  let rule: { authenticated: boolean; scopes?: string[][]; policy: boolean } | undefined;
  for (const directive of directives ?? []) {
    const spec = names.get(directive.name.value);
    if (!spec) continue;
    rule ??= { authenticated: false, policy: false };
    if (spec === 'authenticated') rule.authenticated = true;
    else if (spec === 'policy') rule.policy = true;
    else rule.scopes = listOfLists(directive.arguments?.find((a) => a.name.value === 'scopes')?.value);
  }
  return rule;
}

/**
 * Reads `@authenticated`, `@requiresScopes` and `@policy` from a supergraph (composition keeps them
 * on the fields and types that subgraphs marked), once per load.
 */
export function readAuthorizationRules(supergraph: Pick<SupergraphModel, 'document' | 'directiveName'>): AuthorizationRules {
  const { document } = supergraph;
  const names = directiveNames(supergraph);
  if (names.size === 0) return NO_RULES;
  const types = new Map<string, AccessRule>();
  const fields = new Map<string, AccessRule>();
  for (const definition of document.definitions) {
    if (!isTypeDefinitionNode(definition) && !isTypeExtensionNode(definition)) continue;
    const typeName = definition.name.value;
    const typeRule = ruleOf(definition.directives, names);
    if (typeRule) types.set(typeName, typeRule);
    if (!('fields' in definition)) continue;
    for (const field of definition.fields ?? []) {
      if (field.kind !== Kind.FIELD_DEFINITION) continue;
      const fieldRule = ruleOf(field.directives, names);
      if (fieldRule) fields.set(`${typeName}.${field.name.value}`, fieldRule);
    }
  }
  return { types, fields, isEmpty: types.size === 0 && fields.size === 0 };
}

/** What the rules look at: whether the caller authenticated, and its scopes. */
export interface Caller {
  authenticated: boolean;
  scopes: ReadonlySet<string>;
}

export function isAllowed(rule: AccessRule | undefined, caller: Caller): boolean {
  if (!rule) return true;
  if (rule.policy) return false;
  if (rule.authenticated && !caller.authenticated) return false;
  if (rule.scopes && !rule.scopes.some((all) => all.every((scope) => caller.scopes.has(scope)))) return false;
  return true;
}
