/**
 * The storage contract. The core talks to storage only through this interface,
 * so a second backend (a NATS JetStream cluster is planned) can replace SQLite
 * without touching the core or the transports. Every method is asynchronous
 * because that backend will be reached over the network; nothing here exposes
 * a database handle, a transaction or an SQL type.
 *
 * Offsets and timestamps are JavaScript numbers: exact up to 2^53 - 1, which at
 * a million records a second lasts 285 years per partition.
 *
 * Any implementation must pass test/storage/log-store.conformance.ts.
 */
import type { CredentialStore } from './credential-store.js';
import type { SchemaStore } from './schema-store.js';
import type { SnapshotLeaseStore } from './snapshot-lease-store.js';

/** Per-topic settings a client may set. Absent fields take the gateway's defaults. */
export interface TopicConfig {
  /** Records older than this (by timestamp) are deleted by retention. null: keep forever. */
  retentionMs?: number | null;
  /** Per partition: once its records (keys, values, headers) pass this many bytes, the oldest go. null: no limit. */
  retentionBytes?: number | null;
  /** Kafka's cleanup.policy: `delete` (retention only, the default), `compact`, or both. */
  cleanupPolicy?: CleanupPolicy;
  /** How long a tombstone stays readable after compaction reached it (Kafka's delete.retention.ms). */
  deleteRetentionMs?: number;
  /** A record younger than this (by its timestamp) is never compacted away (Kafka's min.compaction.lag.ms). */
  minCompactionLagMs?: number;
  /** Records' values must match the latest schema of the subject `<topic>-value` (see core/schemas). */
  valueSchemaValidation?: boolean;
  /** Records' keys must match the latest schema of the subject `<topic>-key`. */
  keySchemaValidation?: boolean;
}

export const CleanupPolicy = { delete: 'delete', compact: 'compact', compactDelete: 'compact,delete' } as const;
export type CleanupPolicy = (typeof CleanupPolicy)[keyof typeof CleanupPolicy];

/** A record with a key whose value is JSON null: it deletes its key (Kafka's tombstone). */
export const TOMBSTONE_VALUE = 'null';

/** A stored record and the partition it is in. */
export interface PartitionRecord extends StoredRecord {
  partition: number;
}

/** A range of offsets [from, before) worked through in time-budgeted steps. */
export interface RangeStep {
  from: number;
  before: number;
  /** Stop after about this long (having done some of the range); the caller calls again from `reached`. */
  budgetMs: number;
}

/** One compaction step over one partition (see LogStore.compact): the range's records supersede. */
export interface CompactionStep extends RangeStep {
  /** Only records whose timestamp is at most this go (minCompactionLagMs). */
  maxTimestamp: number;
}

export interface CompactionProgress {
  /** The range was done up to this offset. */
  reached: number;
  /** Records deleted by this step. */
  removed: number;
}

/**
 * readLatest could not answer as of `before`: the partition was compacted with a limit (`mark`) above it, so
 * the latest version below `before` of a key with a later version may be gone (compaction run past a
 * snapshot's offsets: on the JetStream store, by another gateway; see jetstream/compaction-marks.ts).
 * Leaving the key out or answering an older version would both be wrong, so the store says so; the core ends
 * the snapshot.
 */
export class VersionGoneError extends Error {
  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly before: number,
    readonly mark: number,
  ) {
    super(`'${topic}' partition ${partition} was compacted below offset ${mark}, past the offset ${before} a read was as of: versions it needed may be gone`);
  }
}

/** Where a page of a partition's latest records per key starts and stops (see LogStore.readLatest). */
export interface LatestQuery {
  /** Only records below this offset count: the latest per key is the latest below it. */
  before: number;
  /** Keys after this one in key order; undefined starts at the first key. */
  afterKey?: string | Uint8Array;
  /** Most records to return. */
  limit: number;
}

export interface TopicMeta {
  name: string;
  partitions: number;
  config: TopicConfig;
  /** Epoch ms. */
  createdAt: number;
}

/** Partitions [from, before). */
export interface PartitionRange {
  from: number;
  before: number;
}

/** Kafka's per-partition bounds. */
export interface PartitionOffsets {
  partition: number;
  /** First offset still stored (moves forward with retention). */
  logStartOffset: number;
  /** The next offset to be written; also the count of records ever appended. */
  highWatermark: number;
}

