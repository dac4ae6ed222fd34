/**
 * Retention by size on a partition's stream: the offset below which records go so that those left
 * (keys, values, headers, counted exactly as the SQLite store counts them) fit `maxBytes`.
 *
 * Each batch carries the running count of record bytes from offset `from` through it (batch-codec.ts).
 * The last batch's `from` is where the comparable counts begin: bytes in [o, end) for o at or past it are
 * the last count less the count before o, found by a binary search over the batches' headers and one
 * batch decoded. Batches below `from` were written before the count existed: their records are counted
 * one by one (a stream written before the count has them until retention deletes them).
 *
 * The count still includes batches compaction deleted since: the ledger of deleted bytes (deleted-bytes.ts)
 * says how much to take off. Between two of its ranges' ends the bytes it counts as deleted at or after an
 * offset do not change, so the cut is the first such stretch where the count less them fits.
 */
import { recordBytes } from './batch-codec.js';
import { deletedFrom, type DeletedRange } from './deleted-bytes.js';
import type { PartitionLog } from './partition-log.js';

/** The partition's ledger of what compaction deleted (read only when the count calls for a cut). */
export type DeletedLedger = () => Promise<readonly DeletedRange[]>;

export async function offsetForSizeLimit(log: PartitionLog, logStart: number, maxBytes: number, deleted: DeletedLedger = async () => []): Promise<number> {
  const sizes = await PartitionSizes.read(log, logStart);
  if (!sizes) return logStart;
  const counted = await sizes.firstFitting(maxBytes);
  if (counted === undefined || counted === logStart) return logStart;
  // Only deletions the count still includes: at or after where it was read from.
  const ranges = (await deleted()).filter((r) => r.before > sizes.countedFrom);
  let from = logStart;
  for (const end of [...new Set(ranges.map((r) => r.before))].sort((a, b) => a - b)) {
    // In [from, end) the ledger counts the same bytes as deleted at or after any offset.
    const cut = await sizes.firstFitting(maxBytes + deletedFrom(ranges, from));
    if (cut === undefined) return logStart;
    if (cut < end) return Math.max(cut, from);
    from = end;
  }
  return counted; // past every range's end the ledger counts nothing
}

/** Where a partition's counted part begins: the running count before it, and the batch it starts at. */
interface CountedStart {
  /** The running count before `from`. */
  bytes: number;
  /**
   * Where the count from `bytes` on takes in the batches compaction deleted: the counted part's start, or
   * the first batch kept after it when compaction deleted the one holding it.
   */
  from: number;
  /** The first batch reaching past the counted part's start (past the last batch when it is empty). */
  seq: number;
}

/** The bytes of a partition's records at or after any offset from its log start, as its batches count them. */
class PartitionSizes {
  /** Bytes from the log start to the end: the uncounted records and the counted part. */
  readonly #total: number;

  private constructor(
    readonly log: PartitionLog,
    readonly logStart: number,
    readonly lastSeq: number,
    /** Records below the counted part, from the log start, with their sizes. */
    readonly uncounted: { offset: number; bytes: number }[],
    readonly counted: CountedStart,
    lastCount: number,
  ) {
    this.#total = uncounted.reduce((n, r) => n + r.bytes, 0) + lastCount - counted.bytes;
  }

  /** Where the count takes in the batches compaction deleted (the ledger's ranges below it are not in it). */
  get countedFrom(): number {
    return this.counted.from;
  }

  /** undefined when a batch it needs went meanwhile (the next pass sees the new log start). */
  static async read(log: PartitionLog, logStart: number): Promise<PartitionSizes | undefined> {
    const tail = await log.tail();
    if (logStart >= tail.highWatermark) return undefined;
    // No count on the last batch: every batch is uncounted (the counted part is empty, from the end).
    const count = tail.byteCount ?? { from: tail.highWatermark, bytes: 0 };
    const uncounted: { offset: number; bytes: number }[] = [];
    if (logStart < count.from) {
      for (let seq = await log.locate(logStart); seq !== undefined && seq <= tail.lastSeq; seq++) {
        const found = await log.batchAtOrAfter(seq);
        if (!found) return undefined;
        const records = found.records;
        seq = found.seq;
        if (records[0] && records[0].offset >= count.from) break;
        for (const r of records) if (r.offset >= logStart && r.offset < count.from) uncounted.push({ offset: r.offset, bytes: recordBytes(r) });
      }
    }
    const start = Math.max(logStart, count.from);
    const counted = start < tail.highWatermark ? await countedBefore(log, start) : { bytes: count.bytes, from: start, seq: tail.lastSeq + 1 };
    if (counted === undefined) return undefined;
    return new PartitionSizes(log, logStart, tail.lastSeq, uncounted, counted, count.bytes);
  }

  /** The first offset (from the log start) at or after which the records fit `maxBytes`; undefined as for read. */
  async firstFitting(maxBytes: number): Promise<number | undefined> {
    let excess = this.#total - maxBytes;
    if (excess <= 0) return this.logStart;
    for (const r of this.uncounted) {
      excess -= r.bytes;
      if (excess <= 0) return r.offset + 1;
    }
    // The cut is in the counted part: the first record at which the count reaches `need`.
    const need = this.counted.bytes + excess;
    const seq = await this.log.firstBatchWhere(this.counted.seq, this.lastSeq, (h) => h.byteCount !== undefined && h.byteCount.bytes >= need);
    if (seq > this.lastSeq) return undefined;
    const header = await this.log.header(seq);
    const records = await this.log.batch(seq);
    if (!records || !header.byteCount) return undefined;
    let count = header.byteCount.bytes - records.reduce((n, r) => n + recordBytes(r), 0);
    for (const r of records) {
      count += recordBytes(r);
      if (count >= need) return Math.max(this.logStart, r.offset + 1);
    }
    return Math.max(this.logStart, header.base + header.count);
  }
}

/**
 * The running count before offset `offset` (which lies in the counted part), and the offset it counts from:
 * `offset`, or, when compaction deleted the batch holding it, the first batch kept after it (the count
 * before that batch includes the deleted ones in between, which the ledger's ranges there then must not
 * be taken off again). Undefined if that batch is gone meanwhile or has no count.
 */
async function countedBefore(log: PartitionLog, offset: number): Promise<CountedStart | undefined> {
  const tail = await log.tail();
  if (tail.lastSeq < tail.firstSeq) return undefined;
  // The first batch reaching past `offset`: the one holding it, or the first after a gap there.
  const seq = await log.firstBatchWhere(tail.firstSeq, tail.lastSeq, (h) => h.base + h.count > offset);
  if (seq > tail.lastSeq) return undefined;
  const header = await log.header(seq);
  const records = await log.batch(seq);
  if (!records || !header.byteCount) return undefined;
  let count = header.byteCount.bytes;
  for (const r of records) if (r.offset >= offset) count -= recordBytes(r);
  return { bytes: count, from: Math.max(offset, header.base), seq };
}
