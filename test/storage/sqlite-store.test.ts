import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it, onTestFinished } from 'vitest';
import { DATABASE_FILE, openSqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import { tempDir } from '../helpers/gateway.js';
import { logStoreConformance } from './log-store.conformance.js';

logStoreConformance('sqlite', () => {
  const dataDir = tempDir();
  return { open: async () => openSqliteStore({ dataDir, synchronous: 'FULL' }) };
});

describe('sqlite store specifics', () => {
  it('creates the data folder, uses WAL and the chosen synchronous level', async () => {
    const dataDir = path.join(tempDir(), 'nested', 'data');
    const store = openSqliteStore({ dataDir, synchronous: 'NORMAL' });
    onTestFinished(() => store.close());
    expect(fs.existsSync(path.join(dataDir, DATABASE_FILE))).toBe(true);
    const db = new Database(path.join(dataDir, DATABASE_FILE), { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(1);
    } finally {
      db.close();
    }
  });

  it('refuses a database whose schema is newer than this build', async () => {
    const dataDir = tempDir();
    const db = new Database(path.join(dataDir, DATABASE_FILE));
    db.pragma('user_version = 999');
    db.close();
    expect(() => openSqliteStore({ dataDir, synchronous: 'FULL' })).toThrow(/newer/);
  });

  it('a committed append is visible to an independent connection (it is in the file, not only in memory)', async () => {
    const dataDir = tempDir();
    const store = openSqliteStore({ dataDir, synchronous: 'FULL' });
    onTestFinished(() => store.close());
    await store.createTopic('t', 1, {});
    await store.append([{ topic: 't', records: [{ partition: 0, timestamp: 1, key: null, value: '"v"', headers: null }] }]);
    const db = new Database(path.join(dataDir, DATABASE_FILE), { readonly: true });
    try {
      expect(db.prepare('SELECT count(*) FROM records').pluck().get()).toBe(1);
      expect(db.prepare('SELECT high_watermark FROM partitions').pluck().get()).toBe(1);
    } finally {
      db.close();
    }
  });
});
