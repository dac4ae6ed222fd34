/**
 * Reads within a record count and a byte budget, from the records table.
 */
import type { EncodedRecords, ReadLimits, StoredRecord } from '../log-store.js';
import type { RecordRow, RecordTable } from './records.js';
import type { TimeIndex } from './time-index.js';
import type { TopicState } from './topics.js';

/**
 * Below this many rows a read steps through rows one at a time instead of taking a chunk:
 * stepping costs ~25% more per small row (measured), but many tiny chunks cost more still.
 */
const MIN_CHUNK_ROWS = 64;

const EMPTY = new Uint8Array(0);

export class RecordReader {
  readonly #records: RecordTable;
  readonly #timeIndex: TimeIndex;

  constructor(records: RecordTable, timeIndex: TimeIndex) {
    this.#records = records;
    this.#timeIndex = timeIndex;
  }

  /**
   * Never loads much more than the byte budget (a limit of 10,000 over 1 MiB records must not
   * load 10 GB to return one): rows are taken in chunks no larger than what fits the remaining
   * budget if every row were the largest in the range (#largestFor), and one row at a time when that
   * is only a few rows. For small records that is one chunk, as fast as reading all at once.
   */
  read(t: TopicState, partition: number, fromOffset: number, limits: ReadLimits): StoredRecord[] {
    if (partition < 0 || partition >= t.bounds.length) return [];
    const largest = this.#largestFor(t, partition, fromOffset, limits);
    const out: StoredRecord[] = [];
    let bytes = 0;
    let next = fromOffset;
    while (out.length < limits.maxRecords) {
      const wanted = limits.maxRecords - out.length;
      // Rows that fit what is left of the budget (plus the one that passes it) even at the largest size.
      const safe = Math.floor((limits.maxBytes - bytes) / largest) + 1;
      const chunk = safe >= wanted ? wanted : safe >= MIN_CHUNK_ROWS ? safe : 0;
      const rows: Iterable<RecordRow> =
        chunk > 0 ? this.#records.rows(t, partition, next, chunk) : this.#records.iterate(t, partition, next, wanted);
      let seen = 0;
      for (const [offset, timestamp, key, value, headers] of rows) {
        seen++;
        // In UTF-8 bytes, as recordBytes counts them: `.length` of a string counts UTF-16 units.
        bytes += byteLength(key) + byteLength(value) + byteLength(headers);
        // Leaving the loop ends an iterate() early: the rest of the range is never loaded.
        if (bytes > limits.maxBytes && out.length > 0) return out;
        out.push({ offset, timestamp, key, value, headers });
      }
      if (chunk === 0 || seen < chunk) break; // stepped to the end, or the partition has no more
      next = out[out.length - 1]!.offset + 1;
    }
    return out;
  }

  /**
   * Only when no record in the range can pass the byte budget (the largest record the range can
   * meet, times maxRecords, fits it), which is every catch-up chunk of small records: then the
   * budget needs no counting and SQLite can build the whole range's JSON (see encoded-read.ts).
   */
  readEncoded(t: TopicState, partition: number, fromOffset: number, limits: ReadLimits): EncodedRecords | undefined {
    if (partition < 0 || partition >= t.bounds.length) return { json: EMPTY, count: 0, nextOffset: fromOffset };
    if (limits.maxRecords * this.#largestFor(t, partition, fromOffset, limits) > limits.maxBytes) return undefined;
    const { count, last, json } = this.#records.encoded(t, partition, fromOffset, limits.maxRecords);
    return count === 0 ? { json: EMPTY, count: 0, nextOffset: fromOffset } : { json: json!, count, nextOffset: last! + 1 };
  }

  /**
   * The largest record a read of up to maxRecords from `from` can meet: the partition's largest
   * ever when even that lets the whole read fit the budget (no query), else the largest in the
   * time-index spans the range touches, so one large record slows only the reads that reach it,
   * and none once retention has deleted it.
   */
  #largestFor(t: TopicState, partition: number, from: number, limits: ReadLimits): number {
    const largest = Math.max(t.largest[partition]!, 1);
    if (limits.maxRecords * largest <= limits.maxBytes) return largest;
    const bounds = t.bounds[partition]!;
    const first = Math.max(from, bounds.logStartOffset); // a read from below the log start begins there
    const last = Math.min(first + limits.maxRecords, bounds.highWatermark) - 1;
    if (last < first) return largest;
    const inRange = this.#timeIndex.largestInRange(t, partition, first, last);
    return inRange === null ? largest : Math.max(inRange, 1);
  }
}

export function byteLength(v: string | Uint8Array | null): number {
  return v === null ? 0 : typeof v === 'string' ? Buffer.byteLength(v) : v.length;
}
