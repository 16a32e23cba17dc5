import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plainApolloSupergraph } from '../../helpers/plain-apollo.js';
import { startGateway, staticSupergraphSource, type StartedGateway } from '../../helpers/gateway.js';
import { createCloseStack } from '../../helpers/subgraphs.js';
import { mintToken, secretBytes } from '../../helpers/tokens.js';
import { ourComparable, projectErrors, recordedComparable, referenceComparable, type HttpAnswer } from './compare.js';
import type { Fixture, OperationCase } from './fixture.js';
import { composeCorpusSupergraph, startCorpusSubgraphs } from './subgraph-servers.js';
import { deferredVariant } from './defer-variant.js';
import { postIncremental } from '../../helpers/incremental.js';

const JWT_SECRET = 'conformance-corpus-jwt-secret-0123456789abcdef';

async function post(url: string, operation: OperationCase, token: string | undefined): Promise<HttpAnswer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query: operation.query, variables: operation.variables, operationName: operation.operationName }),
  });
  return { status: response.status, body: (await response.json()) as HttpAnswer['body'] };
}

/**
 * Registers one describe block per fixture: its subgraphs on port 0, plain Apollo Gateway and
 * Switchyard (default config) on the same supergraph — once on Switchyard's executor, once on
 * Apollo's — and one test per operation comparing each Switchyard with the reference.
 */
export function runCorpus(fixtures: readonly Fixture[]): void {
  for (const fixture of fixtures) {
    describe(fixture.name, () => {
      const closeStack = createCloseStack();
      let switchyard: StartedGateway | undefined;
      /** The same Switchyard on Apollo's executor (server.executor: apollo): every case runs through both. */
      let onApolloExecutor: StartedGateway | undefined;
      let startError: Error | undefined;
      /** Why Switchyard on Apollo's executor did not start (expected only with `apolloCannotServe`). */
      let apolloExecutorStartError: Error | undefined;
      let plainUrl = '';

      beforeAll(async () => {
        const subgraphs = await startCorpusSubgraphs(fixture.subgraphs);
        closeStack.push(subgraphs.close);
        const supergraphSdl = composeCorpusSupergraph(fixture.subgraphs, subgraphs.urls);
        try {
          const start = (executor: 'switchyard' | 'apollo') =>
            startGateway({
              supergraphSource: staticSupergraphSource(supergraphSdl),
              config: { logging: { level: 'warn' }, ...fixture.config, server: { ...fixture.config?.server, executor } },
              env: { SWITCHYARD_JWT_SECRET: JWT_SECRET },
            });
          switchyard = await start('switchyard');
          closeStack.push(switchyard.close);
          try {
            onApolloExecutor = await start('apollo');
            closeStack.push(onApolloExecutor.close);
          } catch (error) {
            if (!fixture.apolloCannotServe) throw error;
            apolloExecutorStartError = error as Error;
          }
        } catch (error) {
          startError = error as Error;
        }
        if (fixture.refusedAtStart || fixture.apolloCannotServe) return;
        // Plain Apollo Gateway as its users run it: default fetcher and executor, the authorization
        // links' SECURITY purpose cleared (it refuses to load them otherwise).
        const plain = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl: plainApolloSupergraph(supergraphSdl) }) });
        const { url } = await startStandaloneServer(plain, { listen: { port: 0, host: '127.0.0.1' } });
        plainUrl = url;
        closeStack.push(() => plain.stop());
      });
      afterAll(() => closeStack.drain());

      if (fixture.refusedAtStart) {
        it('is refused at start, naming the feature', () => {
          expect(switchyard, 'Switchyard started a supergraph it cannot serve').toBeUndefined();
          expect((startError as { code?: string }).code).toBe('SUPERGRAPH_INVALID');
          for (const part of fixture.refusedAtStart!.messageIncludes) expect(startError!.message).toContain(part);
        });
        return;
      }

      if (fixture.apolloCannotServe) {
        it("is refused at start on Apollo's executor, naming the feature", () => {
          expect(onApolloExecutor, "Switchyard on Apollo's executor started a supergraph that executor cannot serve").toBeUndefined();
          expect((apolloExecutorStartError as { code?: string }).code).toBe('SUPERGRAPH_INVALID');
          for (const part of fixture.apolloCannotServe!.refusalIncludes) expect(apolloExecutorStartError!.message).toContain(part);
        });
      }

      for (const operation of fixture.operations) {
        it(operation.name, async () => {
          if (startError) throw startError;
          const token = operation.caller
            ? await mintToken(secretBytes(JWT_SECRET), { sub: operation.caller.sub, scope: operation.caller.scopes?.join(' ') })
            : undefined;
          if (fixture.apolloCannotServe) {
            if (!operation.expected) throw new Error(`${operation.name}: a fixture Apollo cannot serve needs a recorded answer (expected)`);
            const ours = await post(switchyard!.url, operation, token);
            if (process.env.CORPUS_DEBUG) console.log(operation.name, JSON.stringify(ours));
            const answer = ourComparable(ours);
            const recorded = recordedComparable(operation.expected);
            expect({ status: answer.status, data: answer.data, errors: projectErrors(answer.errors, recorded.errors) }, 'Switchyard').toEqual(
              recorded,
            );
            await checkDeferredVariant(switchyard!.url, fixture, operation, token, ours);
            return;
          }
          const [ours, oursOnApollo, theirs] = await Promise.all([
            post(switchyard!.url, operation, token),
            post(onApolloExecutor!.url, operation, token),
            post(plainUrl, operation, token),
          ]);
          if (process.env.CORPUS_DEBUG) console.log(operation.name, JSON.stringify(ours), JSON.stringify(oursOnApollo), JSON.stringify(theirs));
          const answers = [
            { executor: 'switchyard', answer: ourComparable(ours) },
            { executor: 'apollo', answer: ourComparable(oursOnApollo) },
          ] as const;
          for (const { executor, answer } of answers) {
            const label = `Switchyard on the ${executor} executor`;
            if (operation.expected) {
              const recorded = recordedComparable(operation.expected);
              expect({ status: answer.status, data: answer.data, errors: projectErrors(answer.errors, recorded.errors) }, label).toEqual(recorded);
              continue;
            }
            const reference = referenceComparable(theirs);
            const difference = operation.engineDifference;
            const recordedForUs = difference?.fixedByExecutor ? difference.correct : difference?.withPlannerBug;
            if (executor === 'switchyard' && difference && recordedForUs) {
              const recorded = recordedComparable(recordedForUs);
              if (difference.sameDataAsReference) recorded.data = reference.data;
              expect({ status: answer.status, data: answer.data, errors: projectErrors(answer.errors, recorded.errors) }, label).toEqual(recorded);
              continue;
            }
            if (!operation.engineDifference) {
              expect(
                reference.errors.filter((e) => e.code === 'INTERNAL_SERVER_ERROR'),
                'plain Apollo failed internally: not a reference',
              ).toEqual([]);
            }
            expect(answer, label).toEqual(reference);
          }
          await checkDeferredVariant(switchyard!.url, fixture, operation, token, ours);
        });
      }
    });
  }
}

