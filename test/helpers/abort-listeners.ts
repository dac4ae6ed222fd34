/** Counts the abort listeners attached to `signal` and not removed yet (a test watching for leaks). */
export function countListeners(signal: AbortSignal): () => number {
  const attached = new Set<unknown>();
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  signal.addEventListener = (type: string, listener: any, options?: any) => {
    if (type === 'abort') attached.add(listener);
    add(type, listener, options);
  };
  signal.removeEventListener = (type: string, listener: any, options?: any) => {
    if (type === 'abort') attached.delete(listener);
    remove(type, listener, options);
  };
  // A { once: true } listener that fired is gone too.
  add('abort', () => attached.clear());
  return () => attached.size;
}
