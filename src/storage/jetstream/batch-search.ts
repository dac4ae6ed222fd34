/**
 * Binary searches over a partition stream's batches by their headers: the batch holding an offset, the
 * first reaching a time, the first whose running byte count reaches a size. Each probe asks for the first
 * batch at or after a sequence, so the batches compaction deleted inside a stream cost nothing more: a
 * probe that lands in a run of them answers with the batch after the run.
 */
import type { BatchHeader } from './batch-codec.js';

/** What the searches read of a partition log. */
export interface SearchedLog {
  /** The stream's first and last sequence, and the running maximum timestamp of its last batch. */
  tail(): Promise<{ firstSeq: number; lastSeq: number; maxTimestamp: number }>;
  /** The first batch at or after `seq` (which is not past the last batch), and its sequence. */
  headerAtOrAfter(seq: number): Promise<{ seq: number; header: BatchHeader }>;
}

/**
 * The sequence of the batch holding `offset` (offset within [its base, base + count)), or the nearest
 * batch below it (the first batch when every batch is above it); undefined for an empty stream.
 */
export async function locate(log: SearchedLog, offset: number): Promise<number | undefined> {
  const tail = await log.tail();
  if (tail.lastSeq < tail.firstSeq) return undefined;
  // The first batch whose base passes `offset`; the one before it holds it.
  const above = await firstBatchWhere(log, tail.firstSeq, tail.lastSeq + 1, (h) => h.base > offset);
  if (above === tail.firstSeq) return (await log.headerAtOrAfter(above)).seq;
  return lastBatchBefore(log, above, tail.firstSeq);
}

/** The first batch whose running maximum timestamp reaches `timestamp`, or undefined when none does. */
export async function firstReaching(log: SearchedLog, timestamp: number): Promise<number | undefined> {
  const tail = await log.tail();
  if (tail.lastSeq < tail.firstSeq || tail.maxTimestamp < timestamp) return undefined;
  return firstBatchWhere(log, tail.firstSeq, tail.lastSeq, (h) => h.maxTimestamp >= timestamp);
}

/**
 * The sequence of the first batch in [lo, hi] for which `test` holds, `test` being false up to some batch
 * and true from it on; hi + 1 when it holds for none (`hi` must then be the last batch or past it).
 */
export async function firstBatchWhere(log: SearchedLog, lo: number, hi: number, test: (h: BatchHeader) => boolean): Promise<number> {
  const last = (await log.tail()).lastSeq;
  // Invariant: the answer is the first batch at or after some sequence in [lo, hi].
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    const probe = mid > last ? undefined : await log.headerAtOrAfter(mid);
    if (!probe || test(probe.header)) hi = mid;
    else lo = probe.seq + 1;
  }
  if (lo > last) return lo;
  return (await log.headerAtOrAfter(lo)).seq;
}

/** The last batch below `seq`, at or after `first` (which holds a batch). */
async function lastBatchBefore(log: SearchedLog, seq: number, first: number): Promise<number> {
  // Usually the batch just before (no deletes there; its header was read by the search).
  const before = await log.headerAtOrAfter(seq - 1);
  if (before.seq < seq) return before.seq;
  // Past a run of deleted batches: the largest sequence below `seq` whose first batch at or after it is below `seq`.
  let lo = first;
  let hi = seq - 2;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    const probe = await log.headerAtOrAfter(mid);
    if (probe.seq < seq) lo = probe.seq;
    else hi = mid - 1;
  }
  // `first` may be a batch deleted since this gateway read the tail (the feed tells of appends, not of
  // deletes): then no batch is below `seq`, and the first batch kept is the answer.
  return lo === first ? (await log.headerAtOrAfter(first)).seq : lo;
}
