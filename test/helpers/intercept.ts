/**
 * A real store with some of its methods wrapped: to hold a commit open, count calls, or slip
 * a concurrent append in between two steps of the code under test. Not a mock: every call
 * still reaches the real (SQLite) store; the wrapper only decides when, and sees it happen.
 */
import type { LogStore } from '../../src/storage/log-store.js';

export type Wrappers = { [K in keyof LogStore]?: (original: LogStore[K]) => LogStore[K] };

export function intercept(store: LogStore, wrappers: Wrappers): LogStore {
  return new Proxy(store, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      // The store keeps #private state: its methods must run with the store itself as `this`.
      const own = typeof value === 'function' ? value.bind(target) : value;
      const wrap = wrappers[prop as keyof LogStore] as ((original: unknown) => unknown) | undefined;
      return wrap ? wrap(own) : own;
    },
  });
}
