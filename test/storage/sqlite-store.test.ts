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

  it('a read over large records loads about its byte budget, not every row up to its limit (also after an upgrade from schema 1)', async () => {
    const dataDir = tempDir();
    const MiB = 1024 * 1024;
    const count = 48;
    const first = openSqliteStore({ dataDir, synchronous: 'NORMAL' });
    await first.createTopic('t', 1, {});
    const records = Array.from({ length: count }, (_, i) => ({
      partition: 0,
      timestamp: 1,
      key: null,
      value: new Uint8Array(MiB).fill(i),
      headers: null,
    }));
    await first.append([{ topic: 't', records }]);
    await first.close();

    // The database as schema 1 left it: no per-partition record size. The upgrade computes it.
    const raw = new Database(path.join(dataDir, DATABASE_FILE));
    raw.exec('ALTER TABLE partitions DROP COLUMN max_record_bytes');
    raw.pragma('user_version = 1');
    raw.close();

    const store = openSqliteStore({ dataDir, synchronous: 'NORMAL' });
    onTestFinished(() => store.close());
    // Binary values come back as Buffers, counted in arrayBuffers: reading all 48 rows to keep one is 48 MiB.
    const before = process.memoryUsage().arrayBuffers;
    const got = await store.read('t', 0, 0, { maxRecords: 10_000, maxBytes: MiB });
    const loaded = process.memoryUsage().arrayBuffers - before;
    expect(got.map((r) => r.offset)).toEqual([0]);
    expect(loaded).toBeLessThan(8 * MiB);

    const more = await store.read('t', 0, 10, { maxRecords: 10_000, maxBytes: 3 * MiB });
    expect(more.map((r) => r.offset)).toEqual([10, 11, 12]);
    expect(Buffer.from(more[2]!.value as Uint8Array).every((b) => b === 12)).toBe(true);
  });
});