/** Leaf values replaced by their type: what stays equal when subgraphs disagree on values. */
function shapeOfValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shapeOfValue);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, shapeOfValue(inner)]));
  return value === null ? null : typeof value;
}

/**
 * The operation again with most of it under `@defer` (see deferredVariant), read as a multipart
 * client reads it: the payloads end (`hasNext: false`), every item lands on an object the client
 * holds, and, merged, they equal Switchyard's undeferred answer — or the recorded correct answer
 * where the undeferred plan has a planner bug that the deferred plan does not. With errors, a null
 * inside a deferred block stops at the block (the incremental delivery spec), so only the errors'
 * codes are checked then.
 */
async function checkDeferredVariant(
  url: string,
  fixture: Fixture,
  operation: OperationCase,
  token: string | undefined,
  whole: HttpAnswer,
): Promise<void> {
  const query = deferredVariant(operation.query, operation.operationName);
  if (!query || whole.status !== 200 || whole.body.data === undefined) return;
  const answer = await postIncremental(
    url,
    { query, variables: operation.variables, operationName: operation.operationName },
    token ? { authorization: `Bearer ${token}` } : {},
  );
  const label = `the @defer variant:\n${query}\n${JSON.stringify(answer.payloads)}`;
  expect(answer.status, label).toBe(200);
  if (answer.payloads.length > 1) expect(answer.payloads.at(-1)!.hasNext, label).toBe(false);
  expect(answer.unplaced, label).toEqual([]);
  for (const error of answer.merged.errors) expect(error.extensions?.code, label).toBeTypeOf('string');
  if (fixture.deferredLeavesDiffer) {
    // Values differ on purpose, and with them the nulls and errors they cause: the shape, when none.
    if (!whole.body.errors?.length && !answer.merged.errors.length) {
      expect(shapeOfValue(answer.merged.data), label).toEqual(shapeOfValue(whole.body.data));
    }
    return;
  }
  if (whole.body.errors?.length) {
    expect(answer.merged.errors.length, label).toBeGreaterThan(0);
    return;
  }
  expect(answer.merged.errors, label).toEqual([]);
  const correct = operation.engineDifference?.correct.data;
  const acceptable = correct === undefined ? [whole.body.data] : [whole.body.data, correct];
  expect(acceptable, label).toContainEqual(answer.merged.data);
}
