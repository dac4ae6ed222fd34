/**
 * Read floor: raw SQLite range reads of the same rows (gateway schema, 200-byte
 * values) in pages of the same size a catch-up reader asks for, with the
 * gateway's own SELECT. Nothing is serialized or sent.
 */
import { newHistogram, recordMs, summarize, type LatencySummary } from '../lib/histogram.js';
import { valueText } from '../lib/records.js';
import { openFloorDatabase } from './storage.js';

export interface ReadFloor {
  records: number;
  pageSize: number;
  rowsPerSec: number;
  /** Per-page read time. */
  latency: LatencySummary;
}

export function measureReadFloor(options: { records: number; pageSize: number }): ReadFloor {
  // Filling is not measured, so it need not be durable.
  const { db, dispose } = openFloorDatabase('NORMAL');
  try {
    const insert = db.prepare(
      'INSERT INTO records (topic_id, partition, offset, timestamp, key, value, headers) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    const fill = db.transaction((from: number, to: number) => {
      const now = Date.now();
      for (let o = from; o < to; o++) insert.run(1, 0, o, now, null, valueText(o), null);
    });
    for (let o = 0; o < options.records; o += 50_000) fill(o, Math.min(options.records, o + 50_000));
    db.pragma('wal_checkpoint(TRUNCATE)');

    const select = db
      .prepare(
        'SELECT offset, timestamp, key, value, headers FROM records WHERE topic_id = ? AND partition = ? AND offset >= ? ORDER BY offset LIMIT ?',
      )
      .raw(true);
    const histogram = newHistogram();
    const started = performance.now();
    let offset = 0;
    let last = started;
    while (offset < options.records) {
      const rows = select.all(1, 0, offset, options.pageSize) as unknown[][];
      offset += rows.length;
      const now = performance.now();
      recordMs(histogram, now - last);
      last = now;
    }
    return {
      records: offset,
      pageSize: options.pageSize,
      rowsPerSec: offset / ((last - started) / 1000),
      latency: summarize(histogram),
    };
  } finally {
    dispose();
  }
}
