import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { abortReasonOf, Cancel, cancelled, linkCancel } from '../../../../gateway/subgraph-client/cancel.js';

describe('Cancel', () => {
  it('tells each listener once, with the reason; a second abort changes nothing', () => {
    const cancel = new Cancel();
    const heard: string[] = [];
    const a = (reason: Error) => heard.push(`a:${reason.message}`);
    const b = (reason: Error) => heard.push(`b:${reason.message}`);
    cancel.listen(a);
    cancel.listen(b);
    cancel.listen(a);
    cancel.abort(new Error('first'));
    cancel.abort(new Error('second'));
    expect(heard).toEqual(['a:first', 'b:first']);
    expect(cancel.aborted).toBe(true);
    expect(cancel.reason?.message).toBe('first');
    expect(cancel.listenerCount).toBe(0);
  });

  it('an unlistened listener is not told; one added after the abort is not kept', () => {
    const cancel = new Cancel();
    const heard: string[] = [];
    const listener = () => heard.push('told');
    cancel.listen(listener);
    cancel.unlisten(listener);
    cancel.abort(new Error('gone'));
    cancel.listen(listener);
    expect(heard).toEqual([]);
    expect(cancel.listenerCount).toBe(0);
  });

  it('linkCancel aborts with whichever aborts first, and release() leaves no listener on either', () => {
    const caller = new AbortController();
    const timeout = new Cancel();
    const first = linkCancel(caller.signal, timeout);
    caller.abort(new Error('client gone'));
    expect(first.cancel.reason?.message).toBe('client gone');
    expect(timeout.listenerCount).toBe(0);

    const other = new AbortController();
    const second = linkCancel(other.signal, timeout);
    timeout.abort(new Error('timed out'));
    expect(second.cancel.reason?.message).toBe('timed out');
    expect(getEventListeners(other.signal, 'abort')).toHaveLength(0);

    const third = linkCancel(new AbortController().signal, new Cancel());
    third.release();
    expect(third.cancel.aborted).toBe(false);
  });

  it('a link to what aborted already is aborted at once; a reason that is not an Error becomes an AbortError', () => {
    expect(linkCancel(AbortSignal.abort(new Error('before')), new Cancel()).cancel.reason?.message).toBe('before');
    expect(linkCancel(new AbortController().signal, cancelled(new Error('expired'))).cancel.reason?.message).toBe('expired');
    const reason = abortReasonOf(AbortSignal.abort('just a string'));
    expect(reason).toBeInstanceOf(Error);
    expect(reason.name).toBe('AbortError');
  });
});
