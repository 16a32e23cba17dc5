import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import type { GatewayConfigInput } from '../../../gateway/config/index.js';

/** What a corpus subgraph resolver sees: the request headers the gateway sent. */
export interface CorpusContext extends Record<PropertyKey, unknown> {
  headers: Record<string, string | string[] | undefined>;
}

/** One `@apollo/subgraph` service of a fixture: its SDL and resolvers over a little inline data. */
export interface SubgraphFixture {
  typeDefs: string;
  resolvers?: GraphQLResolverMap<CorpusContext>;
}

/** An error as the corpus compares it: where it is, its code, and (unless masked) its message. */
export interface ExpectedError {
  path?: ReadonlyArray<string | number>;
  code?: string;
  message?: string;
}

/** A response recorded by hand, where plain Apollo Gateway is not the reference. */
export interface RecordedResponse {
  data?: unknown;
  errors?: readonly ExpectedError[];
  /** HTTP status; default 200. */
  status?: number;
}

export interface OperationCase {
  name: string;
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
  /** Calls with a JWT for `sub` carrying these scopes (Switchyard verifies it; plain Apollo ignores it). */
  caller?: { sub: string; scopes?: readonly string[] };
  /**
   * Switchyard answers differently from plain Apollo Gateway on purpose (it enforces authorization,
   * for instance): this is the answer it must give, and why plain Apollo's is not the reference.
   */
  expected?: RecordedResponse & { reason: string };
  /**
   * Plain Apollo Gateway's answer is wrong here (an engine bug); `correct` records the right one.
   * With `fixedByExecutor`, Switchyard's executor must give `correct` (and Switchyard on Apollo's
   * executor plain Apollo's answer); without it (a planner bug) both are held to plain Apollo's.
   */
  engineDifference?: {
    reason: string;
    correct: RecordedResponse;
    fixedByExecutor?: boolean;
    /** With `fixedByExecutor`: `correct` states only the errors; the data is plain Apollo's (which gets it right). */
    sameDataAsReference?: boolean;
    /**
     * A planner bug (not fixed by our executor) whose consequence our executor reports differently
     * from Apollo's (e.g. the field errors of the nulls it causes): what Switchyard's executor answers.
     */
    withPlannerBug?: RecordedResponse;
  };
}

export interface Fixture {
  /** `area/case`, unique in the corpus. */
  name: string;
  /** Federation features the fixture exercises (for the README's coverage list). */
  covers: readonly string[];
  subgraphs: Readonly<Record<string, SubgraphFixture>>;
  operations: readonly OperationCase[];
  /**
   * The supergraph composes but cannot be served: Switchyard must refuse it at start with
   * SUPERGRAPH_INVALID and a message naming the feature.
   */
  refusedAtStart?: { messageIncludes: readonly string[] };
  /**
   * Apollo's executor cannot serve this supergraph (it links a feature only Switchyard's executor
   * implements, e.g. @context): plain Apollo Gateway is no reference, so every operation carries its
   * recorded `expected` answer, and Switchyard on Apollo's executor must refuse the supergraph at
   * start with SUPERGRAPH_INVALID, its message naming each of `refusalIncludes`.
   */
  apolloCannotServe?: { reason: string; refusalIncludes: readonly string[] };
  /** Switchyard config on top of the defaults (rarely needed: the corpus runs the defaults). */
  config?: GatewayConfigInput;
  /**
   * Why the @defer variant of these operations (see defer-variant.ts) gets other leaf values: its
   * plan fetches a deferred field from another subgraph, and the fixture's subgraphs disagree on
   * purpose (a `@provides` shortcut answers differently from the owner, to show which one served).
   * Its answer must then have the same shape — keys, lists, nulls — not the same values.
   */
  deferredLeavesDiffer?: string;
}

/** Identity helper for fixture files (keeps the literal typed). */
export function defineFixtures(fixtures: readonly Fixture[]): readonly Fixture[] {
  return fixtures;
}

/** Federation 2.9 `@link` with the given imports, for fixture SDLs. */
export function link(...imports: string[]): string {
  const list = imports.map((name) => `"${name}"`).join(', ');
  return `extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: [${list}])\n`;
}
