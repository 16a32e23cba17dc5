import { describe, expect, it } from 'vitest';
import { decideWorkerExit } from '../../../../gateway/server/restart-policy.js';

const NOW = 1_000_000;

describe('decideWorkerExit', () => {
  it.each([
    {
      name: 'unready before the cluster is announced → start failed',
      announced: false,
      wasReady: false,
      failedStarts: [],
      expected: { action: 'fail-start' },
    },
    {
      name: 'ready worker crashes before announce → replaced at base delay',
      announced: false,
      wasReady: true,
      failedStarts: [],
      expected: { action: 'replace', delayMs: 500, failedStarts: [] },
    },
    {
      name: 'ready worker crashes after announce → replaced',
      announced: true,
      wasReady: true,
      failedStarts: [],
      expected: { action: 'replace', delayMs: 500, failedStarts: [] },
    },
    {
      name: 'replacement fails to start → replaced, not a cluster stop',
      announced: true,
      wasReady: false,
      failedStarts: [],
      expected: { action: 'replace', delayMs: 500, failedStarts: [NOW] },
    },
    {
      name: 'third failed start → 2 s',
      announced: true,
      wasReady: false,
      failedStarts: [NOW - 2, NOW - 1],
      expected: { action: 'replace', delayMs: 2000, failedStarts: [NOW - 2, NOW - 1, NOW] },
    },
    {
      name: 'fifth failed start in 60 s → 8 s',
      announced: true,
      wasReady: false,
      failedStarts: [1, 2, 3, 4].map((n) => NOW - n * 1000),
      expected: { action: 'replace', delayMs: 8000 },
    },
    {
      name: 'sixth failed start in 60 s → give up',
      announced: true,
      wasReady: false,
      failedStarts: [1, 2, 3, 4, 5].map((n) => NOW - n * 1000),
      expected: { action: 'give-up' },
    },
    {
      name: 'old failures fall out of the window',
      announced: true,
      wasReady: false,
      failedStarts: [1, 2, 3, 4, 5].map((n) => NOW - 60_000 - n),
      expected: { action: 'replace', delayMs: 500, failedStarts: [NOW] },
    },
  ])('$name', ({ announced, wasReady, failedStarts, expected }) => {
    expect(decideWorkerExit({ announced, wasReady, failedStarts, now: NOW })).toMatchObject(expected);
  });

  it('the backoff is capped at 10 s', () => {
    const decision = decideWorkerExit({
      announced: true,
      wasReady: false,
      failedStarts: [NOW - 3, NOW - 2, NOW - 1],
      now: NOW,
      restartDelayMs: 4000,
    });
    expect(decision).toMatchObject({ action: 'replace', delayMs: 10_000 });
  });
});
