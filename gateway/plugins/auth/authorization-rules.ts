import { isTypeDefinitionNode, isTypeExtensionNode, Kind, parse, type ConstDirectiveNode, type ConstValueNode, type DocumentNode } from 'graphql';

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

const SPEC_URL = /^https:\/\/specs\.apollo\.dev\/(authenticated|requiresScopes|policy)\/v[0-9.]+$/;

function stringArg(directive: ConstDirectiveNode, name: string): string | undefined {
  const value = directive.arguments?.find((a) => a.name.value === name)?.value;
  return value?.kind === Kind.STRING ? value.value : undefined;
}

function listOfLists(value: ConstValueNode | undefined): string[][] {
  if (value?.kind !== Kind.LIST) return [];
  return value.values.map((inner) =>
    inner.kind === Kind.LIST ? inner.values.flatMap((v) => (v.kind === Kind.STRING ? [v.value] : [])) : [],
  );
}

/** Directive names as the supergraph spells them (a link's `as:` renames the spec's directive). */
function directiveNames(document: DocumentNode): Map<string, 'authenticated' | 'requiresScopes' | 'policy'> {
  const names = new Map<string, 'authenticated' | 'requiresScopes' | 'policy'>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.SCHEMA_DEFINITION && definition.kind !== Kind.SCHEMA_EXTENSION) continue;
    for (const directive of definition.directives ?? []) {
      if (directive.name.value !== 'link') continue;
      const spec = SPEC_URL.exec(stringArg(directive, 'url') ?? '')?.[1] as 'authenticated' | 'requiresScopes' | 'policy' | undefined;
      if (spec) names.set(stringArg(directive, 'as') ?? spec, spec);
    }
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
 * Reads `@authenticated`, `@requiresScopes` and `@policy` from a supergraph SDL (composition keeps
 * them on the fields and types that subgraphs marked). Parsed once per supergraph load.
 */
export function readAuthorizationRules(supergraphSdl: string): AuthorizationRules {
  const document = parse(supergraphSdl, { noLocation: true });
  const names = directiveNames(document);
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
