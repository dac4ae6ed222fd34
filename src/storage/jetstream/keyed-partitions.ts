/**
 * The JetStream store's operations by key (issue 14): retention by size, the latest record per key, and
 * compaction, over the partition streams. What they keep beside the streams: this gateway's index of keys
 * (key-index.ts), and in the namespace's bucket each partition's compaction mark (compaction-marks.ts) and
 * ledger of deleted bytes (deleted-bytes.ts). JetStreamStore guards each call (topic lookup, errors).
 */
import type { JetStreamManager } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import type { CompactionProgress, CompactionStep, LatestQuery, PartitionRecord, RangeStep, StoredRecord } from '../log-store.js';
import { VersionGoneError } from '../log-store.js';
import { compactStep, removeTombstonesStep, type IndexedPartition } from './compaction.js';
import { CompactionMarks } from './compaction-marks.js';
import { DeletedBytes } from './deleted-bytes.js';
import { KeyIndex } from './key-index.js';
import type { PartitionLog } from './partition-log.js';
import { offsetForSizeLimit } from './size-limit.js';
import type { TopicEntry } from './topics.js';

/** A partition's log with its key index caught up, and its log start. */
type IndexedLog = Omit<IndexedPartition, 'recordDeletion'>;

/** The topic's records are compacted (storage's own reading of the policy: the core's compacts() is not for it). */
const isCompacted = (t: TopicEntry): boolean => t.config.cleanupPolicy?.includes('compact') ?? false;

export interface KeyedPartitionsOptions {
  meta: KV;
  jsm: JetStreamManager;
  /** The namespace's bucket (`meta`). */
  bucket: string;
  /** Page cache of the key index, created on the first read by key. */
  keyIndexCacheBytes: number;
  /** The partition's log (JetStreamStore keeps one per partition). */
  log: (t: TopicEntry, partition: number) => PartitionLog;
}

export class KeyedPartitions {
  readonly #options: KeyedPartitionsOptions;
  /** The highest compaction limit each partition has seen. */
  readonly #marks: CompactionMarks;
  /** What compaction deleted from each partition, for retention by size. */
  readonly #deleted: DeletedBytes;
  /** Which offsets hold each key, derived from the partitions read by key (created on the first such read). */
  #keyIndex: KeyIndex | undefined;

  constructor(options: KeyedPartitionsOptions) {
    this.#options = options;
    this.#marks = new CompactionMarks(options.meta, options.jsm, options.bucket);
    this.#deleted = new DeletedBytes(options.meta, options.jsm, options.bucket);
  }

