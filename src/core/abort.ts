/**
 * Waiting on several AbortSignals at once (the client's request and the gateway's shutdown)
 * without AbortSignal.any: on Node 20 every signal that `any` returns stays referenced from
 * its sources until they abort, so one combined with the long-lived shutdown signal per
 * long-poll grew the heap by ~6 MB per 100k requests (nodejs/node#48951). Plain listeners,
 * removed when the wait ends, leave nothing behind.
 */

export function anyAborted(signals: readonly AbortSignal[]): boolean {
  return signals.some((s) => s.aborted);
}

/**
 * Calls `listener` once, when the first of `signals` aborts. The returned function removes
 * it from every signal; call it when the wait ends for any reason. Callers check
 * anyAborted() first: a signal that has already aborted fires no event.
 */
export function onAnyAbort(signals: readonly AbortSignal[], listener: () => void): () => void {
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