/**
 * A record as stored and read back.
 * - `key`: a string is a UTF-8 text key; bytes are a binary key; null is no key.
 * - `value`: a string is the JSON text of a JSON value; bytes are a binary value.
 * - `headers`: the JSON text of an object of string values, or null when there are none.
 * Keeping JSON as text lets readers splice it into responses without parsing it again.
 */
export interface StoredRecord {
  offset: number;
  timestamp: number;
  key: string | Uint8Array | null;
  value: string | Uint8Array;
  headers: string | null;
}

/** A record ready to append: the partition and timestamp are already chosen. */
export interface RecordToAppend {
  partition: number;
  timestamp: number;
  key: string | Uint8Array | null;
  value: string | Uint8Array;
  headers: string | null;
}

/** Where one appended record landed. */
export interface RecordPosition {
  partition: number;
  offset: number;
  timestamp: number;
}

/** One produce request: all of its records are appended, or none. */
export interface AppendRequest {
  topic: string;
  records: RecordToAppend[];
  /**
   * When set, the request is remembered under this key (per topic) in the same
   * transaction as its records; a later request with the same key and
   * fingerprint before `expiresAt` is answered from memory and appends nothing.
   * `now` is this request's time by the core's clock: a remembered key counts while
   * `now < expiresAt` (the store must not use its own clock, or the window would be
   * measured by two clocks).
   */
  idempotency?: { key: string; fingerprint: string; expiresAt: number; now: number };
}

export type AppendOutcome =
  | { status: 'appended'; positions: RecordPosition[] }
  /** An earlier request with the same Idempotency-Key was appended: its positions. */
  | { status: 'replayed'; positions: RecordPosition[] }
  /** Same Idempotency-Key, different content. Nothing appended. */
  | { status: 'key-reused' }
  /** The topic vanished or a partition is out of range. Nothing appended. */
  | { status: 'rejected'; reason: 'topic-not-found' | 'partition-not-found' };

export interface ReadLimits {
  /** Most records to return. */
  maxRecords: number;
  /**
   * Soft byte budget over keys, values and headers: reading stops before the record
   * that would pass it, except that the first record is always returned (as Kafka does,
   * so that one oversized record cannot stall a consumer).
   */
  maxBytes: number;
}

/**
 * Records of one partition already encoded as delivered records (the JSON wire format
 * defined in core/record-codec.ts): the elements of a JSON array, without the brackets.
 */
export interface EncodedRecords {
  /** UTF-8 JSON of the records, comma-separated; empty when `count` is 0. */
  json: Uint8Array;
  count: number;
  /** The offset after the last record; the offset read from when there is none. */
  nextOffset: number;
}

/** Records another gateway appended to one partition (see LogStore.watchForeignAppends). */
export interface ForeignAppend {
  topic: string;
  partition: number;
  /** Dense, in offset order. */
  records: StoredRecord[];
  /** The partition's high watermark after them. */
  highWatermark: number;
}

/** A group's committed position in one partition (Kafka: the next offset to read). */
export interface CommittedOffset {
  topic: string;
  partition: number;
  offset: number;
  /** Epoch ms of the commit. */
  committedAt: number;
}

/**
 * A consumer group's coordinator state, opaque to storage (the coordinator owns its shape), kept in
 * pieces so that a change writes only what changed: one group-wide part and one part per member.
 */
export interface StoredGroup {
  group: string;
  /** The group-wide part; null for a group that has only committed offsets. */
  state: unknown;
  /** Each stored member's part, in no particular order. */
  members: { memberId: string; state: unknown }[];
}

/** One durable change to a group's stored state. Parts not named are left as they are. */
export interface GroupChange {
  /** Replaces the group-wide part. */
  state?: unknown;
  /** Inserts or replaces these members' parts. */
  members?: { memberId: string; state: unknown }[];
  /** Deletes these members' parts (an id not stored is ignored). */
  removedMembers?: string[];
  /**
   * The writer's coordinator lease epoch (GroupLease.epoch): the change is refused with NOT_COORDINATOR,
   * storing nothing, when the group was written with a higher one, so a deposed coordinator cannot
   * overwrite its successor. Stored (the highest seen) even when the change names nothing else.
   */
  fence?: number;
}

/** Who coordinates a consumer group (see LogStore.claimGroupLease). */
export interface GroupLease {
  /** The holder's id (one per gateway process). */
  holder: string;
  /** Where the holder takes requests for the group (its advertised URL); empty when it advertises none. */
  address: string;
  /** Grows by one each time the lease passes to another holder: the fence of the holder's writes. */
  epoch: number;
  /** Epoch ms by the claimants' clocks: after it, another may take the lease. */
  expiresAt: number;
}