  /**
   * A few header reads and one batch decoded (size-limit.ts), so no budget is needed to bound it: the full
   * cut is answered at once. (Batches written before the size index are counted record by record.) Where
   * the count calls for a cut, the ledger of what compaction deleted is read too (one KV read), and each of
   * its ranges the cut passes may cost one more binary search.
   */
  offsetForSizeLimit(t: TopicEntry, partition: number, maxBytes: number): Promise<number> {
    const deleted = () => this.#deleted.read(t.inc, partition);
    return offsetForSizeLimit(this.#options.log(t, partition), t.logStart[partition]!, maxBytes, deleted);
  }

  async latestForKey(t: TopicEntry, key: string | Uint8Array): Promise<PartitionRecord[]> {
    const found = await Promise.all(
      Array.from({ length: t.partitions }, async (_, partition) => {
        const indexed = await this.#indexedLog(t, partition);
        const [record] = await this.#versionsAt(t, indexed, () => {
          const offset = indexed.index.latest(indexed.log.stream, key, indexed.logStart);
          return offset === undefined ? [] : [offset];
        });
        return record && { partition, ...record };
      }),
    );
    return found.filter((r) => r !== undefined);
  }

  async readLatest(t: TopicEntry, partition: number, query: LatestQuery): Promise<StoredRecord[]> {
    const indexed = await this.#indexedLog(t, partition, query.before);
    const page = await this.#versionsAt(t, indexed, () => indexed.index.latestPage(indexed.log.stream, indexed.logStart, query));
    // On every topic, not only compacted ones: one whose policy changed from compacted to `delete` while a
    // snapshot of it was open may have been compacted under it (a step begun before the change).
    await this.#checkMark(t, partition, query.before);
    return page;
  }

  // Compaction by whole batches: see compaction.ts.
  async compact(t: TopicEntry, partition: number, step: CompactionStep): Promise<CompactionProgress> {
    const indexed = await this.#indexedLog(t, partition, step.before);
    // Acknowledged before the first delete: a snapshot page read after a delete sees the limit (#checkMark).
    await this.#marks.raise(t.inc, partition, step.before);
    return compactStep(this.#recording(t, partition, indexed), step);
  }

  async removeTombstones(t: TopicEntry, partition: number, step: RangeStep): Promise<CompactionProgress> {
    const indexed = await this.#indexedLog(t, partition, step.before);
    // The core passes a limit compaction already reached, so this rarely writes; but the marks then hold
    // every deletion's limit whatever the caller does (a key removed with its tombstone included).
    await this.#marks.raise(t.inc, partition, step.before);
    return removeTombstonesStep(this.#recording(t, partition, indexed), step);
  }

  /** A partition of a deleted topic incarnation: its keys and its mark are never used again. */
  forgetPartition(inc: string, partition: number, stream: string | undefined): void {
    if (stream) this.#keyIndex?.forget(stream);
    this.#marks.forget(inc, partition);
  }

  /** Closes the key index (its database). */
  close(): void {
    this.#keyIndex?.close();
  }

  /** A deleted topic incarnation: its marks and ledgers leave the bucket (one purge each). */
  async forgetTopic(inc: string): Promise<void> {
    await this.#marks.forgetTopic(inc);
    await this.#deleted.forgetTopic(inc);
  }

  /**
   * The partition's log as the key index knows it: indexed up to the high watermark this gateway knows
   * (what a read would return), the first read by key of a partition indexing all of it (key-index.ts).
   * `through`: the offset the answer must cover. A snapshot's later pages are asked as of the offsets its
   * first page named, maybe by a client of another gateway (behind a load balancer) that has not heard of
   * the latest batches yet (the tail feed is at most once and may lag): its tail is read again from the
   * cluster, so that no page leaves out a version the snapshot's offsets include.
   */
  async #indexedLog(t: TopicEntry, partition: number, through = 0): Promise<IndexedLog> {
    const log = this.#options.log(t, partition);
    const logStart = t.logStart[partition]!;
    const index = (this.#keyIndex ??= new KeyIndex(this.#options.keyIndexCacheBytes));
    let { highWatermark } = await log.tail();
    if (highWatermark < through) {
      log.invalidate();
      ({ highWatermark } = await log.tail());
    }
    await index.catchUp(log.stream, log, logStart, highWatermark);
    return { log, index, logStart };
  }

  /**
   * After a page is read: the partition's compaction mark, fresh from the cluster. A step writes the mark
   * before it deletes, so any deletion that could have changed the page was made under a limit the mark has
   * reached. Above `before`, such a step may have deleted the latest version below `before` of a key with a
   * later version in [before, limit), whether or not this gateway's index of keys ever listed it (built after
   * the deletion, it did not): the page cannot be trusted, so the read fails (the core ends the snapshot).
   * Not too eager: once a snapshot's lease is put, every step of the topic stays below the lease's offsets
   * (the log starts on the first page, the snapshot's offsets after), and a step begun before the put used a
   * limit no higher than the cluster's high watermark then, which a snapshot opened after it has reached
   * unless its gateway's high watermark lagged: the race this is for, where a 410 is the right answer.
   */
  async #checkMark(t: TopicEntry, partition: number, before: number): Promise<void> {
    const mark = await this.#marks.read(t.inc, partition);
    if (mark > before) throw new VersionGoneError(t.name, partition, before, mark);
  }

  /**
   * The records at the offsets `ask` takes from the key index, in its order. On a compacted topic another
   * gateway's compaction may have deleted batches this gateway's index still lists (it learns of appends,
   * not of deletes): there each batch is read from the stream rather than the cache, the versions gone
   * leave the index, and the index is asked again (its next answer names older versions, or other keys).
   */
  async #versionsAt(t: TopicEntry, { log, index }: IndexedLog, ask: () => number[]): Promise<StoredRecord[]> {
    const compacted = isCompacted(t);
    for (;;) {
      const offsets = ask();
      // Fetched in offset order (each batch once), answered in the index's order.
      const byOffset = new Map((await log.recordsAt([...offsets].sort((a, b) => a - b), compacted)).map((r) => [r.offset, r]));
      const gone = offsets.filter((o) => !byOffset.has(o));
      if (!compacted || gone.length === 0) return offsets.flatMap((o) => byOffset.get(o) ?? []);
      for (const o of gone) index.dropRange(log.stream, o, o + 1);
    }
  }

  /** The partition with its ledger of deleted bytes to write to before deleting (deleted-bytes.ts). */
  #recording(t: TopicEntry, partition: number, indexed: IndexedLog): IndexedPartition {
    return { ...indexed, recordDeletion: (ranges) => this.#deleted.add(t.inc, partition, ranges, indexed.logStart) };
  }
}
