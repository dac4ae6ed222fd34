/** Typed events: `on('records', (records) => ...)` knows the listener's arguments from the event's name. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type EventMap<E> = { [K in keyof E]: (...args: any[]) => unknown };

export class Emitter<E extends EventMap<E>> {
  readonly #listeners = new Map<keyof E, Set<E[keyof E]>>();

  /** Adds a listener; the answer removes it. */
  on<K extends keyof E>(type: K, listener: E[K]): () => void {
    let set = this.#listeners.get(type);
    if (!set) this.#listeners.set(type, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Calls every listener of `type`; answers what they returned (promises included), so a caller can wait for them. */
  protected emit<K extends keyof E>(type: K, ...args: Parameters<E[K]>): unknown[] {
    const set = this.#listeners.get(type);
    if (!set) return [];
    return [...set].map((listener) => listener(...args));
  }

  protected listenerCount(type: keyof E): number {
    return this.#listeners.get(type)?.size ?? 0;
  }
}
