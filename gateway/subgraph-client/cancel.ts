/** Told once, with the reason, when a Cancel aborts. */
export type CancelListener = (reason: Error) => void;

/**
 * Cancellation inside the subgraph client: what its calls need of an AbortSignal (`aborted`, a
 * `reason`, listeners told once) without being one. Node's AbortSignal is an EventTarget: building
 * one per fetch, and its addEventListener, which walks every listener already registered (a
 * deadline slot's signal holds one per fetch due in it), were ~2 % of the gateway's CPU on unique
 * traffic. Listeners here are a Set: adding and removing one costs the same however many there are.
 * The caller's own signal (the request's) stays an AbortSignal; it is linked in once per fetch.
 */
export class Cancel {
  aborted = false;
  reason: Error | undefined = undefined;
  private listeners: Set<CancelListener> | undefined = undefined;

  /** Tells `listener` when this aborts; the caller checks `aborted` first (no call for the past). */
  listen(listener: CancelListener): void {
    if (!this.aborted) (this.listeners ??= new Set()).add(listener);
  }

  unlisten(listener: CancelListener): void {
    this.listeners?.delete(listener);
  }

  /** Listeners registered now (tests check none is left behind). */
  get listenerCount(): number {
    return this.listeners?.size ?? 0;
  }

  abort(reason: Error): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const listeners = this.listeners;
    this.listeners = undefined;
    if (listeners) for (const listener of listeners) listener(reason);
  }

  /** For cockatiel's policies, which take an AbortSignal and read only its `aborted`; they hand it back as `context.signal`. */
  asSignal(): AbortSignal {
    return this as unknown as AbortSignal;
  }
}

/** A Cancel aborted with `reason` already. */
export function cancelled(reason: Error): Cancel {
  const cancel = new Cancel();
  cancel.abort(reason);
  return cancel;
}

/** What a call aborted by `signal` rejects with: its reason, or an AbortError when that is not an Error. */
export function abortReasonOf(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new DOMException('The operation was aborted.', 'AbortError');
}

/**
 * One Cancel that aborts when the caller's signal or `other` (the subgraph timeout) does, detached
 * from both by `release()` once the call it guards settled.
 */
export function linkCancel(signal: AbortSignal, other: Cancel): { cancel: Cancel; release(): void } {
  if (signal.aborted) return { cancel: cancelled(abortReasonOf(signal)), release: () => undefined };
  if (other.aborted) return { cancel: other, release: () => undefined };
  const cancel = new Cancel();
  const release = () => {
    signal.removeEventListener('abort', onSignal);
    other.unlisten(onOther);
  };
  const onSignal = () => {
    release();
    cancel.abort(abortReasonOf(signal));
  };
  const onOther = (reason: Error) => {
    release();
    cancel.abort(reason);
  };
  signal.addEventListener('abort', onSignal, { once: true });
  other.listen(onOther);
  return { cancel, release };
}