/** A claim of a group's coordinator lease. */
export interface GroupLeaseClaim {
  holder: string;
  address: string;
  ttlMs: number;
  /** The claimant's clock (as for idempotency keys, the store uses no clock of its own). */
  now: number;
}

/** One node's copy of a partition, as the partition's leader reports it (see LogStore.replicaStatus). */
export interface ReplicaState {
  /** The node's name. */
  node: string;
  leader: boolean;
  /** The leader's word that the node's log is caught up (the leader's own copy: always). */
  current: boolean;
  /** Operations the node is behind the leader, by the leader's count (0 for the leader). */
  lag: number;
  /** The leader counts the node as gone. */
  offline: boolean;
}

/** A partition's replicas as its leader reports them; no replicas when no leader answered. */
export interface PartitionReplicas {
  topic: string;
  partition: number;
  /** The replication factor configured. */
  replicas: number;
  /** The leader first, then the followers; empty when the partition has no leader (none answered). */
  nodes: ReplicaState[];
}

/**
 * Temporary backup copies in a data directory are named with this prefix. A copy the process was
 * still writing when it died stays behind; a store removes such leftovers when it takes the
 * data directory (only the directory's holder can be writing one).
 */
export const BACKUP_FILE_PREFIX = '.backup-';

/**
 * The optional operations of issue 14 (retention by size, compaction, the table view): a store has all or
 * none. Both stores have all five (the JetStream store compacts whole appended batches: see its compaction.ts).
 */
/** LogStore.offsetForSizeLimit's answer. */
export interface SizeLimitCut {
  offset: number;
  /** The budget ran out before the full cut was found (`offset` is on the way to it). */
  partial: boolean;
}

export type KeyOperations = 'offsetForSizeLimit' | 'latestForKey' | 'readLatest' | 'compact' | 'removeTombstones';
export type KeyedLogStore = LogStore & Required<Pick<LogStore, KeyOperations>>;

/** Whether the store has the key operations. */
export function hasKeyOperations(store: LogStore): store is KeyedLogStore {
  const keyed = store as Partial<KeyedLogStore>;
  return [keyed.offsetForSizeLimit, keyed.latestForKey, keyed.readLatest, keyed.compact, keyed.removeTombstones].every((op) => op !== undefined);
}

export interface LogStore {
  // --- topics ---
  /** Throws GatewayError TOPIC_ALREADY_EXISTS. */
  createTopic(name: string, partitions: number, config: TopicConfig): Promise<TopicMeta>;
  listTopics(): Promise<TopicMeta[]>;
  getTopic(name: string): Promise<TopicMeta | undefined>;
  /** Raise the partition count and/or replace config fields. Throws TOPIC_NOT_FOUND, INVALID_PARTITIONS. */
  updateTopic(name: string, change: { partitions?: number; config?: TopicConfig }): Promise<TopicMeta>;
  /** Deletes the topic, its records, its idempotency keys, every group's offsets for it and its snapshot leases. Throws TOPIC_NOT_FOUND. */
  deleteTopic(name: string): Promise<void>;

