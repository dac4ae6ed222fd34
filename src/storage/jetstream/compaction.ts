/**
 * Compaction on the cluster store (issue 14): a partition stream holds one message per appended batch and
 * a message cannot be changed, only deleted whole, so compaction deletes the batches whose every record is
 * superseded (a later version of its key below the step's `before`, as old as `maxTimestamp` allows), and
 * tombstone removal the batches of tombstones that are their key's last version. A batch keeping one live
 * record keeps its superseded ones too: Kafka's guarantee holds (the latest record of every key stays, and
 * offsets never change), not the SQLite store's record-exact one. Produce that writes one record per
 * request, as state updates usually do, is compacted exactly.
 *
 * The versions of each key come from the gateway's key index (key-index.ts), caught up to `before` first;
 * the batches deleted are forgotten there too. Another gateway's index keeps their rows: its reads by key
 * check each version against the stream on a compacted topic and drop those gone (KeyedPartitions
 * #versionsAt, keyed-partitions.ts). Deletes go out a few at a time, each round written to the partition's ledger of deleted
 * bytes first (deleted-bytes.ts: retention by size subtracts them), and a step stops once its budget is
 * spent (looking batches up included) after at least one round.
 * Before either step runs, the store raises the partition's compaction mark to the step's `before`
 * (compaction-marks.ts): a snapshot page read as of lower offsets afterwards fails rather than miss a key.
 */
import { TOMBSTONE_VALUE } from '../log-store.js';
import type { CompactionProgress, CompactionStep, RangeStep, StoredRecord } from '../log-store.js';
import { recordBytes } from './batch-codec.js';
import type { DeletedRange } from './deleted-bytes.js';
import type { KeyIndex } from './key-index.js';
import type { PartitionLog } from './partition-log.js';

/** Records of the range read per chunk: their keys' older versions are looked up and their batches checked. */
const CHUNK_RECORDS = 1_000;
const CHUNK_BYTES = 4 * 1024 * 1024;
/** Batch deletes in flight at once (each a replicated write). */
const DELETES_IN_FLIGHT = 32;

export interface IndexedPartition {
  log: PartitionLog;
  index: KeyIndex;
  logStart: number;
  /** Writes batches about to be deleted to the partition's ledger of deleted bytes, acknowledged. */
  recordDeletion: (ranges: DeletedRange[]) => Promise<void>;
}

/** One step of LogStore.compact on a partition stream. */
export async function compactStep(partition: IndexedPartition, step: CompactionStep): Promise<CompactionProgress> {
  const { log, index, logStart } = partition;
  const deadline = performance.now() + step.budgetMs;
  let reached = Math.max(step.from, logStart);
  let removed = 0;
  while (reached < step.before) {
    const chunkStart = reached;
    const records = await log.read(reached, { maxRecords: CHUNK_RECORDS, maxBytes: CHUNK_BYTES });
    if (records.length === 0) return { reached: step.before, removed };
    // The last version in the chunk of each key written there: its older versions are the candidates.
    const newest = new Map<string, { key: string | Uint8Array; offset: number }>();
    for (const r of records) {
      if (r.offset >= step.before) break;
      if (r.key !== null) newest.set(keyId(r.key), { key: r.key, offset: r.offset });
      reached = r.offset + 1;
    }
    if (records[0]!.offset >= step.before) reached = step.before;
    const candidates = new Set<number>();
    for (const { key, offset } of newest.values()) for (const o of index.olderVersions(log.stream, key, offset)) if (o >= logStart) candidates.add(o);
    const superseded = (r: StoredRecord) =>
      r.key !== null && r.timestamp <= step.maxTimestamp && index.hasLaterBelow(log.stream, r.key, r.offset, step.before);
    const done = await deleteBatchesWhere(partition, [...candidates].sort((a, b) => a - b), (records) => records.every(superseded), deadline);
    removed += done.removed;
    // Out of time with candidates left: the next step reads this chunk again (what was deleted is gone from the index).
    if (!done.complete) return { reached: chunkStart, removed };
    if (performance.now() >= deadline) break;
  }
  return { reached: Math.min(reached, step.before), removed };
}

/**
 * One step of LogStore.removeTombstones on a partition stream: deletes the batches in [from, before) whose
 * keys all end in a tombstone there with no version elsewhere (see onlyTombstonedKeys). Never the stream's
 * last batch.
 */
