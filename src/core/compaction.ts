/**
 * Log compaction (Kafka's cleanup.policy=compact): in a compacted partition, a record goes once a
 * later record of its key exists and it is older than minCompactionLagMs; a tombstone (a keyed record
 * with a null value) goes deleteRetentionMs after compaction reached it. Offsets never change: a
 * compacted partition has gaps, which reads skip.
 *
 * Each pass works only on what was appended since the previous one (the "dirty" range): the store
 * deletes the older versions of the keys written there, through its key index, in time-budgeted steps
 * with the pending produce commits let in between (as retention). Where each partition was cleaned up
 * to, and when, is kept in memory: after a restart the first pass goes over each partition once
 * more, and tombstones reached before the restart wait deleteRetentionMs again (never less).
 */
import { hasKeyOperations, type KeyedLogStore, type LogStore, type PartitionOffsets, type TopicMeta } from '../storage/log-store.js';
import { deleteRetentionMs, minCompactionLagMs } from './cleanup-policy.js';
import type { SnapshotLeases } from './snapshot-leases.js';

/**
 * Most "reached at" marks kept per partition. Past it one mark goes (see thinMarks): its tombstones
 * are then dated by the next mark (later, never earlier).
 */
const MAX_MARKS = 32;

interface PartitionProgress {
  /** Compaction has handled the records below this offset. */
  cleanedTo: number;
  /** Tombstones below this offset were considered for removal. */
  tombstonesTo: number;
  /** Compaction reached the offsets below this at least deleteRetentionMs ago: their tombstones may go. */
  expiredTo: number;
  /** When compaction reached each offset, oldest first: a tombstone below `offset` was reached by `at`. */
  marks: { offset: number; at: number }[];
}

export interface CompactionDeps {
  store: LogStore;
  leases: SnapshotLeases;
  stepMs: number;
  /**
   * Runs one delete step as Retention runs its own: after the pending produce commits, then paced
   * (cleanup-pacing.ts); undefined, without running it, once the gateway is stopping.
   */
  step: <T extends { removed: number }>(work: () => Promise<T>) => Promise<T | undefined>;
  /** True once the gateway is shutting down: a pass ends after its current step (the next gateway's first pass goes on). */
  stopped: () => boolean;
}

export class Compaction {
  readonly #deps: CompactionDeps;
  /** By topic name (and creation time: a topic deleted and made again starts over), then partition. */
  readonly #progress = new Map<string, { createdAt: number; partitions: Map<number, PartitionProgress> }>();

  constructor(deps: CompactionDeps) {
    this.#deps = deps;
  }

  /** One pass over a compacted topic. Returns the records deleted. */
  async compactTopic(topic: TopicMeta, now: number): Promise<number> {
    const { store } = this.#deps;
    if (!hasKeyOperations(store)) return 0; // a store without compaction (see LogStore)
    let removed = 0;
    let known = this.#progress.get(topic.name);
    if (known?.createdAt !== topic.createdAt) this.#progress.set(topic.name, (known = { createdAt: topic.createdAt, partitions: new Map() }));
    for (const bounds of await store.offsets(topic.name)) {
      if (this.#deps.stopped()) break;
      let progress = known.partitions.get(bounds.partition);
      if (!progress) known.partitions.set(bounds.partition, (progress = { cleanedTo: 0, tombstonesTo: 0, expiredTo: 0, marks: [] }));
      removed += await this.#compactPartition(store, topic, bounds, progress, now);
      removed += await this.#removeTombstones(store, topic, bounds, progress, now);
    }
    return removed;
  }

  /** Drops the progress of topics no longer compacted or gone. */
  forgetExcept(compacted: ReadonlySet<string>): void {
    for (const name of this.#progress.keys()) if (!compacted.has(name)) this.#progress.delete(name);
  }

  async #compactPartition(store: KeyedLogStore, topic: TopicMeta, bounds: PartitionOffsets, progress: PartitionProgress, now: number): Promise<number> {
    const { leases } = this.#deps;
    const partition = bounds.partition;
    const lagMs = minCompactionLagMs(topic.config);
    const maxTimestamp = lagMs > 0 ? now - lagMs : Number.MAX_SAFE_INTEGER;
    // Records younger than the lag are not handled yet (the dirty range stops before the first of them),
    // so their keys' older versions are handled once they are old enough.
    const young = lagMs > 0 ? ((await store.offsetForTimestamp(topic.name, partition, maxTimestamp + 1)) ?? bounds.highWatermark) : Infinity;
    // The open snapshots are read as each step begins, not here: a partition with nothing new costs no
    // listing of them (on a cluster, a KV listing and a read per lease).
    let before = Math.min(bounds.highWatermark, young);
    let from = Math.max(progress.cleanedTo, bounds.logStartOffset);
    if (from >= before) return 0;
    let removed = 0;
    while (from < before) {
      const step = await this.#deps.step(async () => {
        // The open snapshots again, read from the store as the step begins: on a cluster they are opened on
        // any gateway, and a lease put before this read is honoured by this step (snapshots.ts: #open).
        before = Math.min(before, await leases.horizon(topic.name, partition));
        if (from >= before) return { reached: from, removed: 0 };
        return store.compact(topic.name, partition, { from, before, maxTimestamp, budgetMs: this.#deps.stepMs });
      });
      if (!step) break;
      removed += step.removed;
      // No progress and nothing removed: the topic changed under us (deleted, say): the next pass sees.
      // (A step may end inside a chunk of keys with many old versions: it removed some, the rest comes next.)
      if (step.reached <= from && step.removed === 0) break;
      from = step.reached;
    }
    progress.cleanedTo = from;
    progress.marks.push({ offset: from, at: now });
    if (progress.marks.length > MAX_MARKS) thinMarks(progress.marks);
    return removed;
  }

  async #removeTombstones(store: KeyedLogStore, topic: TopicMeta, bounds: PartitionOffsets, progress: PartitionProgress, now: number): Promise<number> {
    const reachedBy = now - deleteRetentionMs(topic.config);
    while (progress.marks.length > 0 && progress.marks[0]!.at <= reachedBy) progress.expiredTo = progress.marks.shift()!.offset;
    const before = progress.expiredTo;
    let from = Math.max(progress.tombstonesTo, bounds.logStartOffset);
    let removed = 0;
    while (from < before) {
      const step = await this.#deps.step(() => store.removeTombstones(topic.name, bounds.partition, { from, before, budgetMs: this.#deps.stepMs }));
      if (!step) break;
      removed += step.removed;
      // Nothing removed and no progress: the partition's last record (kept) or nothing left: again next pass.
      // (A step out of time may stop inside a chunk it removed some of, as compaction's may.)
      if (step.reached <= from && step.removed === 0) break;
      from = step.reached;
    }
    progress.tombstonesTo = from;
    return removed;
  }
}

/**
 * Drops the inner mark whose neighbours are closest in time, so the marks keep spanning the whole
 * time since the oldest. Dropping the oldest instead would leave every mark at most MAX_MARKS passes
 * old: with appends between passes and deleteRetentionMs longer than MAX_MARKS passes (the defaults:
 * 24 h, passes every minute), no mark would ever be old enough and no tombstone would ever go.
 */
function thinMarks(marks: { offset: number; at: number }[]): void {
  let drop = 1;
  for (let i = 2; i < marks.length - 1; i++) if (marks[i + 1]!.at - marks[i - 1]!.at < marks[drop + 1]!.at - marks[drop - 1]!.at) drop = i;
  marks.splice(drop, 1);
}
