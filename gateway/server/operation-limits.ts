import { GraphQLError, Kind, parse, type DocumentNode, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';
import { LRUCache } from 'lru-cache';
import type { OperationLimitsConfig } from '../config/index.js';
import { GatewayErrorCode } from '../errors.js';

/** What one operation asks for, fragments expanded. */
export interface OperationMeasure {
  depth: number;
  fields: number;
  aliases: number;
  rootFields: number;
  directives: number;
}

/** A document refused before validation: the limit it broke, with a message for the client. */
export interface LimitRefusal {
  code: typeof GatewayErrorCode.OPERATION_LIMIT_EXCEEDED | 'GRAPHQL_PARSE_FAILED';
  message: string;
  /** Which limit (`tokens`, `depth`, `fields`, `aliases`, `rootFields`, `directives`) and its maximum. */
  limit?: { name: keyof OperationMeasure | 'tokens'; max: number };
  locations?: ReadonlyArray<{ line: number; column: number }>;
}

interface Summary {
  depth: number;
  fields: number;
  aliases: number;
  directives: number;
  /** Fields at the top level of the selection set (through fragments at that level). */
  direct: number;
}

const ZERO: Summary = { depth: 0, fields: 0, aliases: 0, directives: 0, direct: 0 };

/**
 * Measures every operation of `document`. Each fragment is measured once and its summary reused at
 * every spread, so the work is linear in the document however fragments nest; counts multiply out
 * (a fragment spread twice counts twice). No walk goes deeper than `depthCap` fields.
 */
export function measureOperations(document: DocumentNode, depthCap: number): OperationMeasure[] {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const byFragment = new Map<string, Summary>();

  function summarise(set: SelectionSetNode, budget: number): Summary {
    const total = { depth: 0, fields: 0, aliases: 0, directives: 0, direct: 0 };
    for (const selection of set.selections) {
      total.directives += selection.directives?.length ?? 0;
      let inner: Summary;
      if (selection.kind === Kind.FIELD) {
        total.fields++;
        total.direct++;
        if (selection.alias) total.aliases++;
        if (!selection.selectionSet) {
          if (total.depth < 1) total.depth = 1;
          continue;
        }
        // Past the cap the operation is refused anyway: stop descending (keeps recursion shallow).
        inner = budget > 1 ? summarise(selection.selectionSet, budget - 1) : { ...ZERO, depth: 1 };
        total.depth = Math.max(total.depth, 1 + inner.depth);
        total.fields += inner.fields;
        total.aliases += inner.aliases;
        total.directives += inner.directives;
        continue;
      }
      inner = selection.kind === Kind.INLINE_FRAGMENT ? summarise(selection.selectionSet, budget) : fragmentSummary(selection.name.value);
      total.depth = Math.max(total.depth, inner.depth);
      total.fields += inner.fields;
      total.aliases += inner.aliases;
      total.directives += inner.directives;
      total.direct += inner.direct;
    }
    return total;
  }

  function fragmentSummary(name: string): Summary {
    const known = byFragment.get(name);
    if (known) return known;
    const fragment = fragments.get(name);
    if (!fragment) return ZERO;
    byFragment.set(name, ZERO); // a cycle (refused by validation) cannot loop
    const summary = summarise(fragment.selectionSet, depthCap);
    byFragment.set(name, summary);
    return summary;
  }

  const measures: OperationMeasure[] = [];
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    const summary = summarise(definition.selectionSet, depthCap);
    measures.push({
      depth: summary.depth,
      fields: summary.fields,
      aliases: summary.aliases,
      rootFields: summary.direct,
      directives: summary.directives + (definition.directives?.length ?? 0),
    });
  }
  return measures;
}

const LIMITS: ReadonlyArray<{ name: keyof OperationMeasure; key: keyof OperationLimitsConfig; what: string; fix: string }> = [
  { name: 'depth', key: 'maxDepth', what: 'nests fields deeper than', fix: 'ask for less nesting' },
  {
    name: 'fields',
    key: 'maxFields',
    what: 'selects more fields (fragments expanded) than',
    fix: 'ask for fewer fields or spread fragments less often',
  },
  { name: 'aliases', key: 'maxAliases', what: 'uses more aliases than', fix: 'send fewer aliased fields per request' },
  { name: 'rootFields', key: 'maxRootFields', what: 'selects more root fields than', fix: 'split it into several requests' },
  { name: 'directives', key: 'maxDirectives', what: 'uses more directives than', fix: 'use fewer directives' },
];

/** The first limit `measure` breaks, or undefined. */
export function checkMeasure(measure: OperationMeasure, limits: OperationLimitsConfig): LimitRefusal | undefined {
  for (const limit of LIMITS) {
    const max = limits[limit.key];
    if (measure[limit.name] <= max) continue;
    return {
      code: GatewayErrorCode.OPERATION_LIMIT_EXCEEDED,
      message: `The operation ${limit.what} the maximum of ${max}; ${limit.fix}.`,
      limit: { name: limit.name, max },
    };
  }
  return undefined;
}

export interface OperationLimiter {
  /**
   * Undefined when the document is within every limit; the refusal otherwise. `onParsed` receives
   * the document when it was parsed here (first sight), so it need not be parsed again.
   */
  check(query: string, onParsed?: (document: DocumentNode) => void): LimitRefusal | undefined;
}

/** Documents remembered as within the limits, by their text (counted in bytes against this budget). */
export const DEFAULT_ADMITTED_CACHE_BYTES = 8 * 1024 * 1024;

/**
 * Checks a document before anything expensive runs on it: parsing stops at `maxTokens`, then every
 * operation is measured (linear, see `measureOperations`). Admitted documents are remembered by
 * their text (byte-bounded), so a repeated query is not parsed again here; refusals keep nothing.
 */
export function createOperationLimiter(limits: OperationLimitsConfig, cacheBytes = DEFAULT_ADMITTED_CACHE_BYTES): OperationLimiter {
  const admitted =
    cacheBytes > 0 ? new LRUCache<string, true>({ maxSize: cacheBytes, sizeCalculation: (_value, key) => key.length + 64 }) : undefined;
  return {
    check(query, onParsed) {
      if (admitted?.has(query)) return undefined;
      let document: DocumentNode;
      try {
        document = parse(query, { maxTokens: limits.maxTokens });
      } catch (error) {
        return parseRefusal(error, limits.maxTokens);
      }
      for (const measure of measureOperations(document, limits.maxDepth + 1)) {
        const refusal = checkMeasure(measure, limits);
        if (refusal) return refusal;
      }
      if (query.length + 64 <= cacheBytes) admitted?.set(query, true);
      onParsed?.(document);
      return undefined;
    },
  };
}

function parseRefusal(error: unknown, maxTokens: number): LimitRefusal {
  // graphql-js 16 spells it "more that".
  if (error instanceof GraphQLError && /contains more tha[nt] \d+ tokens/.test(error.message)) {
    return {
      code: GatewayErrorCode.OPERATION_LIMIT_EXCEEDED,
      message: `The document has more than ${maxTokens} tokens; send a smaller document.`,
      limit: { name: 'tokens', max: maxTokens },
    };
  }
  // graphql-js's recursive parser overflows the stack a few thousand levels deep.
  if (error instanceof RangeError) return { code: 'GRAPHQL_PARSE_FAILED', message: 'Syntax Error: the document is nested too deeply to parse.' };
  if (error instanceof GraphQLError) return { code: 'GRAPHQL_PARSE_FAILED', message: error.message, locations: error.locations };
  return { code: 'GRAPHQL_PARSE_FAILED', message: 'Syntax Error: the document does not parse.' };
}