export async function removeTombstonesStep(partition: IndexedPartition, step: RangeStep): Promise<CompactionProgress> {
  const { log, index, logStart } = partition;
  const deadline = performance.now() + step.budgetMs;
  const tail = await log.tail();
  // The stream's last batch is never deleted (a read below the high watermark always finds a record):
  // the range stops before it, and a later pass, once it is not the last, takes it.
  const before = tail.lastSeq < tail.firstSeq ? 0 : Math.min(step.before, (await log.header(tail.lastSeq)).base);
  let reached = Math.max(step.from, logStart);
  let removed = 0;
  while (reached < before) {
    const records = (await log.read(reached, { maxRecords: CHUNK_RECORDS, maxBytes: CHUNK_BYTES })).filter((r) => r.offset < before);
    if (records.length === 0) return { reached: before, removed };
    const tombstones = records.filter((r) => r.key !== null && isTombstone(r)).map((r) => r.offset);
    const removable = (batch: StoredRecord[]) => batch[batch.length - 1]!.offset < before && onlyTombstonedKeys(log, index, batch);
    const done = await deleteBatchesWhere(partition, tombstones, removable, deadline);
    removed += done.removed;
    if (!done.complete) break; // out of time: the next step reads this chunk again
    reached = records[records.length - 1]!.offset + 1;
    if (performance.now() >= deadline) break;
  }
  return { reached: Math.max(Math.min(reached, before), Math.min(step.from, before)), removed };
}

/**
 * Every record of the batch is keyed, and each key's versions are all in the batch, the last a tombstone:
 * deleting the batch removes those keys altogether, as a tombstone's removal does.
 */
function onlyTombstonedKeys(log: PartitionLog, index: KeyIndex, batch: StoredRecord[]): boolean {
  const offsets = new Set(batch.map((r) => r.offset));
  const last = new Map<string, StoredRecord>();
  for (const r of batch) {
    if (r.key === null) return false;
    last.set(keyId(r.key), r);
  }
  for (const r of last.values()) {
    if (!isTombstone(r) || !index.versions(log.stream, r.key!).every((o) => offsets.has(o))) return false;
  }
  return true;
}

/**
 * Deletes each batch holding one of `offsets` (ascending) for which `test` holds, never the stream's last,
 * and forgets its records in the key index. The batches are looked up in order and deleted
 * DELETES_IN_FLIGHT at a time, each round written to the partition's ledger of deleted bytes first
 * (`recordDeletion`, deleted-bytes.ts). Past `deadline`, once a round has gone (a step always makes
 * progress), it deletes the batches found so far and stops: the look-ups count against the budget as the
 * deletes do (those before the first round do not).
 * Returns the records deleted, and whether every such batch was.
 */
async function deleteBatchesWhere(
  { log, index, recordDeletion }: IndexedPartition,
  offsets: number[],
  test: (records: StoredRecord[]) => boolean,
  deadline: number,
): Promise<{ removed: number; complete: boolean }> {
  const last = (await log.tail()).lastSeq;
  let doomed: Doomed[] = [];
  let removed = 0;
  let rounds = 0;
  const deleteDoomed = async () => {
    removed += await deleteRound(log, index, doomed, recordDeletion);
    doomed = [];
    rounds++;
  };
  let covered = -1; // offsets below this were in a batch already looked at
  for (const offset of offsets) {
    if (offset < covered) continue;
    if (rounds > 0 && performance.now() >= deadline) {
      if (doomed.length > 0) await deleteDoomed();
      return { removed, complete: false };
    }
    const seq = await log.locate(offset);
    if (seq === undefined) break;
    const found = await log.batchAtOrAfter(seq);
    if (!found || found.seq >= last) break;
    const records = found.records;
    const first = records[0]!.offset;
    covered = records[records.length - 1]!.offset + 1;
    if (offset < first || offset >= covered) continue; // deleted already (a gap)
    if (test(records)) doomed.push({ seq: found.seq, from: first, before: covered, count: records.length, bytes: records.reduce((n, r) => n + recordBytes(r), 0) });
    if (doomed.length === DELETES_IN_FLIGHT) await deleteDoomed();
  }
  if (doomed.length > 0) await deleteDoomed();
  return { removed, complete: true };
}

interface Doomed {
  seq: number;
  from: number;
  before: number;
  count: number;
  bytes: number;
}

/** One round of deletes, in the ledger first; returns the records deleted. */
async function deleteRound(log: PartitionLog, index: KeyIndex, doomed: Doomed[], recordDeletion: IndexedPartition['recordDeletion']): Promise<number> {
  await recordDeletion(doomed.map(({ from, before, bytes }) => ({ from, before, bytes })));
  // Every delete's outcome is waited for, so that those done leave the index even when one failed.
  const done = await Promise.allSettled(doomed.map((d) => log.deleteBatch(d.seq)));
  let removed = 0;
  doomed.forEach((d, j) => {
    const outcome = done[j]!;
    if (outcome.status === 'rejected') return;
    index.dropRange(log.stream, d.from, d.before);
    if (outcome.value) removed += d.count;
  });
  const failed = done.find((o) => o.status === 'rejected');
  if (failed) throw failed.reason;
  return removed;
}

const isTombstone = (r: StoredRecord): boolean => r.value === TOMBSTONE_VALUE;
const keyId = (key: string | Uint8Array): string => (typeof key === 'string' ? `s${key}` : `b${Buffer.from(key).toString('hex')}`);
