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
import { schemaStoreConformance } from './schema-store.conformance.js';

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

schemaStoreConformance('sqlite', async () => {
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
    } finally {
      db.close();
    }
  });

  describe('bookkeeping by partition, not by record (issue 9)', () => {
    const rec = (partition: number, timestamp: number, value = '"v"') => ({ partition, timestamp, key: null, value, headers: null });

    it('a commit writes no partitions row and, until a span fills, no time-index row; reopening derives the same bounds', async () => {
      const dataDir = tempDir();
      const first = openSqliteStore({ dataDir, synchronous: 'NORMAL' });
      await first.createTopic('t', 2, {});
      // 1,000 single-record commits of ~200 bytes to one partition: about three spans of 64 KiB.
      const value = `"${'x'.repeat(198)}"`;
      for (let i = 0; i < 1_000; i++) await first.append([{ topic: 't', records: [rec(0, 1_000 + i, value)] }]);
      await first.append([{ topic: 't', records: [rec(1, 5), rec(1, 3)] }]);
      const raw = new Database(path.join(dataDir, DATABASE_FILE), { readonly: true });
      try {
        expect(raw.prepare('SELECT high_watermark FROM partitions ORDER BY partition').pluck().all()).toEqual([0, 0]);
        const spans = raw.prepare('SELECT count(*) FROM time_index WHERE partition = 0').pluck().get() as number;
        expect(spans).toBeGreaterThanOrEqual(3);
        expect(spans).toBeLessThanOrEqual(5);
      } finally {
        raw.close();
      }
      const before = { offsets: await first.offsets('t'), byTime: await first.offsetForTimestamp('t', 0, 1_500) };
      // Closing writes nothing more: the open spans' rows are behind their records, as after a crash.
      await first.close();
      const store = openSqliteStore({ dataDir, synchronous: 'NORMAL' });
      onTestFinished(() => store.close());
      expect(await store.offsets('t')).toEqual(before.offsets);
      expect(before.offsets.map((b) => b.highWatermark)).toEqual([1_000, 2]);
      expect(await store.offsetForTimestamp('t', 0, 1_500)).toBe(500);
      expect(await store.offsetForTimestamp('t', 0, 1_999)).toBe(999);
      expect(await store.offsetForTimestamp('t', 0, 2_000)).toBeNull();
      expect(await store.offsetForTimestamp('t', 1, 4)).toBe(0);
      const [next] = await store.append([{ topic: 't', records: [rec(0, 9), rec(1, 9)] }]);
      expect(next).toMatchObject({ positions: [{ offset: 1_000 }, { offset: 2 }] });
      // A read whose budget only fits small records still gets SQLite's encoding: the largest is known.
      expect((await store.readEncoded!('t', 0, 0, { maxRecords: 1_001, maxBytes: 1_001 * 200 }))?.count).toBe(1_001);
    });

    it('the high watermark survives retention deleting every record, and a reopen', async () => {
      const dataDir = tempDir();
      const first = openSqliteStore({ dataDir, synchronous: 'NORMAL' });
      await first.createTopic('t', 1, {});
      await first.append([{ topic: 't', records: [rec(0, 1), rec(0, 2), rec(0, 3)] }]);
      expect(await first.truncateBefore('t', 0, 3)).toBe(3);
      await first.close();
      const store = openSqliteStore({ dataDir, synchronous: 'NORMAL' });
      onTestFinished(() => store.close());
      expect(await store.offsets('t')).toEqual([{ partition: 0, logStartOffset: 3, highWatermark: 3 }]);
      const [next] = await store.append([{ topic: 't', records: [rec(0, 4)] }]);
      expect(next).toMatchObject({ positions: [{ offset: 3 }] });
    });

    it('an upgrade from schema 4 (a partitions row and a time-index row per commit) keeps every bound and index', async () => {
      const dataDir = tempDir();
      // The file as schema 4 wrote it: partition 0 holds offsets 0-2 from two commits; partition 1
      // held 0-4, all deleted by retention.
      const raw = new Database(path.join(dataDir, DATABASE_FILE));
      for (const migration of migrations.slice(0, 4)) raw.exec(migration);
      raw.pragma('user_version = 4');
      raw.exec(`
        INSERT INTO topics (id, name, partitions, config, created_at) VALUES (1, 't', 2, '{}', 0);
        INSERT INTO partitions (topic_id, partition, log_start_offset, high_watermark, max_record_bytes) VALUES (1, 0, 0, 3, 5), (1, 1, 5, 5, 3);
        INSERT INTO records (topic_id, partition, offset, timestamp, key, value, headers) VALUES
          (1, 0, 0, 100, NULL, '"a"', NULL), (1, 0, 1, 300, NULL, '"bbb"', NULL), (1, 0, 2, 200, NULL, '"c"', NULL);
        INSERT INTO time_index (topic_id, partition, start_offset, max_timestamp, max_record_bytes) VALUES
          (1, 0, 0, 100, 3), (1, 0, 1, 300, 5), (1, 1, 4, 50, 3);
      `);
      raw.close();

      const store = openSqliteStore({ dataDir, synchronous: 'NORMAL' });
      expect(await store.offsets('t')).toEqual([
        { partition: 0, logStartOffset: 0, highWatermark: 3 },
        { partition: 1, logStartOffset: 5, highWatermark: 5 },
      ]);
      expect(await store.offsetForTimestamp('t', 0, 150)).toBe(1);
      expect(await store.offsetForTimestamp('t', 0, 301)).toBeNull();
      const [next] = await store.append([{ topic: 't', records: [rec(0, 400), rec(1, 400)] }]);
      expect(next).toMatchObject({ positions: [{ offset: 3 }, { offset: 5 }] });
      await store.close();
      const check = new Database(path.join(dataDir, DATABASE_FILE), { readonly: true });
      try {
        expect(check.pragma('user_version', { simple: true })).toBe(migrations.length);
      } finally {
        check.close();
      }
      const reopened = openSqliteStore({ dataDir, synchronous: 'NORMAL' });
      onTestFinished(() => reopened.close());
      expect(await reopened.offsets('t')).toEqual([
        { partition: 0, logStartOffset: 0, highWatermark: 4 },
        { partition: 1, logStartOffset: 5, highWatermark: 6 },
      ]);
      expect(await reopened.offsetForTimestamp('t', 0, 350)).toBe(3);
      expect(await reopened.offsetForTimestamp('t', 1, 0)).toBe(5);
      expect((await reopened.read('t', 0, 0, { maxRecords: 10, maxBytes: 1_000 })).map((r) => r.value)).toEqual(['"a"', '"bbb"', '"c"', '"v"']);
    });
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
    raw.exec('DROP TABLE group_members'); // schema 7
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
    raw.exec('DROP TABLE group_members'); // schema 7
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
      raw.exec('DROP TABLE group_members'); // schema 7
      raw.exec('ALTER TABLE time_index DROP COLUMN max_record_bytes'); // schema 4
      raw.pragma('user_version = 3');
      raw.close();

      const store = openSqliteStore({ dataDir, synchronous: 'NORMAL' });
      onTestFinished(() => store.close());
      const db = new Database(path.join(dataDir, DATABASE_FILE), { readonly: true });
      try {
        // The ten small records and the large one share a span (it had not reached SPAN_BYTES); the rest start one at 11.
        expect(db.prepare('SELECT start_offset, max_record_bytes FROM time_index ORDER BY start_offset').raw(true).all()).toEqual([
          [0, 600_002],
          [11, 200],
        ]);
      } finally {
        db.close();
      }
      expect(await store.readEncoded!('t', 0, 5, wide)).toBeUndefined();
      expect((await store.readEncoded!('t', 0, 11, wide))?.count).toBe(4_000);
    });
  });

  it('an upgrade from schema 6 splits each group stored as one JSON row into a group row and one row per member, in join order', async () => {
    const dataDir = tempDir();
    await openSqliteStore({ dataDir, synchronous: 'NORMAL' }).close();
    const tp = (partition: number) => ({ topic: 't', partition });
    // The coordinator's version 1 shape, as schema 4 stored it: the whole group in groups.state.
    const member = (memberId: string, partitions: number[], joinedAt: number) => ({
      memberId,
      topics: ['t'],
      sessionTimeoutMs: 30_000,
      autoOffsetReset: 'latest',
      joinedAt,
      memberEpoch: 3,
      previousEpoch: 2,
      target: partitions.map(tp),
      granted: partitions.map(tp),
      revoking: [],
      delivered: partitions.map(tp),
    });
    // Join order is the list's order, not the ids' (z joined before a, in the same millisecond).
    const big = { version: 1, groupEpoch: 7, members: [member('z', [0, 1], 5), member('a', [2], 5)], fenced: ['gone'] };
    const empty = { version: 1, groupEpoch: 2, members: [], fenced: [] };
    const raw = new Database(path.join(dataDir, DATABASE_FILE));
    raw.exec('DROP TABLE group_members');
    raw.pragma('user_version = 6');
    raw.prepare('INSERT INTO groups (name, state) VALUES (?, ?)').run('big', JSON.stringify(big));
    raw.prepare('INSERT INTO groups (name, state) VALUES (?, ?)').run('empty', JSON.stringify(empty));
    raw.prepare('INSERT INTO group_offsets VALUES (?, ?, ?, ?, ?)').run('offsets-only', 't', 0, 4, 9);
    raw.close();

    const store = openSqliteStore({ dataDir, synchronous: 'NORMAL' });
    onTestFinished(() => store.close());
    const groups = (await store.listGroups()).sort((a, b) => a.group.localeCompare(b.group));
    expect(groups.map((g) => ({ ...g, members: [...g.members].sort((a, b) => a.memberId.localeCompare(b.memberId)) }))).toEqual([
      {
        group: 'big',
        state: { version: 2, groupEpoch: 7, fenced: ['gone'] },
        members: [
          { memberId: 'a', state: { ...member('a', [2], 5), joinSeq: 2 } },
          { memberId: 'z', state: { ...member('z', [0, 1], 5), joinSeq: 1 } },
        ],
      },
      { group: 'empty', state: { version: 2, groupEpoch: 2, fenced: [] }, members: [] },
      { group: 'offsets-only', state: null, members: [] },
    ]);
    // From now on a member's change is one row: the group row is left alone.
    await store.saveGroup('big', { members: [{ memberId: 'a', state: { changed: true } }] });
    const db = new Database(path.join(dataDir, DATABASE_FILE), { readonly: true });
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
      expect(JSON.parse(db.prepare("SELECT state FROM groups WHERE name = 'big'").pluck().get() as string)).toEqual({
        version: 2,
        groupEpoch: 7,
        fenced: ['gone'],
      });
      expect(db.prepare("SELECT member_id, state FROM group_members WHERE group_name = 'big' ORDER BY member_id").raw(true).all()).toEqual([
        ['a', '{"changed":true}'],
        ['z', JSON.stringify({ ...member('z', [0, 1], 5), joinSeq: 1 })],
      ]);
    } finally {
      db.close();
    }
  });
});

