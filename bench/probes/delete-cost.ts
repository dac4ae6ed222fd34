/**
 * What deleting old records writes, in three record formats (docs/storage-format.md, "What deleting costs"):
 * - row per record: the gateway's `records` table (its migrations and pragmas), deleted by offset range in
 *   steps of 10,000 offsets, one transaction each, as retention does;
 * - row per batch: one row per 64 KiB of records (the prototype's layout: the records' bytes in one BLOB),
 *   deleted by base-offset range in the same steps;
 * - segment tables: the row-per-record layout split into one table per 65,536 offsets, each dropped whole.
 * The WAL is not checkpointed while a delete runs (wal_autocheckpoint = 0), so its size afterwards is what
 * the delete wrote: every frame is one page the delete dirtied, written once per transaction that dirtied it.
 *
 * Usage: npx tsx bench/probes/delete-cost.ts [records=1000000] [valueBytes=200]
 */
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { openFloorDatabase } from '../floors/storage.js';

const records = Number(process.argv[2] ?? 1_000_000);
const valueBytes = Number(process.argv[3] ?? 200);
const STEP = 10_000;
const BATCH_BYTES = 64 * 1024;
const SEGMENT = 65_536;
const value = JSON.stringify('x'.repeat(valueBytes - 2));

interface Result {
  format: string;
  walBytes: number;
  ms: number;
  transactions: number;
}

function walSize(db: Database.Database): number {
  const file = `${db.name}-wal`;
  return fs.existsSync(file) ? fs.statSync(file).size : 0;
}

/** Empties the WAL and stops automatic checkpoints, so that the WAL's size afterwards is what `work` wrote. */
function measure(db: Database.Database, format: string, work: () => number): Result {
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.pragma('wal_autocheckpoint = 0');
  const start = performance.now();
  const transactions = work();
  const ms = performance.now() - start;
  return { format, walBytes: walSize(db), ms, transactions };
}

function rowPerRecord(): Result {
  const { db, dispose } = openFloorDatabase('FULL');
  const insert = db.prepare('INSERT INTO records (topic_id, partition, offset, timestamp, key, value, headers) VALUES (1, 0, ?, ?, NULL, ?, NULL)');
  const fill = db.transaction((from: number, to: number) => {
    for (let o = from; o < to; o++) insert.run(o, 1_700_000_000_000 + o, value);
  });
  for (let o = 0; o < records; o += 100_000) fill(o, Math.min(records, o + 100_000));
  const result = deleteInSteps(db, 'row per record (range DELETE)', 'DELETE FROM records WHERE topic_id = 1 AND partition = 0 AND offset >= ? AND offset < ?');
  dispose();
  return result;
}

/** Deletes offsets [0, records) with `sql` (its two parameters: a range of offsets), STEP offsets a transaction, as retention does. */
function deleteInSteps(db: Database.Database, format: string, sql: string): Result {
  const del = db.prepare(sql);
  return measure(db, format, () => {
    let n = 0;
    for (let o = 0; o < records; o += STEP, n++) db.transaction(() => del.run(o, o + STEP))();
    return n;
  });
}

function rowPerBatch(): Result {
  const { db, dispose } = openFloorDatabase('FULL');
  db.exec(`CREATE TABLE batches (topic_id INTEGER NOT NULL, partition INTEGER NOT NULL, base_offset INTEGER NOT NULL,
             count INTEGER NOT NULL, records BLOB NOT NULL, PRIMARY KEY (topic_id, partition, base_offset))`);
  const perBatch = Math.max(1, Math.floor(BATCH_BYTES / (valueBytes + 60)));
  const blob = Buffer.alloc(perBatch * (valueBytes + 60), 'x');
  const insert = db.prepare('INSERT INTO batches (topic_id, partition, base_offset, count, records) VALUES (1, 0, ?, ?, ?)');
  db.transaction(() => {
    for (let o = 0; o < records; o += perBatch) insert.run(o, Math.min(perBatch, records - o), blob);
  })();
  const result = deleteInSteps(
    db,
    `row per batch (${perBatch} records, range DELETE)`,
    'DELETE FROM batches WHERE topic_id = 1 AND partition = 0 AND base_offset >= ? AND base_offset < ?',
  );
  dispose();
  return result;
}

function segmentTables(): Result {
  const { db, dispose } = openFloorDatabase('FULL');
  const segments = Math.ceil(records / SEGMENT);
  for (let s = 0; s < segments; s++) {
    db.exec(`CREATE TABLE seg_${s} (offset INTEGER PRIMARY KEY, timestamp INTEGER NOT NULL, key BLOB, value BLOB NOT NULL, headers TEXT) WITHOUT ROWID`);
    const insert = db.prepare(`INSERT INTO seg_${s} (offset, timestamp, key, value, headers) VALUES (?, ?, NULL, ?, NULL)`);
    db.transaction(() => {
      for (let o = s * SEGMENT; o < Math.min(records, (s + 1) * SEGMENT); o++) insert.run(o, 1_700_000_000_000 + o, value);
    })();
  }
  const result = measure(db, `segment tables (${SEGMENT} offsets, DROP TABLE)`, () => {
    for (let s = 0; s < segments; s++) db.exec(`DROP TABLE seg_${s}`);
    return segments;
  });
  dispose();
  return result;
}

const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
console.log(`Deleting ${records.toLocaleString('en')} records of ${valueBytes} B (synchronous FULL, WAL, page size 4096), ${path.basename(process.argv[1]!)}:`);
const results = [rowPerRecord(), rowPerBatch(), segmentTables()];
const base = results[0]!.walBytes;
console.log('| format | WAL written (MB) | vs row per record | time (ms) | transactions |');
console.log('|---|---|---|---|---|');
for (const r of results) {
  console.log(`| ${r.format} | ${mb(r.walBytes)} | ${r === results[0] ? '1x' : `1/${(base / Math.max(r.walBytes, 1)).toFixed(0)}`} | ${r.ms.toFixed(0)} | ${r.transactions} |`);
}
