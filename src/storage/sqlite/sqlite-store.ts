/**
 * The embedded SQLite LogStore (better-sqlite3): composes one class per table family
 * (topics.ts, records.ts, time-index.ts, idempotency.ts, groups.ts) and owns the transactions
 * that span them.
 *
 * better-sqlite3 is synchronous: each method does its work inside the call and
 * returns a settled promise. That is what makes group commit cheap here: while
 * one commit (and its fsync) runs, new requests wait in the socket buffers, and
 * the core's GroupCommit hands them all to the next `append` as one transaction.
 *
 * Partition bounds and topic metadata are cached in memory (this process is the
 * only writer) and updated only after a transaction commits.
 */
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { ErrorCode, GatewayError } from '../../errors.js';
import type {
  AppendOutcome,
  AppendRequest,
  CommittedOffset,
  CompactionProgress,
  CompactionStep,
  LatestQuery,
  PartitionRecord,
  RangeStep,
  SizeLimitCut,
  EncodedRecords,
  LogStore,
  PartitionOffsets,
  ReadLimits,
  GroupChange,
  GroupLease,
  GroupLeaseClaim,
  StoredGroup,
  StoredRecord,
  TopicConfig,
  TopicMeta,
  PartitionRange,
} from '../log-store.js';
import { BACKUP_FILE_PREFIX } from '../log-store.js';
import { Appender } from './append.js';
import { Checkpointer } from './checkpointer.js';
import { SqliteCredentials } from './credentials.js';
import { SqliteSchemas } from './schemas.js';
import { DATABASE_FILE, openDatabase, probeCommit } from './database.js';
import { LOCK_FILE, lockDataDir, type DataDirLock } from './data-dir-lock.js';
import { DiskFullWatch, diskStillFull, explainOpenFailure, storeUnavailable } from './sqlite-failure.js';
import { GroupTables } from './groups.js';
import { MemoryGroupLeases } from '../memory-group-leases.js';
import { MemorySnapshotLeases } from '../memory-snapshot-leases.js';
import { IdempotencyKeys } from './idempotency.js';
import { KeyIndex, type StepDone } from './keys.js';
import { RecordReader } from './reads.js';
import { RecordTable } from './records.js';
import { StepPacer } from './step-pacer.js';
import { TimeIndex } from './time-index.js';
import { cloneMeta, TopicCatalog, type TopicState } from './topics.js';

export { DATABASE_FILE } from './database.js';

/**
 * The parts of a partition's first size count for a topic description (partitionSizes): about this long
 * each, the event loop let go between them, so describing a long partition after a start does not hold
 * the thread (and every produce commit) for a whole pass. Retention counts in its own step budget.
 */
const SIZE_COUNT_PART_MS = 5;

export interface SqliteStoreOptions {
  /** Folder for the database file; created if missing. */
  dataDir: string;
  /** See config.ts: FULL survives power loss, NORMAL survives a process crash. */
  synchronous: 'FULL' | 'NORMAL';
}

/**
 * Opens the store and holds its data directory until close (a second gateway on it is refused:
 * see data-dir-lock.ts). Failures to open say which path and what to do.
 */
export function openSqliteStore(options: SqliteStoreOptions): LogStore {
  const dir = path.resolve(options.dataDir);
  let lock: DataDirLock;
  try {
    lock = lockDataDir(dir);
  } catch (err) {
    throw explainOpenFailure(err, dir, path.join(dir, LOCK_FILE));
  }
  try {
    removeLeftoverBackups(dir);
    return new SqliteStore(options, lock);
  } catch (err) {
    lock.release();
    throw explainOpenFailure(err, dir, path.join(dir, DATABASE_FILE));
  }
}

/** Deletes backup copies a crash left in the data directory; call only while holding its lock. */
function removeLeftoverBackups(dir: string): void {
  for (const name of fs.readdirSync(dir)) {
    if (name.startsWith(BACKUP_FILE_PREFIX)) fs.rmSync(path.join(dir, name), { force: true });
  }
}