  // --- the log ---
  /**
   * Appends several independent requests in ONE durable commit (group commit).
   * Each request is atomic on its own; one request's rejection does not affect the
   * others. Offsets are dense per partition, in request order then record order.
   * Resolves only once the commit is on disk; rejects (appending nothing) if it cannot be.
   */
  append(requests: AppendRequest[]): Promise<AppendOutcome[]>;
  /** Records at offsets >= `fromOffset`, in offset order, within the limits. */
  read(topic: string, partition: number, fromOffset: number, limits: ReadLimits): Promise<StoredRecord[]>;
  /**
   * Optional: the records `read` would return, already encoded, for a backend that can
   * build the JSON without a JS object and string per record (SQLite builds it in C,
   * which is what lets catch-up reads keep pace with the raw read rate). Resolves
   * undefined when it cannot for these limits; the core then encodes `read`'s records.
   * Must parse to exactly what core/record-codec.ts makes of `read`'s records.
   */
  readEncoded?(topic: string, partition: number, fromOffset: number, limits: ReadLimits): Promise<EncodedRecords | undefined>;
  /** Bounds of every partition of a topic, indexed by partition. Throws TOPIC_NOT_FOUND. */
  offsets(topic: string): Promise<PartitionOffsets[]>;
  /**
   * The bytes each partition of a topic holds, indexed by partition (a topic's size is their sum).
   * The SQLite store answers exactly the keys, values and headers of the records from the log start on
   * (what retentionBytes limits); a store whose storage adds framing answers what it stores, which is at
   * least that: the JetStream store answers its streams' bytes (batch framing, message headers and
   * subjects, and a batch only partly below the log start counted whole). With `range`, only partitions
   * [from, before) (clamped to the partition count), so a page of partitions costs the page. Throws TOPIC_NOT_FOUND.
   */
  partitionSizes(topic: string, range?: PartitionRange): Promise<number[]>;
  /** First offset whose timestamp is >= `timestamp` (Kafka's ListOffsets), or null when none is. */
  offsetForTimestamp(topic: string, partition: number, timestamp: number): Promise<number | null>;
  /**
   * Deletes records below `offset` (clamped to the high watermark) and advances the log start
   * offset (retention, DeleteRecords); never moves it backwards. Resolves with the log start offset
   * reached. With `budgetMs` the store stops once it has spent about that long (after deleting at
   * least one record), so the offset reached may be below `offset`: the caller calls again to go on,
   * letting other writes in between. Records at or above `offset` are never deleted.
   */
  truncateBefore(topic: string, partition: number, offset: number, budgetMs?: number): Promise<number>;
  /**
   * Retention by size (Kafka's retention.bytes): an offset below which records may be deleted to bring
   * the partition's records (keys, values, headers) to at most `maxBytes`; the log start offset when
   * they are already. With `budgetMs` it may stop short of the full cut, and then says so (`partial`: the
   * caller truncates and asks again); without, it never does.
   */
  offsetForSizeLimit?(topic: string, partition: number, maxBytes: number, budgetMs?: number): Promise<SizeLimitCut>;

  // --- keys (compaction and the table view) ---
  // Optional: a store without them serves no retention by size, no compaction and no table view; a
  // store with them implements all five and passes test/storage/keys.conformance.ts.
  /**
   * The latest record of `key` in each partition that holds one (usually one), tombstones included.
   * From an index: the cost does not grow with the partitions' length (except, on the JetStream store, a
   * gateway's first read by key of a partition, which derives its index from the log). Keys compare by kind
   * and bytes: a text key and a binary key are never the same key. Throws TOPIC_NOT_FOUND.
   */
  latestForKey?(topic: string, key: string | Uint8Array): Promise<PartitionRecord[]>;
  /**
   * A page of the partition's latest record per key among records below `query.before`, tombstoned keys
   * left out, in key order: text keys before binary keys, each by their bytes (UTF-8 for text). Paging
   * by `afterKey` (the last key returned) visits every key once. Keyless records are not in it.
   * Throws VersionGoneError when a key's latest version below `before` was compacted away meanwhile (a
   * store whose compaction can run past a snapshot's offsets: the JetStream store, see docs/cluster.md).
   */
  readLatest?(topic: string, partition: number, query: LatestQuery): Promise<StoredRecord[]>;
  /**
   * One compaction step: for each keyed record at an offset in [step.from, step.before), deletes the
   * older records of its key whose timestamp is at most `step.maxTimestamp`. Only the latest version
   * of a key below `before` survives, so a version newer than `before` (written after a snapshot's
   * offsets, say) never removes one below it. Never changes an offset or the log start offset.
   * A step may stop before finishing the records at `from` (`reached` = `from` with `removed` > 0):
   * their keys had more old versions than one step deletes; the caller calls again from `reached`.
   * The JetStream store deletes only whole appended batches: a superseded record in a batch with a record
   * that stays, stays too (Kafka's guarantee, the latest per key kept, holds either way).
   */
  compact?(topic: string, partition: number, step: CompactionStep): Promise<CompactionProgress>;
  /**
   * Deletes tombstones in [step.from, step.before) that are their key's latest record and have no older
   * record of their key left, never the partition's last record (so a read below the high watermark
   * always finds one). In steps, as `compact`.
   */
  removeTombstones?(topic: string, partition: number, step: RangeStep): Promise<CompactionProgress>;

  /** Forgets idempotency keys that expired before `now`. */
  expireIdempotencyKeys(now: number): Promise<number>;

