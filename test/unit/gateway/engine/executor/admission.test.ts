import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createEventLoopMonitor, createExecutionAdmission } from '../../../../../gateway/engine/executor/admission.js';

/** A piece of work the test finishes by hand; `started` tells whether the gate let it run. */
function work() {
  let finish!: () => void;
  const state = { started: false };
  const done = new Promise<void>((resolve) => (finish = resolve));
  return {
    state,
    finish: () => finish(),
    run: async () => {
      state.started = true;
      await done;
      return 'done';
    },
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('execution admission (server.executionConcurrency)', () => {
  it('with the event loop not saturated, every execution starts at once', async () => {
    const gate = createExecutionAdmission({ limit: 2, releaseAfterMs: 10_000, saturated: () => false });
    const works = [work(), work(), work(), work()];
    const results = works.map((w) => gate.run(w.run));
    expect(works.every((w) => w.state.started)).toBe(true);
    expect(gate.active).toBe(4);
    for (const w of works) w.finish();
    expect(await Promise.all(results)).toEqual(['done', 'done', 'done', 'done']);
    expect(gate.active).toBe(0);
  });

  it('saturated: at most `limit` run; the others wait in arrival order, each counted once as queued', async () => {
    let queued = 0;
    const gate = createExecutionAdmission({ limit: 2, releaseAfterMs: 10_000, saturated: () => true, onQueued: () => queued++ });
    const [a, b, c, d] = [work(), work(), work(), work()];
    const results = [a, b, c, d].map((w) => gate.run(w.run));
    await tick();
    expect([a, b, c, d].map((w) => w.state.started)).toEqual([true, true, false, false]);
    expect([gate.active, gate.waiting, queued]).toEqual([2, 2, 2]);
    b.finish();
    await tick();
    expect([c.state.started, d.state.started]).toEqual([true, false]);
    a.finish();
    await tick();
    expect(d.state.started).toBe(true);
    c.finish();
    d.finish();
    await Promise.all(results);
    expect([gate.active, gate.waiting]).toEqual([0, 0]);
  });

  it('an execution stops counting after releaseAfterMs: a slow one does not hold the gate shut', async () => {
    const gate = createExecutionAdmission({ limit: 1, releaseAfterMs: 30, saturated: () => true });
    const slow = work();
    const next = work();
    const results = [gate.run(slow.run), gate.run(next.run)];
    await tick();
    expect(next.state.started).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(next.state.started).toBe(true);
    next.finish();
    slow.finish();
    await Promise.all(results);
    expect(gate.active).toBe(0);
  });

  it('when the event loop is no longer saturated, the next release lets every waiter in', async () => {
    let saturated = true;
    const gate = createExecutionAdmission({ limit: 1, releaseAfterMs: 10_000, saturated: () => saturated });
    const works = [work(), work(), work()];
    const results = works.map((w) => gate.run(w.run));
    await tick();
    expect(works.map((w) => w.state.started)).toEqual([true, false, false]);
    saturated = false;
    works[0]!.finish();
    await tick();
    expect(works.map((w) => w.state.started)).toEqual([true, true, true]);
    for (const w of works) w.finish();
    await Promise.all(results);
  });

  it('waiters go in once the event loop is no longer saturated, even when nothing finishes; so does a new arrival', async () => {
    let saturated = true;
    const gate = createExecutionAdmission({ limit: 1, releaseAfterMs: 60_000, saturated: () => saturated });
    const [stuck, waiting, later] = [work(), work(), work()];
    const results = [gate.run(stuck.run), gate.run(waiting.run)];
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(waiting.state.started).toBe(false);
    saturated = false;
    // The gate looks again within one sample (100 ms) with nothing finishing.
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(waiting.state.started).toBe(true);
    results.push(gate.run(later.run));
    expect(later.state.started).toBe(true);
    for (const w of [stuck, waiting, later]) w.finish();
    await Promise.all(results);
  });

  it('a waiter leaving from the middle of the queue keeps the others in their order', async () => {
    const gate = createExecutionAdmission({ limit: 1, releaseAfterMs: 60_000, saturated: () => true });
    const [first, a, b, c] = [work(), work(), work(), work()];
    const controller = new AbortController();
    const results = [gate.run(first.run), gate.run(a.run), gate.run(b.run, controller.signal), gate.run(c.run)];
    await tick();
    controller.abort();
    await tick();
    expect([a.state.started, b.state.started, c.state.started]).toEqual([false, true, false]);
    first.finish();
    await tick();
    expect([a.state.started, c.state.started]).toEqual([true, false]);
    a.finish();
    await tick();
    expect(c.state.started).toBe(true);
    for (const w of [b, c]) w.finish();
    await Promise.all(results);
    expect([gate.active, gate.waiting]).toEqual([0, 0]);
  });

  it('a caller whose signal aborts while waiting leaves the queue and runs at once (its fetches see the signal)', async () => {
    const gate = createExecutionAdmission({ limit: 1, releaseAfterMs: 10_000, saturated: () => true });
    const first = work();
    const waiting = work();
    const controller = new AbortController();
    const results = [gate.run(first.run), gate.run(waiting.run, controller.signal)];
    await tick();
    expect(gate.waiting).toBe(1);
    controller.abort();
    await tick();
    expect(waiting.state.started).toBe(true);
    expect([gate.active, gate.waiting]).toEqual([1, 0]);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    waiting.finish();
    first.finish();
    await Promise.all(results);
    expect(gate.active).toBe(0);
  });

  it('a failing execution frees its slot', async () => {
    const gate = createExecutionAdmission({ limit: 1, releaseAfterMs: 10_000, saturated: () => true });
    await expect(gate.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(gate.active).toBe(0);
  });

  it('the event loop monitor reports saturation while the loop is busy', async () => {
    const monitor = createEventLoopMonitor(0.5, 20);
    try {
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(monitor.saturated()).toBe(false);
      // Busy for ~100 ms without yielding, then let the interval sample it.
      const until = Date.now() + 100;
      while (Date.now() < until);
      await new Promise((resolve) => setTimeout(resolve, 5));
      expect(monitor.saturated()).toBe(true);
    } finally {
      monitor.stop();
    }
  });
});
