/**
 * Waiting on several AbortSignals at once (the client's request and the gateway's shutdown)
 * without AbortSignal.any: on Node 20 every signal that `any` returns stays referenced from
 * its sources until they abort, so one combined with the long-lived shutdown signal per
 * long-poll grew the heap by ~6 MB per 100k requests (nodejs/node#48951). Plain listeners,
 * removed when the wait ends, leave nothing behind.
 */

/**
 * What ends a wait: an AbortSignal, or anything that tells the same three things. The REST layer
 * passes the client's connection itself (http/client-gone.ts) rather than the request's
 * AbortSignal: making that signal and listening to it cost ~15-20 µs on every parked long-poll
 * (issue 9), where a listener on the connection costs a few.
 */
export interface AbortSource {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

export function anyAborted(signals: readonly AbortSource[]): boolean {
  return signals.some((s) => s.aborted);
}

/**
 * Calls `listener` once, when the first of `signals` aborts. The returned function removes
 * it from every signal; call it when the wait ends for any reason. Callers check
 * anyAborted() first: a signal that has already aborted fires no event.
 */
export function onAnyAbort(signals: readonly AbortSource[], listener: () => void): () => void {
  if (signals.length === 0) return () => undefined;
  let fired = false;
  const onAbort = () => {
    if (fired) return;
    fired = true;
    off();
    listener();
  };
  const off = () => {
    for (const s of signals) s.removeEventListener('abort', onAbort);
  };
  for (const s of signals) s.addEventListener('abort', onAbort, { once: true });
  return off;
}

/**
 * onAnyAbort for many waits on the same long-lived signals (the gateway's shutdown): each signal
 * gets one listener while any wait uses it, however many waits there are. One listener per wait
 * made adding and removing them O(waits) and set off Node's MaxListenersExceededWarning past 10.
 */
export class SharedAbortListeners {
  readonly #bySignal = new Map<AbortSource, { onAbort: () => void; waits: Set<() => void> }>();

  /** Signals listened to now (one listener each). */
  get size(): number {
    return this.#bySignal.size;
  }

  /** As onAnyAbort: calls `listener` once, when the first of `signals` aborts; returns its removal. */
  onAny(signals: readonly AbortSource[], listener: () => void): () => void {
    let done = false;
    const fire = () => {
      if (done) return;
      off();
      listener();
    };
    const off = () => {
      done = true;
      for (const signal of signals) {
        const entry = this.#bySignal.get(signal);
        if (!entry?.waits.delete(fire) || entry.waits.size > 0) continue;
        signal.removeEventListener('abort', entry.onAbort);
        this.#bySignal.delete(signal);
      }
    };
    for (const signal of signals) {
      let entry = this.#bySignal.get(signal);
      if (!entry) {
        const waits = new Set<() => void>();
        const onAbort = () => {
          this.#bySignal.delete(signal);
          for (const wait of [...waits]) wait();
        };
        signal.addEventListener('abort', onAbort, { once: true });
        this.#bySignal.set(signal, (entry = { onAbort, waits }));
      }
      entry.waits.add(fire);
    }
    return off;
  }
}