class SqliteStore implements LogStore {
  readonly #db: Database.Database;
  readonly #topics: TopicCatalog;
  readonly #records: RecordTable;
  readonly #timeIndex: TimeIndex;
  readonly #idempotency: IdempotencyKeys;
  readonly #groups: GroupTables;
  /** In memory: the data directory lock makes this process the only gateway on the file, so leases need not outlive it. */
  readonly #leases = new MemoryGroupLeases();
  readonly singleGateway = true;
  readonly #clusterLeases = new MemoryGroupLeases();
  /** In memory too, for the same reason: a snapshot does not outlive the process. */
  readonly snapshotLeases = new MemorySnapshotLeases();
  readonly #keys: KeyIndex;
  readonly #reader: RecordReader;
  readonly #appender: Appender;
  readonly #lock: DataDirLock;
  /**
   * Size compaction and retention steps by what they cost, commit included (see step-pacer.ts):
   * one each, as a record costs far more scattered by key than in a contiguous range.
   */
  readonly #pacer = new StepPacer();
  readonly #rangePacer = new StepPacer();
  readonly #diskFull: DiskFullWatch;
  /** WAL checkpoints in a worker thread, not in the produce commits on the event loop (see checkpointer.ts). */
  readonly #checkpointer: Checkpointer;
  readonly credentials: SqliteCredentials;
  readonly schemas: SqliteSchemas;
  #closed = false;

  constructor(options: SqliteStoreOptions, lock: DataDirLock) {
    const db = openDatabase(options.dataDir, options.synchronous);
    this.#db = db;
    this.#lock = lock;
    // No checkpoints while the disk is full: they would take the room the next commit needs.
    this.#diskFull = new DiskFullWatch(path.resolve(options.dataDir), (full) => (full ? this.#checkpointer.pause() : this.#checkpointer.resume()));
    // Credential writes fail as record writes do: 503 UNAVAILABLE with the reason, never a 500.
    this.credentials = new SqliteCredentials(db, (write) => this.#failsafe(write));
    this.schemas = new SqliteSchemas(db, (work) => this.#write(work));
    this.#topics = new TopicCatalog(db);
    this.#records = new RecordTable(db);
    this.#timeIndex = new TimeIndex(db);
    this.#idempotency = new IdempotencyKeys(db);
    this.#groups = new GroupTables(db);
    this.#keys = new KeyIndex(db);
    this.#reader = new RecordReader(this.#records, this.#timeIndex);
    this.#appender = new Appender({ topics: this.#topics, records: this.#records, timeIndex: this.#timeIndex, idempotency: this.#idempotency });
    this.#timeIndex.load(this.#topics.byId());
    // Last: nothing after it may fail and leave the worker running.
    this.#checkpointer = new Checkpointer(db, { file: path.join(path.resolve(options.dataDir), DATABASE_FILE), synchronous: options.synchronous });
  }

  #open(): Database.Database {
    if (this.#closed) throw new GatewayError(ErrorCode.UNAVAILABLE, 'the store is closed');
    return this.#db;
  }

  /** Runs `work` as one write transaction (BEGIN IMMEDIATE: takes the write lock up front). */
  #write<T>(work: () => T, provesRoom = false): T {
    const db = this.#open();
    return this.#failsafe(() => db.transaction(work).immediate(), provesRoom);
  }

  /**
   * The one place where a write SQLite could not commit (read-only, disk full, I/O error)
   * becomes UNAVAILABLE: 503 with Retry-After, not a 500. Every write goes through here.
   * `provesRoom`: only a committed record append ends a disk-full state; a small commit (group
   * state, an offset, a deletion) can fit in the space a rolled-back append left (DiskFullWatch).
   */
  #failsafe<T>(write: () => T, provesRoom = false): T {
    let result: T;
    try {
      result = write();
    } catch (err) {
      this.#diskFull.observe(err);
      throw storeUnavailable(err) ?? err;
    } finally {
      this.#checkpointer.wrote();
    }
    if (provesRoom) this.#diskFull.observe(undefined);
    return result;
  }

  async createTopic(name: string, partitions: number, config: TopicConfig): Promise<TopicMeta> {
    this.#open();
    this.#topics.assertAbsent(name);
    const meta: TopicMeta = { name, partitions, config: { ...config }, createdAt: Date.now() };
    const id = this.#write(() => this.#topics.insert(meta));
    this.#topics.added(id, meta);
    return cloneMeta(meta);
  }

