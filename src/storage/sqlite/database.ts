/**
 * Opens the SQLite file with the settings the store relies on, and brings its schema up to date.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrations } from './migrations.js';

export const DATABASE_FILE = 'logway.db';

export function openDatabase(dataDir: string, synchronous: 'FULL' | 'NORMAL'): Database.Database {
  fs.mkdirSync(dataDir, { recursive: true });
  const db = new Database(path.join(dataDir, DATABASE_FILE));
  // WAL: readers never block the writer, and a commit is one sequential WAL append.
  db.pragma('journal_mode = WAL');
  // FULL: the WAL is fsynced at every commit, so a 2xx means the records are on disk.
  db.pragma(`synchronous = ${synchronous}`);
  db.pragma('busy_timeout = 5000');
  db.pragma('cache_size = -65536'); // 64 MiB page cache
  db.pragma('temp_store = MEMORY');
  migrate(db);
  // SQLite opens a file it may not write read-only without a word: prove it can commit now, so a
  // read-only database stops start-up with its path instead of failing every write later.
  probeCommit(db);
  return db;
}

/**
 * A real commit that changes nothing: rewrites `user_version` with its own value, so one page
 * goes through the WAL (and its fsync) as every write does. Throws what a write would throw:
 * SQLITE_READONLY, SQLITE_FULL, SQLITE_IOERR_*. Used by start-up and by the readiness probe.
 */
export function probeCommit(db: Database.Database): void {
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    db.pragma(`user_version = ${version}`);
  }).immediate();
}

/** Applies the migrations this file has not seen yet, each in its own transaction with its `user_version`. */
function migrate(db: Database.Database): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > migrations.length) {
    throw new Error(`database schema version ${version} is newer than this Logway (${migrations.length})`);
  }
  for (let v = version; v < migrations.length; v++) {
    db.transaction(() => {
      db.exec(migrations[v]!);
      db.pragma(`user_version = ${v + 1}`);
    }).immediate();
  }
}
