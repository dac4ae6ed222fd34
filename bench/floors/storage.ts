/**
 * Storage floor: raw better-sqlite3 inserts into the gateway's own schema (its
 * migrations), with the same pragmas and `synchronous` setting, one transaction
 * per batch. No gateway code runs: this is what the disk and SQLite allow.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrations } from '../../src/storage/sqlite/migrations.js';
import { newHistogram, recordMs, summarize, type LatencySummary } from '../lib/histogram.js';
import { valueText } from '../lib/records.js';

export interface StorageFloor {
  batchSize: number;
  rowsPerSec: number;
  /** Per-transaction commit time. */
  latency: LatencySummary;
}

/** A fresh database with the gateway's schema and pragmas, and one topic of one partition (id 1). */
export function openFloorDatabase(synchronous: 'FULL' | 'NORMAL'): { db: Database.Database; dispose: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logway-floor-'));
  const db = new Database(path.join(dir, 'floor.db'));
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  db.pragma('cache_size = -65536');
  db.pragma('temp_store = MEMORY');
  for (const m of migrations) db.exec(m);
  db.prepare("INSERT INTO topics (id, name, partitions, config, created_at) VALUES (1, 'floor', 1, '{}', 0)").run();
  db.prepare('INSERT INTO partitions (topic_id, partition, log_start_offset, high_watermark) VALUES (1, 0, 0, 0)').run();
  return {
    db,
    dispose: () => {
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function measureStorageFloor(options: { synchronous: 'FULL' | 'NORMAL'; batchSize: number; durationSec: number }): StorageFloor {
  const { db, dispose } = openFloorDatabase(options.synchronous);
  try {
    // The fastest way better-sqlite3 offers: multi-row INSERTs of up to 64 rows, as the store does.
    const statements = new Map<number, Database.Statement>();
    const insertRows = (rows: unknown[]) => {
      const count = rows.length / 7;
      let statement = statements.get(count);
      if (!statement) {
        statement = db.prepare(
          'INSERT INTO records (topic_id, partition, offset, timestamp, key, value, headers) VALUES ' +
            new Array(count).fill('(?, ?, ?, ?, ?, ?, ?)').join(', '),
        );
        statements.set(count, statement);
      }
      statement.run(rows);
      rows.length = 0;
    };
    const values = Array.from({ length: 1000 }, (_, i) => valueText(i));
    let offset = 0;
    const rows: unknown[] = [];
    const insertBatch = db.transaction((n: number) => {
      const now = Date.now();
      for (let i = 0; i < n; i++, offset++) {
        rows.push(1, 0, offset, now, null, values[offset % 1000]!, null);
        if (rows.length === 64 * 7) insertRows(rows);
      }
      if (rows.length > 0) insertRows(rows);
    });
    const histogram = newHistogram();
    const started = performance.now();
    const deadline = started + options.durationSec * 1000;
    let now = started;
    while (now < deadline) {
      insertBatch.immediate(options.batchSize);
      const after = performance.now();
      recordMs(histogram, after - now);
      now = after;
    }
    return { batchSize: options.batchSize, rowsPerSec: offset / ((now - started) / 1000), latency: summarize(histogram) };
  } finally {
    dispose();
  }
}
