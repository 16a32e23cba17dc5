// The hostile-input classes: each a few shapes of one kind of abuse, sent at a modest concurrency.
// Documents are built per request (cheap string work) so each one is unique where uniqueness matters.
import { HOSTILE_FIELDS } from './hostile-subgraph.js';
import type { RawRequest } from './http-send.js';

export type ClassName = 'memory' | 'fragments' | 'aliases' | 'mistakes' | 'subgraph';
export const CLASS_NAMES: readonly ClassName[] = ['memory', 'fragments', 'aliases', 'mistakes', 'subgraph'];

export interface HostileShape {
  name: string;
  /** Requests in a full run and with `--quick`. */
  count: number;
  quickCount: number;
  make(index: number): RawRequest;
}

export interface HostileClass {
  name: ClassName;
  /** Hostile requests in flight at once. */
  concurrency: number;
  shapes: HostileShape[];
}

/**
 * Fragment levels. graphql-js 16.15 budgets fragment work in validation, so plain Apollo answers pure
 * 2× and 3× chains in milliseconds at any depth; with one spread two fields deeper its planner's work
 * grows about ×2 per level (16: 0.5 s, 18: 1.5 s, 20: 6 s on a 2-core VM; 24: a 500). 18 keeps it
 * answering inside the request timeout, so its latency is measured rather than only timeouts counted.
 */
export const FRAGMENT_LEVELS = { double: 16, triple: 12, nested: 18 } as const;

const SMALL_QUERY = '{ topProducts(first: 1) { upc } }';
const KB = 1024;
const json = (value: unknown): string => JSON.stringify(value);
const query = (text: string, extra: Record<string, unknown> = {}): RawRequest => ({ body: json({ query: text, ...extra }) });
/** A leading comment makes each request's text unique, so no document cache answers a repeat. */
const unique = (index: number, text: string, extra?: Record<string, unknown>): RawRequest => query(`# ${index}\n${text}`, extra);

/** `fragment F0 … F<levels>`, each level spreading the previous `spreads(previous)`; the operation spreads the last. */
function fragmentChain(levels: number, level: (previous: string) => string): string {
  const parts = ['fragment F0 on Product { upc }'];
  for (let i = 1; i <= levels; i++) parts.push(`fragment F${i} on Product { ${level(`...F${i - 1}`)} }`);
  return `{ topProducts(first: 1) { ...F${levels} } }\n${parts.join('\n')}`;
}

const aliases = (count: number, selection: string): string => `{ ${Array.from({ length: count }, (_, i) => `a${i}: ${selection}`).join(' ')} }`;

const MANY_OPERATIONS = `query Main ${SMALL_QUERY} ${Array.from({ length: 3_200 }, (_, i) => `query Q${i} { __typename }`).join(' ')}`;
const PAD_256K = 'x'.repeat(256 * KB);
const COMMAS_256K = ','.repeat(256 * KB);
const PAD_5MB = 'x'.repeat(5 * KB * KB);

/** Every class, in run order. */
export function hostileClasses(): HostileClass[] {
  return [
    {
      name: 'memory',
      concurrency: 4,
      shapes: [
        // Unique text defeats any cache keyed by text; a cache that keeps the source grows by 256 KB each.
        { name: 'comment-256KB', count: 300, quickCount: 80, make: (i) => query(`# ${i} ${PAD_256K}\n${SMALL_QUERY}`) },
        { name: 'commas-256KB+name', count: 100, quickCount: 40, make: (i) => query(`query Q${i} ${COMMAS_256K} ${SMALL_QUERY}`) },
      ],
    },
    {
      name: 'fragments',
      concurrency: 2,
      shapes: [
        {
          name: `spread-2x-${FRAGMENT_LEVELS.double}-levels`,
          count: 6,
          quickCount: 2,
          make: (i) =>
            unique(
              i,
              fragmentChain(FRAGMENT_LEVELS.double, (p) => `${p} ${p}`),
            ),
        },
        {
          name: `spread-3x-${FRAGMENT_LEVELS.triple}-levels`,
          count: 6,
          quickCount: 2,
          make: (i) =>
            unique(
              i,
              fragmentChain(FRAGMENT_LEVELS.triple, (p) => `${p} ${p} ${p}`),
            ),
        },
        {
          // One of the two spreads sits two fields deeper: the merged answer stays small, the expansion does not.
          name: `spread-nested-${FRAGMENT_LEVELS.nested}-levels`,
          count: 6,
          quickCount: 2,
          make: (i) =>
            unique(
              i,
              fragmentChain(FRAGMENT_LEVELS.nested, (p) => `upc reviews(first: 1) { product { ${p} } } ${p}`),
            ),
        },
      ],
    },
    {
      name: 'aliases',
      concurrency: 2,
      shapes: [
        { name: '10000-typename-aliases', count: 10, quickCount: 3, make: (i) => unique(i, aliases(10_000, '__typename')) },
        { name: '1000-list-aliases', count: 6, quickCount: 2, make: (i) => unique(i, aliases(1_000, 'topProducts(first: 5) { upc name }')) },
        // Two documents of 16,000 tokens: one field repeated (graphql-js's overlap budget aborts it), and
        // 3,200 small named operations beside the one that runs, which plain Apollo validates in full.
        { name: '16000-token-same-field', count: 6, quickCount: 2, make: (i) => unique(i, `{ topProducts(first: 1) { ${'upc '.repeat(16_000)}} }`) },
        { name: '16000-token-3200-operations', count: 6, quickCount: 2, make: (i) => unique(i, MANY_OPERATIONS, { operationName: 'Main' }) },
      ],
    },
    {
      name: 'mistakes',
      concurrency: 4,
      shapes: [
        { name: 'unknown-operationName', count: 30, quickCount: 12, make: () => query('query A { __typename }', { operationName: 'Nope' }) },
        { name: 'several-ops-no-name', count: 30, quickCount: 12, make: () => query('query A { __typename } query B { __typename }') },
        { name: 'invalid-json', count: 30, quickCount: 12, make: () => ({ body: '{"query": "{ __typename }"' }) },
        {
          name: 'batch-array-10',
          count: 30,
          quickCount: 12,
          make: () => ({ body: json(Array.from({ length: 10 }, () => ({ query: SMALL_QUERY }))) }),
        },
        { name: 'body-5MB', count: 10, quickCount: 4, make: () => query(`# ${PAD_5MB}\n{ __typename }`) },
        { name: 'headers-20KB', count: 30, quickCount: 12, make: () => ({ ...query('{ __typename }'), headers: { 'x-pad': 'a'.repeat(20 * KB) } }) },
      ],
    },
    {
      name: 'subgraph',
      concurrency: 2,
      shapes: HOSTILE_FIELDS.map((field) => ({
        name: field,
        count: field === 'hugeBody' ? 6 : 10,
        quickCount: field === 'hugeBody' ? 2 : 4,
        make: () => query(`{ topProducts(first: 1) { upc ${field} } }`),
      })),
    },
  ];
}