  async listTopics(): Promise<TopicMeta[]> {
    this.#open();
    return this.#topics.list();
  }

  async getTopic(name: string): Promise<TopicMeta | undefined> {
    this.#open();
    const topic = this.#topics.find(name);
    return topic ? cloneMeta(topic.meta) : undefined;
  }

  async updateTopic(name: string, change: { partitions?: number; config?: TopicConfig }): Promise<TopicMeta> {
    this.#open();
    const topic = this.#topics.get(name);
    const meta = this.#topics.planUpdate(topic, change);
    this.#write(() => this.#topics.update(topic, meta));
    this.#topics.updated(topic, meta);
    return cloneMeta(meta);
  }

  async deleteTopic(name: string): Promise<void> {
    this.#open();
    const topic = this.#topics.get(name);
    this.#write(() => {
      this.#records.deleteTopic(topic);
      this.#timeIndex.deleteTopic(topic);
      this.#idempotency.deleteTopic(topic);
      this.#groups.deleteTopicOffsets(name);
      this.#topics.delete(topic);
    });
    this.#topics.deleted(topic);
    this.snapshotLeases.forgetTopic(name);
  }

  async append(requests: AppendRequest[]): Promise<AppendOutcome[]> {
    const started = performance.now();
    const outcomes = this.#write(() => this.#appender.write(requests), true);
    // Inserts included: a produce commit is mostly its fsync, the fixed part of any commit (step-pacer.ts).
    const ms = performance.now() - started;
    this.#pacer.appendCommitted(ms);
    this.#rangePacer.appendCommitted(ms);
    this.#appender.committed();
    return outcomes;
  }

  async read(topic: string, partition: number, fromOffset: number, limits: ReadLimits): Promise<StoredRecord[]> {
    this.#open();
    return this.#reader.read(this.#topics.get(topic), partition, fromOffset, limits);
  }

  async readEncoded(topic: string, partition: number, fromOffset: number, limits: ReadLimits): Promise<EncodedRecords | undefined> {
    this.#open();
    return this.#reader.readEncoded(this.#topics.get(topic), partition, fromOffset, limits);
  }

  async offsets(topic: string): Promise<PartitionOffsets[]> {
    this.#open();
    return this.#topics.get(topic).bounds.map((b) => ({ ...b }));
  }

  async partitionSizes(topic: string, range?: PartitionRange): Promise<number[]> {
    this.#open();
    const t = this.#topics.get(topic);
    const bounds = range ? t.bounds.slice(range.from, Math.max(range.from, range.before)) : t.bounds;
    // Counted once per partition, in parts (as retention by size does); appends and deletions keep it current.
    const sizes: number[] = [];
    for (const b of bounds) {
      const size = t.sizes[b.partition] ?? (await this.#countSize(t, b.partition, SIZE_COUNT_PART_MS));
      // The topic was deleted or made again, or a log start moved, while counting: answer as it is now.
      if (size === undefined) return this.partitionSizes(topic, range);
      sizes.push((t.sizes[b.partition] = size));
    }
    return sizes;
  }

  async offsetForTimestamp(topic: string, partition: number, timestamp: number): Promise<number | null> {
    this.#open();
    const t = this.#topics.get(topic);
    const start = this.#timeIndex.spanFor(t, partition, timestamp);
    if (start === undefined) return null;
    return this.#records.firstAtOrAfter(t, partition, start, timestamp) ?? null;
  }

  async truncateBefore(topic: string, partition: number, offset: number, budgetMs?: number): Promise<number> {
    this.#open();
    const t = this.#topics.get(topic);
    const bounds = t.bounds[partition];
    if (!bounds) return 0;
    const target = Math.min(offset, bounds.highWatermark);
    if (target <= bounds.logStartOffset) return bounds.logStartOffset;
    const size = t.sizes[partition];
    const pacer = this.#rangePacer;
    const started = performance.now();
    const deleted = this.#write(() => {
      const deleted = this.#records.deleteRange(t, partition, bounds.logStartOffset, target, {
        budgetMs,
        countBytes: size !== undefined,
        allowed: (elapsedMs, removed) => pacer.allowance(budgetMs ?? Infinity, elapsedMs, removed),
      });
      this.#timeIndex.deleteBefore(t, partition, deleted.reached);
      this.#topics.writeLogStart(t, partition, deleted.reached);
      return deleted;
    });
    // Only budgeted steps were sized by the pacer (an unbudgeted cut would skew what it learns).
    if (budgetMs !== undefined) pacer.stepCommitted(performance.now() - started - deleted.workMs, deleted.removed);
    bounds.logStartOffset = deleted.reached;
    if (size !== undefined) t.sizes[partition] = size - deleted.bytes;
    return deleted.reached;
  }

  async offsetForSizeLimit(topic: string, partition: number, maxBytes: number, budgetMs?: number): Promise<SizeLimitCut> {
    this.#open();
    const t = this.#topics.get(topic);
    const bounds = t.bounds[partition];
    if (!bounds) return { offset: 0, partial: false };
    // The first time: one pass over the partition; from then on appends and deletions keep it current.
    const size = t.sizes[partition] ?? (budgetMs === undefined ? this.#records.bytesFrom(t, partition, bounds.logStartOffset) : await this.#countSize(t, partition, budgetMs));
    // The topic or its log start changed while counting: no cut, the next pass counts again.
    if (size === undefined) return { offset: bounds.logStartOffset, partial: false };
    t.sizes[partition] = size;
    if (size <= maxBytes) return { offset: bounds.logStartOffset, partial: false };
    return this.#records.offsetDropping(t, partition, bounds.logStartOffset, size - maxBytes, budgetMs);
  }

  /**
   * A partition's first size count, in parts of about `budgetMs` with the event loop let go between them
   * (produce commits land meanwhile; the count goes on to the end as it is then), so that a long partition
   * after a restart does not hold the thread for a whole pass. Undefined when the topic was deleted or its
   * log start moved meanwhile (the count would include records no longer there).
   */
  async #countSize(t: TopicState, partition: number, budgetMs: number): Promise<number | undefined> {
    const logStart = t.bounds[partition]!.logStartOffset;
    let bytes = 0;
    let from = logStart;
    for (;;) {
      const part = this.#records.bytesFromWithin(t, partition, from, budgetMs);
      bytes += part.bytes;
      from = part.next;
      if (part.done) return bytes; // counted to the end within one synchronous part: nothing was appended unseen
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.#closed || this.#topics.find(t.meta.name) !== t || t.bounds[partition]?.logStartOffset !== logStart) return undefined;
      if (t.sizes[partition] !== undefined) return t.sizes[partition]; // another caller finished counting meanwhile
    }
  }

  async latestForKey(topic: string, key: string | Uint8Array): Promise<PartitionRecord[]> {
    this.#open();
    return this.#keys.latestForKey(this.#topics.get(topic), key);
  }

  async readLatest(topic: string, partition: number, query: LatestQuery): Promise<StoredRecord[]> {
    this.#open();
    const t = this.#topics.get(topic);
    if (partition < 0 || partition >= t.bounds.length) return [];
    return this.#keys.readLatest(t, partition, query);
  }

  async compact(topic: string, partition: number, step: CompactionStep): Promise<CompactionProgress> {
    return this.#compactStep(topic, partition, step, (t, before) => this.#keys.compact(t, partition, { ...step, before }, this.#pacer), 0, this.#pacer);
  }

  async removeTombstones(topic: string, partition: number, step: RangeStep): Promise<CompactionProgress> {
    // Never the partition's last record: a read below the high watermark must find one.
    return this.#compactStep(topic, partition, step, (t, before) => this.#keys.removeTombstones(t, partition, { ...step, before }), 1);
  }

  /** A compaction step in one write transaction over [step.from, min(step.before, high watermark - `spare`)). */
  #compactStep(
    topic: string,
    partition: number,
    step: RangeStep,
    work: (t: TopicState, before: number) => StepDone,
    spare = 0,
    /** The pacer that sized the step learns its commit's cost (tombstone removal is not paced: it would skew it). */
    pacer?: StepPacer,
  ): CompactionProgress {
    this.#open();
    const t = this.#topics.get(topic);
    const bounds = t.bounds[partition];
    if (!bounds) return { reached: step.from, removed: 0 };
    const before = Math.min(step.before, bounds.highWatermark - spare);
    if (step.from >= before) return { reached: step.from, removed: 0 };
    const started = performance.now();
    const done = this.#write(() => work(t, before));
    pacer?.stepCommitted(performance.now() - started - done.workMs, done.removed);
    const size = t.sizes[partition];
    if (size !== undefined) t.sizes[partition] = size - done.bytes;
    return { reached: done.reached, removed: done.removed };
  }

  async expireIdempotencyKeys(now: number): Promise<number> {
    this.#open();
    return this.#failsafe(() => this.#idempotency.expire(now));
  }

  async listGroups(group?: string): Promise<StoredGroup[]> {
    this.#open();
    return this.#groups.list(group);
  }

  async saveGroup(group: string, change: GroupChange): Promise<void> {
    this.#open();
    this.#leases.fence(group, change.fence);
    this.#failsafe(() => this.#groups.save(group, change));
  }

  async deleteGroup(group: string): Promise<void> {
    this.#open();
    this.#failsafe(() => this.#groups.delete(group));
  }

  async commitOffsets(
    group: string,
    offsets: Omit<CommittedOffset, 'committedAt'>[],
    committedAt: number,
    change?: GroupChange,
  ): Promise<void> {
    this.#open();
    this.#leases.fence(group, change?.fence);
    this.#failsafe(() => this.#groups.commitOffsets(group, offsets, committedAt, change));
  }

  async claimGroupLease(group: string, claim: GroupLeaseClaim): Promise<GroupLease> {
    this.#open();
    return this.#leases.claim(group, claim);
  }

  async releaseGroupLease(group: string, holder: string): Promise<void> {
    this.#open();
    this.#leases.release(group, holder);
  }

  // One process opens the data directory: it always gets the lease (kept in memory, like the groups').
  async claimClusterLease(name: string, claim: GroupLeaseClaim): Promise<GroupLease> {
    this.#open();
    return this.#clusterLeases.claim(name, claim);
  }

  async releaseClusterLease(name: string, holder: string): Promise<void> {
    this.#open();
    this.#clusterLeases.release(name, holder);
  }

  async readGroupLease(group: string): Promise<GroupLease | undefined> {
    this.#open();
    return this.#leases.read(group);
  }

  async committedOffsets(group: string): Promise<CommittedOffset[]> {
    this.#open();
    return this.#groups.committedOffsets(group);
  }

  async backup(destination: string): Promise<void> {
    const db = this.#open();
    // SQLite's online backup API (https://www.sqlite.org/backup.html) through better-sqlite3: 100
    // pages per step with a turn of the event loop between steps, so requests keep being served.
    // Writes made meanwhile go through this same connection, which SQLite carries into the copy
    // without restarting it: the copy is consistent as of its last step. (VACUUM INTO would be one
    // synchronous statement, stalling the gateway for the whole copy.)
    try {
      await db.backup(destination);
    } catch (err) {
      throw storeUnavailable(err) ?? err;
    }
  }

  async ping(): Promise<void> {
    // Readiness tells the truth only if it commits as a write would (see probeCommit).
    const db = this.#open();
    try {
      // Not through #failsafe: the probe's one page fitting proves nothing about a full disk.
      probeCommit(db);
      this.#checkpointer.wrote();
    } catch (err) {
      const unavailable = storeUnavailable(err);
      if (unavailable) throw unavailable;
      throw new GatewayError(ErrorCode.UNAVAILABLE, 'the database cannot commit', { retryAfterSeconds: 1 }, { cause: err });
    }
    if (this.#diskFull.stillFull()) throw diskStillFull();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // The checkpointer's connection first: the last connection to close checkpoints the WAL into
    // the main file and removes it. Then the directory is free.
    try {
      await this.#checkpointer.close();
      this.#db.close();
    } finally {
      this.#lock.release();
    }
  }
}
