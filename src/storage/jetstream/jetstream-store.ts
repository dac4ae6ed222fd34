/**
 * The LogStore on a NATS JetStream cluster: each partition is a replicated stream of record batches
 * (partition-log.ts); topics, groups, idempotency keys and credentials are KV entries written by
 * compare-and-set. Several gateways may share one cluster and namespace: every write is fenced by the
 * cluster (expected last sequence, revisions), never by this process's memory. open-store.ts connects it.
 *
 * Where the guarantees differ from SQLite (atomicity across partitions, what an ack means on
 * nats-server 2.9, failover pauses), docs/cluster.md says so.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import { ErrorCode, GatewayError } from '../../errors.js';
import type {
  AppendOutcome,
  AppendRequest,
  CommittedOffset,
  CompactionProgress,
  CompactionStep,
  PartitionRecord,
  ForeignAppend,
  GroupChange,
  GroupLease,
  GroupLeaseClaim,
  LatestQuery,
  LogStore,
  PartitionOffsets,
  PartitionReplicas,
  ReadLimits,
  StoredGroup,
  StoredRecord,
  TopicConfig,
  TopicMeta,
  PartitionRange,
  RangeStep,
  SizeLimitCut,
} from '../log-store.js';
import { VersionGoneError } from '../log-store.js';
import { appendFlush } from './append.js';
import { BatchCache } from './batch-cache.js';
import { toGatewayError, isStreamNotFound, StreamGoneError } from './cluster-errors.js';
import { ClusterCredentials } from './credentials.js';
import { GroupStore } from './groups.js';
import { GroupLeases } from './group-leases.js';
import { IdempotencyKeys } from './idempotency.js';
import { KeyedPartitions } from './keyed-partitions.js';
import type { KeyLister } from './kv-keys.js';
import { newIncarnation, type ClusterNames } from './names.js';
import { PartitionLog } from './partition-log.js';
import { ClusterSnapshotLeases } from './snapshot-leases.js';
import { PartitionStreams, replicaStates, type PartitionHealth } from './partition-streams.js';
import type { JetStreamStoreOptions } from './store-options.js';
import { TailFeed } from './tail-feed.js';
import { TopicCatalog, metaOf, notFound, type TopicEntry } from './topics.js';

/** Room left in each message for its headers. */
const HEADER_ROOM_BYTES = 16 * 1024;
/** Decoded batches kept for re-reads (tails, long-polls), unless the options say otherwise. */
const BATCH_CACHE_BYTES = 32 * 1024 * 1024;
/** Page cache of the key index (key-index.ts), unless the options say otherwise. */
const KEY_INDEX_CACHE_BYTES = 16 * 1024 * 1024;
/** The metadata bucket key /readyz writes (its own prefix: no topic, group or credential watcher sees it). */
const READY_PROBE_KEY = 'ready.probe';

export interface StoreParts {
  options: JetStreamStoreOptions;
  names: ClusterNames;
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  /** For creating and deleting streams (long timeouts). */
  admin: JetStreamManager;
  /** The metadata bucket. */
  meta: KV;
  /** Lists the bucket's keys as its leader knows them (kv-keys.ts). */
  keys: KeyLister;
}

export class JetStreamStore implements LogStore {
  readonly credentials: ClusterCredentials;
  readonly snapshotLeases: ClusterSnapshotLeases;
  readonly #options: JetStreamStoreOptions;
  readonly #names: ClusterNames;
  readonly #nc: NatsConnection;
  readonly #js: JetStreamClient;
  readonly #jsm: JetStreamManager;
  readonly #meta: KV;
  readonly #streams: PartitionStreams;
  readonly #topics: TopicCatalog;
  readonly #groups: GroupStore;
  readonly #leases: GroupLeases;
  readonly #clusterLeases: GroupLeases;
  readonly #idempotency: IdempotencyKeys;
  /** Retention by size, reads by key and compaction (keyed-partitions.ts). */
  readonly #keyed: KeyedPartitions;
  /** Partition logs by `<inc>/<partition>`. */
  readonly #logs = new Map<string, PartitionLog>();
  readonly #batches: BatchCache;
  readonly #feed: TailFeed;
  #closed = false;
  #probe: Promise<void> | undefined;

