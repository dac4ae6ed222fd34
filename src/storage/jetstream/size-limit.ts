/**
 * Retention by size on a partition's stream: the offset below which records go so that those left
 * (keys, values, headers, counted exactly as the SQLite store counts them) fit `maxBytes`.
 *
 * Each batch carries the running count of record bytes from offset `from` through it (batch-codec.ts).
 * The last batch's `from` is where the comparable counts begin: bytes in [o, end) for o at or past it are
 * the last count less the count before o, found by a binary search over the batches' headers and one
 * batch decoded. Batches below `from` were written before the count existed: their records are counted
 * one by one (a stream written before the count has them until retention deletes them).
 */
import { recordBytes } from './batch-codec.js';
import type { PartitionLog } from './partition-log.js';

export async function offsetForSizeLimit(log: PartitionLog, logStart: number, maxBytes: number): Promise<number> {
  const tail = await log.tail();
  if (logStart >= tail.highWatermark) return logStart;
  // No count on the last batch: every batch is uncounted (the counted part is empty, from the end).
  const counted = tail.byteCount ?? { from: tail.highWatermark, bytes: 0 };

  // Records below the counted part, from the log start: sizes one by one.
  const uncounted: { offset: number; bytes: number }[] = [];
  if (logStart < counted.from) {
    for (let seq = await log.locate(logStart); seq !== undefined && seq <= tail.lastSeq; seq++) {
      const found = await log.batchAtOrAfter(seq);
      if (!found) return logStart; // purged meanwhile: the next pass sees the new log start
      const records = found.records;
      seq = found.seq;
      if (records[0] && records[0].offset >= counted.from) break;
      for (const r of records) if (r.offset >= logStart && r.offset < counted.from) uncounted.push({ offset: r.offset, bytes: recordBytes(r) });
    }
  }
  const start = Math.max(logStart, counted.from);
  const before = start < tail.highWatermark ? await countedBefore(log, start) : counted.bytes;
  if (before === undefined) return logStart;
  let excess = uncounted.reduce((n, r) => n + r.bytes, 0) + counted.bytes - before - maxBytes;
  if (excess <= 0) return logStart;
  for (const r of uncounted) {
    excess -= r.bytes;
    if (excess <= 0) return r.offset + 1;
  }
  // The cut is in the counted part: the first record at which the count reaches `need`.
  const need = before + excess;
  const seq = await log.firstBatchWhere((await log.locate(start))!, tail.lastSeq, (h) => h.byteCount!.bytes >= need);
  const header = await log.header(seq);
  const records = await log.batch(seq);
  if (!records) return logStart;
  let count = header.byteCount!.bytes - records.reduce((n, r) => n + recordBytes(r), 0);
  for (const r of records) {
    count += recordBytes(r);
    if (count >= need) return Math.max(logStart, r.offset + 1);
  }
  return Math.max(logStart, header.base + header.count);
}

/** The running count before offset `offset` (which lies in the counted part); undefined if its batch is gone. */
async function countedBefore(log: PartitionLog, offset: number): Promise<number | undefined> {
  const seq = await log.locate(offset);
  if (seq === undefined) return undefined;
  const header = await log.header(seq);
  const records = await log.batch(seq);
  if (!records || !header.byteCount) return undefined;
  let count = header.byteCount.bytes;
  for (const r of records) if (r.offset >= offset) count -= recordBytes(r);
  return count;
}