describe('SQLite compaction steps', () => {
  it('delete a bounded number of records however many old versions the keys of a range have, and repeated steps finish the job', async () => {
    const store = await openSqliteStore({ dataDir: tempDir(), synchronous: 'NORMAL' });
    onTestFinished(() => store.close());
    await store.createTopic('t', 1, {});
    // 10 keys with 600 versions each: the first 256 offsets name every key, whose 5,990 old versions lie all over the partition.
    for (let round = 0; round < 6; round++) {
      const records = Array.from({ length: 1_000 }, (_, i) => ({ partition: 0, timestamp: 1_000, key: `k${i % 10}`, value: `"${round}-${i}"`, headers: null }));
      await store.append([{ topic: 't', records }]);
    }
    const step = { from: 0, before: 6_000, maxTimestamp: Number.MAX_SAFE_INTEGER, budgetMs: 0 };
    const first = await store.compact!('t', 0, step);
    // One statement's worth, not the 5,990 it would take to finish those keys at once.
    expect(first.removed).toBeGreaterThan(0);
    expect(first.removed).toBeLessThanOrEqual(250);
    let removed = first.removed;
    let from = first.reached;
    for (;;) {
      const next = await store.compact!('t', 0, { ...step, from });
      removed += next.removed;
      if (next.reached <= from && next.removed === 0) break;
      from = next.reached;
    }
    expect(removed).toBe(5_990);
    const left = await store.read('t', 0, 0, { maxRecords: 100, maxBytes: Number.MAX_SAFE_INTEGER });
    expect(left.map((r) => r.offset)).toEqual(Array.from({ length: 10 }, (_, i) => 5_990 + i));
  });
});
