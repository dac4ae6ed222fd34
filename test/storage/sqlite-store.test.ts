import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it, onTestFinished } from 'vitest';
import { READ_ENCODED_SQL, registerBase64 } from '../../src/storage/sqlite/encoded-read.js';
import { migrations } from '../../src/storage/sqlite/migrations.js';
import { DATABASE_FILE, openSqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import { parseEncoded } from '../helpers/encoded.js';
import { tempDir } from '../helpers/gateway.js';
import { credentialStoreConformance } from './credential-store.conformance.js';
import { logStoreConformance } from './log-store.conformance.js';

logStoreConformance('sqlite', () => {
  const dataDir = tempDir();
  return {
    open: async () => openSqliteStore({ dataDir, synchronous: 'FULL' }),
    // The restore the README describes: the copy becomes logway.db of a data directory.
    openBackup: async (file) => {
      const restored = tempDir('logway-restored-');
      fs.copyFileSync(file, path.join(restored, DATABASE_FILE));
      return openSqliteStore({ dataDir: restored, synchronous: 'FULL' });
    },
  };
});

credentialStoreConformance('sqlite', async () => {
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

  it('an upgrade from schema 2 indexes existing records by time, so offsets by time stay exact', async () => {
    const dataDir = tempDir();
    const first = openSqliteStore({ dataDir, synchronous: 'NORMAL' });
    await first.createTopic('t', 2, {});
    // 2,500 records with out-of-order timestamps on partition 0: several 1000-offset spans.
    const timestamps = Array.from({ length: 2_500 }, (_, i) => (i * 7919) % 5_000);
    const rec = (partition: number, timestamp: number) => ({ partition, timestamp, key: null, value: '1', headers: null });
    await first.append([{ topic: 't', records: timestamps.map((ts) => rec(0, ts)) }]);
    await first.append([{ topic: 't', records: [rec(1, 10), rec(1, 5)] }]);
    await first.close();

    const raw = new Database(path.join(dataDir, DATABASE_FILE));
    raw.exec('DROP TABLE time_index');
    raw.pragma('user_version = 2');
    raw.close();

    const store = openSqliteStore({ dataDir, synchronous: 'NORMAL' });
    onTestFinished(() => store.close());
    for (const t of [0, 1, 2_500, 4_998, 4_999, 5_000]) {
      const expected = timestamps.findIndex((ts) => ts >= t);
      expect(await store.offsetForTimestamp('t', 0, t)).toBe(expected === -1 ? null : expected);
    }
    expect(await store.offsetForTimestamp('t', 1, 6)).toBe(0);
    expect(await store.offsetForTimestamp('t', 1, 11)).toBeNull();
    // New appends extend the rebuilt index.
    await store.append([{ topic: 't', records: [rec(0, 9_000)] }]);
    expect(await store.offsetForTimestamp('t', 0, 6_000)).toBe(2_500);
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
    raw.exec('DROP TABLE time_index'); // schema 3
    raw.exec('ALTER TABLE partitions DROP COLUMN max_record_bytes'); // schema 2
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

  describe('readEncoded: records as JSON built by SQLite', () => {
    const offsetsIn = (json: Uint8Array) => parseEncoded<{ offset: number }>(json).map((r) => r.offset);

    it('is used whenever no record in range can pass the byte budget, and declined (undefined) otherwise', async () => {
      const store = openSqliteStore({ dataDir: tempDir(), synchronous: 'NORMAL' });
      onTestFinished(() => store.close());
      await store.createTopic('t', 1, {});
      const tenBytes = '"' + 'x'.repeat(8) + '"';
      await store.append([{ topic: 't', records: Array.from({ length: 5 }, () => ({ partition: 0, timestamp: 1, key: null, value: tenBytes, headers: null })) }]);
      const fits = await store.readEncoded!('t', 0, 1, { maxRecords: 3, maxBytes: 30 });
      expect(fits && { count: fits.count, nextOffset: fits.nextOffset, offsets: offsetsIn(fits.json) }).toEqual({ count: 3, nextOffset: 4, offsets: [1, 2, 3] });
      // 3 records of 10 bytes may pass a 29-byte budget: counting is read()'s job.
      expect(await store.readEncoded!('t', 0, 1, { maxRecords: 3, maxBytes: 29 })).toBeUndefined();
    });

    it('keeps offset order over many pages and partitions written in interleaved commits', async () => {
      const store = openSqliteStore({ dataDir: tempDir(), synchronous: 'NORMAL' });
      onTestFinished(() => store.close());
      await store.createTopic('t', 3, {});
      for (let commit = 0; commit < 40; commit++) {
        const records = Array.from({ length: 500 }, (_, i) => ({ partition: (commit + i) % 3, timestamp: 1, key: `k${i}`, value: String(i), headers: null }));
        await store.append([{ topic: 't', records }]);
      }
      await store.truncateBefore('t', 1, 1_234);
      for (const [partition, from] of [[0, 0], [1, 1_234], [2, 4_321]] as const) {
        const encoded = await store.readEncoded!('t', partition, from, { maxRecords: 10_000, maxBytes: 1 << 30 });
        const hw = (await store.offsets('t'))[partition]!.highWatermark;
        expect(offsetsIn(encoded!.json)).toEqual(Array.from({ length: hw - from }, (_, i) => from + i));
      }
    });

    it("relies on a plan that yields rows in primary-key order without sorting them (group_concat keeps the subquery's order)", () => {
      // encoded-read.ts explains why the order is not asked of group_concat itself. If an SQLite
      // upgrade flattened the subquery or sorted it, this names the reason the order could change.
      const db = new Database(':memory:');
      onTestFinished(() => {
        db.close();
      });
      for (const migration of migrations) db.exec(migration);
      registerBase64(db);
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${READ_ENCODED_SQL}`).all({ prefix: '', topic: 1, partition: 0, from: 0, limit: 10 }) as { detail: string }[]).map((r) => r.detail);
      expect(plan).toEqual([
        'CO-ROUTINE (subquery-1)',
        'SEARCH records USING PRIMARY KEY (topic_id=? AND partition=? AND offset>?)',
        'SCAN (subquery-1)',
      ]);
    });
  });

  describe('chunk sizes follow the records in range, not the largest the partition ever held', () => {
    const small = (i: number) => ({ partition: 0, timestamp: 1, key: null, value: `"${'s'.repeat(198)}"`, headers: null, i });
    const large = { partition: 0, timestamp: 1, key: null, value: `"${'L'.repeat(600_000)}"`, headers: null };
    const wide = { maxRecords: 4_000, maxBytes: 1 << 20 };

    /** Offsets 0-9 small, 10 large (600 KB, a commit of its own), 11-5010 small. */
    async function withOneLargeRecord(dataDir = tempDir()) {
      const store = openSqliteStore({ dataDir, synchronous: 'NORMAL' });
      await store.createTopic('t', 1, {});
      await store.append([{ topic: 't', records: Array.from({ length: 10 }, (_, i) => small(i)) }]);
      await store.append([{ topic: 't', records: [large] }]);
      await store.append([{ topic: 't', records: Array.from({ length: 5_000 }, (_, i) => small(i)) }]);
      return store;
    }

    it('one large record slows only the reads whose range reaches it, and none once retention deleted it', async () => {
      const store = await withOneLargeRecord();
      onTestFinished(() => store.close());
      // 4,000 records of 600 KB could pass 1 MiB: a read reaching offset 10 must count bytes.
      expect(await store.readEncoded!('t', 0, 5, wide)).toBeUndefined();
      // Five small ones, the large one, then as many small ones as the rest of the budget holds.
      const lastThatFits = 10 + Math.floor((wide.maxBytes - 5 * 200 - 600_002) / 200);
      const counted = (await store.read('t', 0, 5, wide)).map((r) => r.offset);
      expect(counted).toEqual(Array.from({ length: lastThatFits - 4 }, (_, i) => 5 + i));
      // After it, 4,000 records of 200 bytes fit: SQLite encodes the whole range.
      const after = await store.readEncoded!('t', 0, 11, wide);
      expect(after && { count: after.count, nextOffset: after.nextOffset }).toEqual({ count: 4_000, nextOffset: 4_011 });
      await store.truncateBefore('t', 0, 11);
      const fromStart = await store.readEncoded!('t', 0, 0, wide); // below the log start: reads from 11
      expect(fromStart && { count: fromStart.count, nextOffset: fromStart.nextOffset }).toEqual({ count: 4_000, nextOffset: 4_011 });
    });

    it('an upgrade from schema 3 measures the largest record of every existing span', async () => {
      const dataDir = tempDir();
      await (await withOneLargeRecord(dataDir)).close();
      const raw = new Database(path.join(dataDir, DATABASE_FILE));
      raw.exec('ALTER TABLE time_index DROP COLUMN max_record_bytes'); // schema 4
      raw.pragma('user_version = 3');
      raw.close();

      const store = openSqliteStore({ dataDir, synchronous: 'NORMAL' });
      onTestFinished(() => store.close());
      const db = new Database(path.join(dataDir, DATABASE_FILE), { readonly: true });
      try {
        expect(db.prepare('SELECT start_offset, max_record_bytes FROM time_index ORDER BY start_offset').raw(true).all()).toEqual([
          [0, 200],
          [10, 600_002],
          [11, 200],
        ]);
      } finally {
        db.close();
      }
      expect(await store.readEncoded!('t', 0, 5, wide)).toBeUndefined();
      expect((await store.readEncoded!('t', 0, 11, wide))?.count).toBe(4_000);
    });
  });
});
