/**
 * A real SQLite store whose commits can be made to fail as SQLite fails them when the disk does
 * (SQLITE_FULL, SQLITE_IOERR_*, SQLITE_READONLY): the same SqliteError, through the store's own
 * translation (sqlite-failure.ts), from every write and from the readiness probe. Reads and
 * everything else go to the real store. For failures a test cannot make real on this machine.
 */
import Database from 'better-sqlite3';
import type { LogStore } from '../../src/storage/log-store.js';
import { storeUnavailable } from '../../src/storage/sqlite/sqlite-failure.js';
import { openSqliteStore } from '../../src/storage/sqlite/sqlite-store.js';

/** The LogStore methods that commit. */
const WRITES = new Set<keyof LogStore>([
  'createTopic',
  'updateTopic',
  'deleteTopic',
  'append',
  'truncateBefore',
  'expireIdempotencyKeys',
  'saveGroup',
  'deleteGroup',
  'commitOffsets',
  'ping',
]);

/** SQLite's message for each code, as sqlite3_errstr gives it. */
const MESSAGES: Record<string, string> = {
  SQLITE_FULL: 'database or disk is full',
  SQLITE_IOERR_WRITE: 'disk I/O error',
  SQLITE_IOERR_FSYNC: 'disk I/O error',
  SQLITE_READONLY: 'attempt to write a readonly database',
};

export interface FailingStore {
  store: LogStore;
  /** From now on every commit fails with this SQLite code; undefined: commits work again. */
  failWith(code: keyof typeof MESSAGES | undefined): void;
}

export function failingStore(dataDir: string): FailingStore {
  const real = openSqliteStore({ dataDir, synchronous: 'NORMAL' });
  let failing: string | undefined;
  const store = new Proxy(real, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (typeof value !== 'function') return value;
      if (!WRITES.has(name as keyof LogStore)) return value.bind(target);
      return async (...args: unknown[]) => {
        if (failing) {
          const err = new Database.SqliteError(MESSAGES[failing]!, failing);
          throw storeUnavailable(err) ?? err;
        }
        return value.apply(target, args);
      };
    },
  });
  return { store, failWith: (code) => (failing = code) };
}