  constructor(parts: StoreParts) {
    this.#options = parts.options;
    this.#batches = new BatchCache(parts.options.batchCacheBytes ?? BATCH_CACHE_BYTES);
    this.#names = parts.names;
    this.#nc = parts.nc;
    this.#js = parts.js;
    this.#jsm = parts.jsm;
    this.#meta = parts.meta;
    this.#streams = new PartitionStreams(parts.admin, parts.names, parts.options.replicas, parts.options.duplicateWindowMs);
    this.#topics = new TopicCatalog(parts.meta, parts.keys);
    this.#groups = new GroupStore(parts.meta, parts.keys);
    this.#leases = new GroupLeases(parts.meta);
    this.#clusterLeases = new GroupLeases(parts.meta, 'tasks.');
    this.#idempotency = new IdempotencyKeys(parts.meta, parts.keys);
    this.#keyed = new KeyedPartitions({
      meta: parts.meta,
      jsm: parts.jsm,
      bucket: parts.names.bucket('meta'),
      keyIndexCacheBytes: parts.options.keyIndexCacheBytes ?? KEY_INDEX_CACHE_BYTES,
      log: (t, partition) => this.#log(t, partition),
    });
    this.snapshotLeases = new ClusterSnapshotLeases(
      parts.meta,
      parts.jsm,
      parts.names.bucket('meta'),
      parts.keys,
      async (name) => (this.#topics.find(name) ?? (await this.#topics.refresh(name)))?.inc,
      (work) => this.#run(work),
    );
    this.credentials = new ClusterCredentials(parts.meta, parts.keys, (work) => this.#run(work));
    this.#feed = new TailFeed({
      log: (inc, partition) => this.#logs.get(`${inc}/${partition}`),
      topicOf: (inc) => this.#topics.nameOf(inc),
    });
  }

  /** Loads the topics and follows the tail feed (batches stored by any gateway). */
  async start(): Promise<void> {
    this.#topics.onChange = (_name, entry) => {
      // A deleted or re-created topic: its old partition logs are never used again.
      for (const key of this.#logs.keys()) if (!entry || !key.startsWith(`${entry.inc}/`)) this.#dropStale(key);
    };
    await this.#topics.load();
    this.#feed.start(this.#nc, this.#names.feedWildcard);
  }

  watchForeignAppends(listener: (batch: ForeignAppend) => void): void {
    this.#feed.watchForeignAppends(listener);
  }

  countForeignAppends(counter: (topic: string, records: number) => void): void {
    this.#feed.countForeignAppends(counter);
  }

  #dropStale(key: string): void {
    const inc = key.split('/')[0]!;
    if (this.#topics.nameOf(inc) === undefined) this.#forgetLog(key);
  }

  /** A partition of a deleted topic incarnation: its log and its keys are never used again. */
  #forgetLog(key: string): void {
    const log = this.#logs.get(key);
    this.#logs.delete(key);
    const [inc, partition] = key.split('/');
    this.#keyed.forgetPartition(inc!, Number(partition), log?.stream);
  }

  /** Every call: refused once closed; cluster failures become UNAVAILABLE. */
  async #run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#closed) throw new GatewayError(ErrorCode.UNAVAILABLE, 'the store is closed');
    try {
      return await work();
    } catch (err) {
      // Not a cluster failure: the core decides what it means (LogStore.readLatest).
      if (err instanceof VersionGoneError) throw err;
      throw toGatewayError(err);
    }
  }

  /**
   * Work on one topic's streams. A stream that is missing means the topic was deleted meanwhile (its
   * entry goes before its streams): TOPIC_NOT_FOUND, as on SQLite when the deletion wins the race.
   */
  #onTopic<T>(name: string, work: (topic: TopicEntry) => Promise<T>): Promise<T> {
    return this.#run(async () => {
      const topic = await this.#topics.get(name);
      try {
        return await work(topic);
      } catch (err) {
        if ((isStreamNotFound(err) || err instanceof StreamGoneError) && (await this.#topics.refresh(name))?.inc !== topic.inc) throw notFound(name);
        throw err;
      }
    });
  }

  #log(topic: TopicEntry, partition: number): PartitionLog {
    const key = `${topic.inc}/${partition}`;
    let log = this.#logs.get(key);
    if (!log) {
      log = new PartitionLog(this.#js, this.#jsm, this.#names.stream(topic.inc, partition), this.#names.subject(topic.inc, partition), this.#options.requestTimeoutMs, this.#batches);
      this.#logs.set(key, log);
    }
    return log;
  }

  createTopic(name: string, partitions: number, config: TopicConfig): Promise<TopicMeta> {
    return this.#run(async () => {
      if (this.#topics.find(name) ?? (await this.#topics.refresh(name))) {
        throw new GatewayError(ErrorCode.TOPIC_ALREADY_EXISTS, `topic '${name}' already exists`, { topic: name });
      }
      const entry: TopicEntry = { name, partitions, config: { ...config }, createdAt: Date.now(), inc: newIncarnation(), logStart: new Array<number>(partitions).fill(0) };
      await this.#streams.create(entry.inc, 0, partitions);
      try {
        await this.#topics.create(entry);
      } catch (err) {
        await this.#streams.delete(entry.inc, 0, partitions);
        throw err;
      }
      return metaOf(entry);
    });
  }

  listTopics(): Promise<TopicMeta[]> {
    return this.#run(async () => this.#topics.list().map(metaOf));
  }

  getTopic(name: string): Promise<TopicMeta | undefined> {
    return this.#run(async () => {
      const e = this.#topics.find(name) ?? (await this.#topics.refresh(name));
      return e && metaOf(e);
    });
  }

  updateTopic(name: string, change: { partitions?: number; config?: TopicConfig }): Promise<TopicMeta> {
    return this.#run(async () => {
      const current = await this.#topics.get(name);
      const partitions = change.partitions ?? current.partitions;
      const refuse = (e: TopicEntry) =>
        new GatewayError(ErrorCode.INVALID_PARTITIONS, `topic '${name}' has ${e.partitions} partitions; the count can only grow`, {
          topic: name,
          partitions: e.partitions,
        });
      if (partitions < current.partitions) throw refuse(current);
      // New partitions' streams first: once the entry names them, they must exist.
      if (partitions > current.partitions) await this.#streams.create(current.inc, current.partitions, partitions);
      const next = await this.#topics.mutate(name, (e) => {
        if (e.inc !== current.inc) throw notFound(name);
        if (partitions < e.partitions) throw refuse(e);
        const logStart = [...e.logStart, ...new Array<number>(Math.max(0, partitions - e.partitions)).fill(0)];
        return { ...e, partitions: Math.max(partitions, e.partitions), config: { ...e.config, ...change.config }, logStart };
      });
      return metaOf(next);
    });
  }

  deleteTopic(name: string): Promise<void> {
    return this.#run(async () => {
      const entry = await this.#topics.get(name);
      if (!(await this.#topics.delete(name, entry.inc))) throw notFound(name);
      // Its streams go (their names are never used again), then every group's offsets for it.
      await this.#streams.delete(entry.inc, 0, entry.partitions);
      for (let p = 0; p < entry.partitions; p++) this.#forgetLog(`${entry.inc}/${p}`);
      await this.#groups.forgetTopic(name);
      await this.snapshotLeases.forgetTopic(entry.inc);
      await this.#keyed.forgetTopic(entry.inc);
    });
  }

  append(requests: AppendRequest[]): Promise<AppendOutcome[]> {
    return this.#run(() =>
      appendFlush(
        {
          topics: this.#topics,
          idempotency: this.#idempotency,
          log: (t, p) => this.#log(t, p),
          maxBatchBytes: this.#nc.info!.max_payload - HEADER_ROOM_BYTES,
          published: (msgId) => this.#feed.published(msgId),
          deadline: Date.now() + this.#options.produceTimeoutMs,
        },
        requests,
      ),
    );
  }

  read(topic: string, partition: number, fromOffset: number, limits: ReadLimits): Promise<StoredRecord[]> {
    return this.#onTopic(topic, async (t) => {
      if (partition < 0 || partition >= t.partitions) return [];
      return this.#log(t, partition).read(Math.max(fromOffset, t.logStart[partition]!), limits);
    });
  }

  offsets(topic: string): Promise<PartitionOffsets[]> {
    return this.#onTopic(topic, async (t) => {
      return Promise.all(
        t.logStart.map(async (logStart, partition) => {
          const { highWatermark } = await this.#log(t, partition).tail();
          return { partition, logStartOffset: Math.min(logStart, highWatermark), highWatermark };
        }),
      );
    });
  }

  partitionSizes(topic: string, range?: PartitionRange): Promise<number[]> {
    return this.#run(async () => {
      const t = await this.#topics.get(topic);
      const first = range ? Math.min(range.from, t.partitions) : 0;
      const end = range ? Math.max(first, Math.min(range.before, t.partitions)) : t.partitions;
      return Promise.all(
        Array.from({ length: end - first }, async (_, i) => {
          const partition = first + i;
          try {
            return (await this.#jsm.streams.info(this.#names.stream(t.inc, partition))).state.bytes;
          } catch (err) {
            if (isStreamNotFound(err)) return 0; // deleted with its topic meanwhile
            throw err;
          }
        }),
      );
    });
  }

  offsetForTimestamp(topic: string, partition: number, timestamp: number): Promise<number | null> {
    return this.#onTopic(topic, async (t) => {
      if (partition < 0 || partition >= t.partitions) return null;
      const log = this.#log(t, partition);
      const logStart = t.logStart[partition]!;
      const reaching = await log.firstReaching(timestamp);
      if (reaching === undefined) return null;
      const tail = await log.tail();
      const seq = Math.max(reaching, (await log.locate(logStart)) ?? reaching);
      // The first batch whose running maximum reaches the time holds the first such record from offset
      // 0; from the log start on, it is the first record at or past both.
      for (let found = await log.batchAtOrAfter(seq); found && found.seq <= tail.lastSeq; found = await log.batchAtOrAfter(found.seq + 1)) {
        for (const r of found.records) if (r.offset >= logStart && r.timestamp >= timestamp) return r.offset;
      }
      return null;
    });
  }

  truncateBefore(topic: string, partition: number, offset: number): Promise<number> {
    return this.#onTopic(topic, async (t) => {
      if (partition < 0 || partition >= t.partitions) return 0;
      const log = this.#log(t, partition);
      const { highWatermark } = await log.tail();
      const target = Math.min(offset, highWatermark);
      if (target <= t.logStart[partition]!) return t.logStart[partition]!;
      // The log start moves first, so no reader meets a gap; then the batches wholly below it go.
      const next = await this.#topics.mutate(topic, (e) => {
        if (e.inc !== t.inc) throw notFound(topic);
        const logStart = [...e.logStart];
        logStart[partition] = Math.max(logStart[partition]!, target);
        return { ...e, logStart };
      });
      const seq = await log.locate(target);
      if (seq !== undefined) await log.purgeBefore(seq);
      return next.logStart[partition]!;
    });
  }

  // By key (issue 14): keyed-partitions.ts.
  offsetForSizeLimit(topic: string, partition: number, maxBytes: number): Promise<SizeLimitCut> {
    return this.#onTopic(topic, async (t) => {
      if (partition < 0 || partition >= t.partitions) return { offset: 0, partial: false };
      return { offset: await this.#keyed.offsetForSizeLimit(t, partition, maxBytes), partial: false };
    });
  }

  latestForKey(topic: string, key: string | Uint8Array): Promise<PartitionRecord[]> {
    return this.#onTopic(topic, (t) => this.#keyed.latestForKey(t, key));
  }

  readLatest(topic: string, partition: number, query: LatestQuery): Promise<StoredRecord[]> {
    return this.#onTopic(topic, async (t) => (partition < 0 || partition >= t.partitions ? [] : this.#keyed.readLatest(t, partition, query)));
  }

  compact(topic: string, partition: number, step: CompactionStep): Promise<CompactionProgress> {
    return this.#onTopic(topic, async (t) =>
      partition < 0 || partition >= t.partitions ? { reached: step.before, removed: 0 } : this.#keyed.compact(t, partition, step),
    );
  }

  removeTombstones(topic: string, partition: number, step: RangeStep): Promise<CompactionProgress> {
    return this.#onTopic(topic, async (t) =>
      partition < 0 || partition >= t.partitions ? { reached: step.before, removed: 0 } : this.#keyed.removeTombstones(t, partition, step),
    );
  }

  expireIdempotencyKeys(now: number): Promise<number> {
    return this.#run(() => this.#idempotency.expire(now));
  }

  listGroups(group?: string): Promise<StoredGroup[]> {
    return this.#run(() => this.#groups.list(group));
  }

  saveGroup(group: string, change: GroupChange): Promise<void> {
    return this.#run(() => this.#groups.save(group, change));
  }

  deleteGroup(group: string): Promise<void> {
    return this.#run(() => this.#groups.delete(group));
  }

  commitOffsets(group: string, offsets: Omit<CommittedOffset, 'committedAt'>[], committedAt: number, change?: GroupChange): Promise<void> {
    return this.#run(() => this.#groups.commit(group, offsets, committedAt, change));
  }

  committedOffsets(group: string): Promise<CommittedOffset[]> {
    return this.#run(() => this.#groups.committed(group));
  }

  claimGroupLease(group: string, claim: GroupLeaseClaim): Promise<GroupLease> {
    return this.#run(() => this.#leases.claim(group, claim));
  }

  releaseGroupLease(group: string, holder: string): Promise<void> {
    return this.#run(() => this.#leases.release(group, holder));
  }

  claimClusterLease(name: string, claim: GroupLeaseClaim): Promise<GroupLease> {
    return this.#run(() => this.#clusterLeases.claim(name, claim));
  }

  releaseClusterLease(name: string, holder: string): Promise<void> {
    return this.#run(() => this.#clusterLeases.release(name, holder));
  }

  readGroupLease(group: string): Promise<GroupLease | undefined> {
    return this.#run(async () => (await this.#leases.read(group)).lease);
  }

  /**
   * Ready when the cluster stores a write: a put of one probe key in the metadata bucket, acknowledged
   * only once a quorum of its replicas has it. Reads (account or stream info) are not enough: a node
   * that has lost its peers answers them for up to ~10 s before Raft notices the quorum is gone.
   * Concurrent probes share one put.
   */
  ping(): Promise<void> {
    this.#probe ??= this.#run(async () => {
      await this.#meta.put(READY_PROBE_KEY, String(Date.now()));
    }).finally(() => {
      this.#probe = undefined;
    });
    return this.#probe;
  }

  /** The state of every partition's replicas, from the cluster (for /readyz and the failover tests). */
  partitionHealth(topic: string): Promise<PartitionHealth[]> {
    return this.#run(async () => {
      const t = await this.#topics.get(topic);
      return this.#streams.health(t.inc, t.partitions, this.#jsm);
    });
  }

  replicaStatus(topic?: string): Promise<PartitionReplicas[]> {
    return this.#run(async () => {
      const entries = topic === undefined ? this.#topics.list() : [await this.#topics.get(topic)];
      const infos = await this.#streams.infos(topic === undefined ? undefined : entries[0]!.inc);
      return entries.flatMap((t) =>
        Array.from({ length: t.partitions }, (_, partition) => {
          const info = infos.get(this.#names.stream(t.inc, partition));
          return { topic: t.name, partition, replicas: info?.config.num_replicas ?? this.#options.replicas, nodes: info ? replicaStates(info) : [] };
        }),
      );
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#topics.stop();
    this.#feed.stop();
    this.#keyed.close();
    await this.#nc.close().catch(() => undefined);
  }
}
