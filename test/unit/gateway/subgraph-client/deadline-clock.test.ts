import { describe, expect, it } from 'vitest';
import { createDeadlineClock, SubgraphTimeoutError } from '../../../../gateway/subgraph-client/deadline-clock.js';

describe('deadline clock', () => {
  it('fetches due in the same slot share one signal; the next slot has its own', () => {
    const clock = createDeadlineClock(20);
    const slotStart = (Math.floor(Date.now() / 20) + 50) * 20;
    const first = clock.signalAt(slotStart + 1);
    expect(clock.signalAt(slotStart + 19)).toBe(first);
    expect(clock.signalAt(slotStart + 20)).toBe(first);
    expect(clock.signalAt(slotStart + 21)).not.toBe(first);
  });

  it('a signal aborts with SubgraphTimeoutError once its deadline has passed, not before', async () => {
    const clock = createDeadlineClock(20);
    const signal = clock.signalAt(Date.now() + 30);
    expect(signal.aborted).toBe(false);
    await new Promise((resolve) => signal.listen(resolve));
    expect(signal.reason).toBeInstanceOf(SubgraphTimeoutError);
    expect((signal.reason as Error).name).toBe('TimeoutError');
  });

  it('a deadline already past aborts on the next turn of the event loop', async () => {
    const signal = createDeadlineClock(20).signalAt(Date.now() - 1_000);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(signal.aborted).toBe(true);
  });
});
