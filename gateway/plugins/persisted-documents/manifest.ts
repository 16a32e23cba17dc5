import { stripIgnoredCharacters } from 'graphql';

/** The trusted documents: by id, and by normalised text (for clients that send the full document). */
export interface PersistedManifest {
  byId: ReadonlyMap<string, string>;
  byNormalisedBody: ReadonlySet<string>;
}

export const EMPTY_MANIFEST: PersistedManifest = { byId: new Map(), byNormalisedBody: new Set() };

/** A document's text without whitespace, commas and comments, so formatting does not matter when matching. */
export function normaliseDocument(body: string): string {
  try {
    return stripIgnoredCharacters(body);
  } catch {
    return body; // not GraphQL: matches nothing but itself
  }
}

/**
 * Reads a manifest in Apollo's persisted query list format
 * (`{ "format": "apollo-persisted-query-manifest", "version": 1, "operations": [{ "id", "body", … }] }`)
 * or Relay's (`{ "<id>": "<document>" }`). Throws one message naming `source` and what is wrong.
 */
export function parseManifest(text: string, source: string): PersistedManifest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`${source} is not valid JSON (${(error as Error).message}).`);
  }
  const entries: Array<[string, string]> = [];
  if (parsed && typeof parsed === 'object' && !Array.isArray(parsed) && (parsed as { format?: unknown }).format !== undefined) {
    const manifest = parsed as { format: unknown; version?: unknown; operations?: unknown };
    if (manifest.format !== 'apollo-persisted-query-manifest' || manifest.version !== 1 || !Array.isArray(manifest.operations)) {
      throw new Error(`${source}: expected "format": "apollo-persisted-query-manifest", "version": 1 and an "operations" list.`);
    }
    manifest.operations.forEach((operation: unknown, index) => {
      const { id, body } = (operation ?? {}) as { id?: unknown; body?: unknown };
      if (typeof id !== 'string' || id === '' || typeof body !== 'string')
        throw new Error(`${source}: operations[${index}] needs a string "id" and "body".`);
      entries.push([id, body]);
    });
  } else if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
    for (const [id, body] of Object.entries(parsed)) {
      if (typeof body !== 'string')
        throw new Error(`${source}: the document of "${id}" is not a string (expected Relay's { "<id>": "<document>" } map).`);
      entries.push([id, body]);
    }
  } else {
    throw new Error(`${source}: expected an Apollo persisted query manifest or a Relay { "<id>": "<document>" } map.`);
  }
  return { byId: new Map(entries), byNormalisedBody: new Set(entries.map(([, body]) => normaliseDocument(body))) };
}
