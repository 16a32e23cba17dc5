import { describe, expect, it } from 'vitest';
import { fullJitterDelay, parseRetryAfter, retryDelay } from '../../../../gateway/subgraph-client/backoff.js';
import { createRetryBudget } from '../../../../gateway/subgraph-client/retry-budget.js';
import { createReplicaSet } from '../../../../gateway/subgraph-client/replicas.js';
import { operationKindOf } from '../../../../gateway/engine/operation-kind.js';
import { parse } from 'graphql';

describe('fullJitterDelay', () => {
  it.each([
    // retry, base, max, random → delay
    [1, 25, 500, 0.999, 24],
    [2, 25, 500, 0.999, 49],
    [3, 25, 500, 0.5, 50],
    [6, 25, 500, 0.999, 499], // 25·2⁵ = 800, capped at 500
    [1, 25, 500, 0, 0],
    [0, 25, 500, 0.999, 24],
  ])('retry %i base %i max %i random %f → %i', (retry, base, max, random, expected) => {
    expect(fullJitterDelay(retry, base, max, () => random)).toBe(expected);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-22T12:00:00Z');
  it.each([
    [undefined, undefined],
    ['3', 3000],
    [' 0 ', 0],
    [['2', '9'], 2000],
    ['Sun, 22 Nov 2026 12:00:05 GMT', 5000],
    ['Sun, 22 Nov 2026 11:00:00 GMT', 0],
    ['soon', undefined],
    ['-1', undefined],
  ])('%j → %j', (value, expected) => {
    expect(parseRetryAfter(value as string | string[] | undefined, now)).toBe(expected);
  });
});

describe('retryDelay', () => {
  const options = { baseDelayMs: 10, maxDelayMs: 100, maxRetryAfterMs: 2000 };
  it.each([
    [1, undefined, 9], // backoff with random 0.999
    [1, 1500, 1500], // Retry-After wins
    [1, 2000, 2000],
    [1, 2001, undefined], // longer than the cap: give up
  ])('retry %i with Retry-After %j → %j', (retry, retryAfter, expected) => {
    expect(retryDelay(retry, retryAfter, options, () => 0.999)).toBe(expected);
  });
});

describe('retry budget', () => {
  it('allows the floor, then ratio × requests over the window', () => {
    let now = 0;
    const budget = createRetryBudget({ ratio: 0.2, floor: 2, windowMs: 1000, now: () => now });
    for (let i = 0; i < 10; i++) budget.recordRequest();
    const granted = Array.from({ length: 6 }, () => budget.tryAcquireRetry());
    // floor 2 + 20 % of 10 = 4 retries.
    expect(granted).toEqual([true, true, true, true, false, false]);
    now = 1500; // the window slid past every count
    expect(budget.tryAcquireRetry()).toBe(true);
    expect(budget.tryAcquireRetry()).toBe(true);
    expect(budget.tryAcquireRetry()).toBe(false);
  });

  it('forgets only the buckets the window slid past', () => {
    let now = 0;
    const budget = createRetryBudget({ ratio: 0.5, floor: 0, windowMs: 1000, now: () => now });
    for (let i = 0; i < 4; i++) budget.recordRequest(); // bucket 0
    now = 500;
    for (let i = 0; i < 4; i++) budget.recordRequest(); // bucket 5
    now = 1050; // bucket 0 expired: 4 requests left → 2 retries
    expect([budget.tryAcquireRetry(), budget.tryAcquireRetry(), budget.tryAcquireRetry()]).toEqual([true, true, false]);
  });
});

describe('replica set', () => {
  const urls = ['http://a.test/graphql', 'http://b.test/graphql', 'http://c.test/graphql'];

  it('round-robins over healthy replicas and skips an ejected one until its delay ends', () => {
    let now = 0;
    const set = createReplicaSet({ urls, strategy: 'round-robin', ejectMs: 100, now: () => now });
    const hosts = () => Array.from({ length: 4 }, () => set.pick().url.host);
    expect(hosts()).toEqual(['a.test', 'b.test', 'c.test', 'a.test']);
    expect(set.reportFailure(set.replicas[1])).toBe(true);
    expect(hosts()).toEqual(['c.test', 'a.test', 'c.test', 'a.test']);
    now = 100;
    expect(hosts()).toContain('b.test');
  });

  it('least-in-flight picks the idlest healthy replica', () => {
    const set = createReplicaSet({ urls, strategy: 'least-in-flight', ejectMs: 100, now: () => 0 });
    set.replicas[0].inFlight = 3;
    set.replicas[1].inFlight = 1;
    set.replicas[2].inFlight = 2;
    expect(set.pick().url.host).toBe('b.test');
  });

  it('never ejects the last healthy replica, nor a lone one', () => {
    const set = createReplicaSet({ urls: urls.slice(0, 2), strategy: 'round-robin', ejectMs: 100, now: () => 0 });
    expect(set.reportFailure(set.replicas[0])).toBe(true);
    expect(set.reportFailure(set.replicas[1])).toBe(false);
    const lone = createReplicaSet({ urls: urls.slice(0, 1), strategy: 'round-robin', ejectMs: 100, now: () => 0 });
    expect(lone.reportFailure(lone.replicas[0])).toBe(false);
  });
});

describe('operationKindOf', () => {
  it.each([
    [undefined, '{ a }', 'query'],
    [undefined, 'query Q { a }', 'query'],
    [undefined, '  mutation M($x: Int) { a(x: $x) }', 'mutation'],
    [undefined, 'subscription { a }', 'subscription'],
    [undefined, 'fragment F on T { a }', 'mutation'], // unknown: never repeated
    [undefined, undefined, 'mutation'],
    [parse('mutation { a }'), '{ a }', 'mutation'], // the plan's document wins
  ])('%#: %j', (document, query, expected) => {
    expect(operationKindOf(document, query)).toBe(expected);
  });
});
