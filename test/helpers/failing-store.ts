/**
 * A real SQLite store whose commits can be made to fail as SQLite fails them when the disk does
 * (SQLITE_FULL, SQLITE_IOERR_*, SQLITE_READONLY). The failure is made one level below the store,
 * in better-sqlite3's statements on this store's database file: its COMMITs (and its writes
 * outside a transaction) throw the raw SqliteError, the transaction rolls back, and everything
 * above, the store's own translation (sqlite-failure.ts), its disk-full watch and its readiness
 * probe included, runs as it would for a real failure. For failures a test cannot make real here.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import type { LogStore } from '../../src/storage/log-store.js';
import { DATABASE_FILE, openSqliteStore } from '../../src/storage/sqlite/sqlite-store.js';

/** SQLite's message for each code, as sqlite3_errstr gives it. */
const MESSAGES = {
  SQLITE_FULL: 'database or disk is full',
  SQLITE_IOERR_WRITE: 'disk I/O error',
  SQLITE_IOERR_FSYNC: 'disk I/O error',
  SQLITE_READONLY: 'attempt to write a readonly database',
} as const;
type FailureCode = keyof typeof MESSAGES;

/** Database file -> the code its commits fail with now. */
const failing = new Map<string, FailureCode>();

interface StatementInternals {
  readonly source: string;
  readonly readonly: boolean;
  readonly database: Database.Database;
}

/** Makes better-sqlite3's statements throw for the files in `failing` (once per test process). */
function interceptStatements(): void {
  const probe = new Database(':memory:');
  const proto = Object.getPrototypeOf(probe.prepare('SELECT 1')) as Record<string, (...args: unknown[]) => unknown>;
  probe.close();
  if ((proto as { interceptedByFailingStore?: true }).interceptedByFailingStore) return;
  Object.defineProperty(proto, 'interceptedByFailingStore', { value: true });
  for (const method of ['run', 'get', 'all', 'iterate'] as const) {
    const original = proto[method]!;
    proto[method] = function (this: StatementInternals, ...args: unknown[]) {
      const code = failing.get(this.database.name);
      // A commit is where a full or failing disk refuses a write (autocommit writes commit alone).
      if (code && (this.source === 'COMMIT' || (!this.readonly && !this.database.inTransaction))) {
        throw new Database.SqliteError(MESSAGES[code], code);
      }
      return original.apply(this, args);
    };
  }
}

export interface FailingStore {
  store: LogStore;
  /** From now on every commit fails with this SQLite code; undefined: commits work again. */
  failWith(code: FailureCode | undefined): void;
}

export function failingStore(dataDir: string): FailingStore {
  interceptStatements();
  const store = openSqliteStore({ dataDir, synchronous: 'NORMAL' });
  const file = path.join(dataDir, DATABASE_FILE);
  return {
    store,
    failWith: (code) => {
      if (code) failing.set(file, code);
      else failing.delete(file);
    },
  };
}
