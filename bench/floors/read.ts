/**
 * Read floor: SQLite range reads of the same rows (gateway schema, 200-byte
 * values) in pages of the same size a catch-up reader asks for, in the two ways
 * the gateway reads: its row SELECT (a JS array per row) and its encoded read
 * (SQLite concatenates the delivered JSON in C, one BLOB a page). Nothing is
 * sent. The floor is the faster of the two: the least work that yields the records.
 */
import { newHistogram, recordMs, summarize, type LatencySummary } from '../lib/histogram.js';
import { valueText } from '../lib/records.js';
import { openFloorDatabase } from './storage.js';
import { READ_ENCODED_SQL, recordPrefix, registerBase64 } from '../../src/storage/sqlite/encoded-read.js';

export interface ReadFloor {
  /** Which read was the faster: the row SELECT or the encoded one. */
  kind: 'rows' | 'encoded';
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
    registerBase64(db);
    const encoded = db.prepare(READ_ENCODED_SQL).raw(true);
    const prefix = recordPrefix('bench', 0);
    const rows = timePages(options, (from) => (select.all(1, 0, from, options.pageSize) as unknown[][]).length);
    const json = timePages(options, (from) => {
      const [count] = encoded.get({ prefix, topic: 1, partition: 0, from, limit: options.pageSize }) as [number, number, Buffer];
      return count;
    });
    return rows.rowsPerSec >= json.rowsPerSec ? { kind: 'rows', ...rows } : { kind: 'encoded', ...json };
  } finally {
    dispose();
  }
}

/** Reads every record from offset 0, a page at a time (`readPage` returns how many it read). */
function timePages(options: { records: number; pageSize: number }, readPage: (from: number) => number): Omit<ReadFloor, 'kind'> {
  const histogram = newHistogram();
  const started = performance.now();
  let offset = 0;
  let last = started;
  while (offset < options.records) {
    offset += readPage(offset);
    const now = performance.now();
    recordMs(histogram, now - last);
    last = now;
  }
  return { records: offset, pageSize: options.pageSize, rowsPerSec: offset / ((last - started) / 1000), latency: summarize(histogram) };
}