  // --- consumer groups ---
  /** Every group that has stored state or committed offsets; with `group`, only that one (at most one element). */
  listGroups(group?: string): Promise<StoredGroup[]>;
  /**
   * Applies one change to a group's state in one durable commit (like records): all of it or none.
   * The cost is meant to be that of the parts named, not of the group (a heartbeat rewrites one member).
   * A member's part is only listed for a group that has a group-wide part.
   */
  saveGroup(group: string, change: GroupChange): Promise<void>;
  /** Forgets a group's state (group-wide and every member's) and all its committed offsets. */
  deleteGroup(group: string): Promise<void>;
  /**
   * Stores committed offsets, and optionally a change to the group's state, in one commit.
   * Offsets are validated by the caller.
   */
  commitOffsets(group: string, offsets: Omit<CommittedOffset, 'committedAt'>[], committedAt: number, change?: GroupChange): Promise<void>;
  committedOffsets(group: string): Promise<CommittedOffset[]>;
  /**
   * Takes or renews the group's coordinator lease, atomically: when no one holds it, it expired
   * (`expiresAt <= claim.now`) or `claim.holder` holds it, the claimant gets it until `now + ttlMs`
   * (the epoch grows by one when the holder changes); otherwise the current lease is returned unchanged.
   * Resolves with the lease as it stands; the caller holds it when `holder` is its own. A group's lease
   * outlives deleteGroup, so epochs never go back. One gateway per store (SQLite) always gets it.
   */
  claimGroupLease(group: string, claim: GroupLeaseClaim): Promise<GroupLease>;
  /** Lets the lease go at once (expiresAt 0, epoch kept) if `holder` holds it: a stopping gateway hands over without waiting. */
  releaseGroupLease(group: string, holder: string): Promise<void>;
  /**
   * A lease on work one gateway of a cluster does at a time (cleanup: retention and key expiry), by name:
   * the rule of claimGroupLease, in a space of its own (a name never meets a group's lease).
   */
  claimClusterLease(name: string, claim: GroupLeaseClaim): Promise<GroupLease>;
  /** Lets a cluster lease go at once if `holder` holds it (see releaseGroupLease). */
  releaseClusterLease(name: string, holder: string): Promise<void>;
  /**
   * The group's lease as it stands (undefined when none was ever claimed), writing nothing: who coordinates a
   * group can be asked about any name without leaving anything behind.
   */
  readGroupLease(group: string): Promise<GroupLease | undefined>;
  /**
   * True when only one gateway process can open the store at a time (SQLite: the data directory lock): a lease
   * it takes never needs renewing. Absent or false: several gateways may share it (a cluster).
   */
  readonly singleGateway?: boolean;

  // --- security ---
  /** API keys and secrets, kept beside the log (see credential-store.ts). */
  readonly credentials: CredentialStore;
  // --- the table view ---
  /** Open snapshots' leases, seen by every gateway of the store (see snapshot-lease-store.ts). */
  readonly snapshotLeases: SnapshotLeaseStore;
  // --- schema registry ---
  /**
   * Optional: the schema registry's store (see schema-store.ts). A store without it serves no
   * registry: /registry answers 503 and no topic can be bound to a schema.
   */
  readonly schemas?: SchemaStore;
  // --- several gateways on one store ---
  /**
   * Optional, for a store that other gateway processes write too (a cluster): calls `listener` with
   * the records they append, in offset order per partition, so that this gateway's long-polls and
   * sockets hear of them. Appends made through this store are not reported (the core publishes those).
   */
  watchForeignAppends?(listener: (batch: ForeignAppend) => void): void;
  /**
   * Optional, with watchForeignAppends: tells `counter` of every batch another gateway appends to any
   * partition of any topic (its topic and record count, no records fetched), as far as this gateway hears
   * of them (at most once). Cleanup's pacing counts them: its deletes load the cluster theirs go to.
   */
  countForeignAppends?(counter: (topic: string, records: number) => void): void;
  // --- operations ---
  /**
   * Optional, for a replicated store: every partition's replicas (with `topic`, that topic's; throws TOPIC_NOT_FOUND),
   * as each partition's leader reports them. One call costs the cluster a few requests, not one per partition.
   */
  replicaStatus?(topic?: string): Promise<PartitionReplicas[]>;
  /**
   * Optional: writes a consistent copy of everything stored to `destination` (a new file) while
   * the store keeps serving. The SQLite store writes a SQLite database: to restore, it becomes
   * logway.db. A store without it cannot be backed up through the gateway.
   */
  backup?(destination: string): Promise<void>;

  // --- lifecycle ---
  /** Resolves when the store can read and write (readiness probe). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
