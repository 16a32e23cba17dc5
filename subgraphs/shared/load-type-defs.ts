import { readFileSync } from 'node:fs';
import { Kind, parse, visit, type DocumentNode } from 'graphql';

/** `"Type.field.argument"` → default value, e.g. `{ 'Query.users.first': 5 }`. */
export type ArgumentDefaults = Record<string, number>;

/**
 * Reads and parses a `schema.graphql` (pass `new URL('./schema.graphql', import.meta.url)`), then sets the
 * default value of each argument named in `defaults`. The page-size constants in code stay the single source
 * of truth, and the defaults still show in the SDL and introspection.
 */
export function loadTypeDefs(url: URL, defaults: ArgumentDefaults = {}): DocumentNode {
  const document = parse(readFileSync(url, 'utf8'));
  const unused = new Set(Object.keys(defaults));
  let typeName = '';
  let fieldName = '';
  const patched = visit(document, {
    ObjectTypeDefinition: { enter: (node) => void (typeName = node.name.value) },
    ObjectTypeExtension: { enter: (node) => void (typeName = node.name.value) },
    FieldDefinition: { enter: (node) => void (fieldName = node.name.value) },
    InputValueDefinition(node) {
      const key = `${typeName}.${fieldName}.${node.name.value}`;
      const value = defaults[key];
      if (value === undefined) return undefined;
      unused.delete(key);
      return { ...node, defaultValue: { kind: Kind.INT, value: String(value) } };
    },
  });
  if (unused.size > 0) {
    throw new Error(`${url.pathname}: default for ${[...unused].join(', ')} names no argument; fix the key or the schema.`);
  }
  return patched;
}
