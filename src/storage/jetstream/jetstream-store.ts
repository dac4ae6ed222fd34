/**
 * The LogStore on a NATS JetStream cluster: each partition is a replicated stream of record batches
 * (partition-log.ts); topics, groups, idempotency keys and credentials are KV buckets written by
 * compare-and-set. Several gateways may share one cluster and namespace: every write is fenced by the
 * cluster (expected last sequence, revisions), never by this process's memory.
 *
 * Where the guarantees differ from SQLite (atomicity across partitions, what an ack means on
 * nats-server 2.9, failover pauses), docs/cluster.md says so.
 */
import { connect, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager, type StreamConfig } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { nanos } from '@nats-io/transport-node';
import { ErrorCode, GatewayError } from '../../errors.js';
import type {
  AppendOutcome,
  AppendRequest,
  CommittedOffset,
  CompactionProgress,
  PartitionRecord,
  ForeignAppend,
  GroupChange,
  LogStore,
  PartitionOffsets,
  ReadLimits,
  StoredGroup,
  StoredRecord,
  TopicConfig,
  TopicMeta,
  PartitionRange,
} from '../log-store.js';
import { appendFlush } from './append.js';
import { BatchCache } from './batch-cache.js';
import { batchHeader } from './partition-log.js';
import { toGatewayError, isStreamNotFound } from './cluster-errors.js';
import { ClusterCredentials } from './credentials.js';
import { GroupStore } from './groups.js';
import { IdempotencyKeys } from './idempotency.js';
import { ClusterNames, newIncarnation } from './names.js';
import { PartitionLog } from './partition-log.js';
import { TopicCatalog, metaOf, notFound, type TopicEntry } from './topics.js';

function unsupported(what: string): never {
  throw new GatewayError(ErrorCode.NOT_SUPPORTED, `${what} is not available on the JetStream store yet (see docs/cluster.md)`);
}

/** Refuses topic settings this store cannot honour (see the compaction methods below). */
function checkSupported(config: TopicConfig | undefined): void {
  if (!config) return;
  const refuse = (field: string, why: string) => {
    throw new GatewayError(ErrorCode.NOT_SUPPORTED, `config.${field}: ${why} is not available on the JetStream store yet (see docs/cluster.md)`, { field: `config.${field}` });
  };
  if (config.retentionBytes !== undefined && config.retentionBytes !== null) refuse('retentionBytes', 'retention by size');
  if (config.cleanupPolicy !== undefined && config.cleanupPolicy !== 'delete') refuse('cleanupPolicy', 'compaction');
}

export interface JetStreamStoreOptions {
  /** nats:// URLs of the cluster's nodes (any of them is enough to connect; the client learns the rest). */
  servers: string[];
  /** Prefix of every stream and bucket this store uses. */
  namespace: string;
  /** Replicas of every stream and bucket (3 survives one node's loss). */
  replicas: number;
  /** How long one request to the cluster may take before it is retried or fails. */
  requestTimeoutMs: number;
  /** A produce that cannot be stored within this fails with UNAVAILABLE (503 + Retry-After). */
  produceTimeoutMs: number;
  /** How long the server remembers message ids to drop a retried batch (stream duplicate_window). */
  duplicateWindowMs: number;
  user?: string;
  pass?: string;
  token?: string;
  /** TLS: a CA file to verify the servers by (turns TLS on). */
  tlsCaFile?: string;
  /** A name shown in the servers' connection lists. */
  name?: string;
}

/** Room left in each message for its headers. */
const HEADER_ROOM_BYTES = 16 * 1024;
const STREAMS_CREATED_AT_ONCE = 8;
/** Decoded batches kept for re-reads (tails, long-polls). */
const BATCH_CACHE_BYTES = 32 * 1024 * 1024;

export async function openJetStreamStore(options: JetStreamStoreOptions): Promise<JetStreamStore> {
  const names = new ClusterNames(options.namespace);
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers: options.servers,
      name: options.name ?? 'logway',
      timeout: options.requestTimeoutMs,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      user: options.user,
      pass: options.pass,
      token: options.token,
      tls: options.tlsCaFile ? { caFile: options.tlsCaFile } : undefined,
    });
  } catch (err) {
    throw new Error(`cannot connect to the NATS cluster at ${options.servers.join(',')}: ${(err as Error).message}`, { cause: err });
  }
  try {
    const js = jetstream(nc, { timeout: options.requestTimeoutMs });
    const jsm = await jetstreamManager(nc, { timeout: options.requestTimeoutMs });
    const kvm = new Kvm(js);
    // Direct gets off: a follower could answer a read from before the write that was just acknowledged.
    const bucket = (kind: Parameters<ClusterNames['bucket']>[0]) =>
      kvm.create(names.bucket(kind), { replicas: options.replicas, history: 1, allow_direct: false });
    // One bucket for topics, groups, idempotency keys and credentials (key prefixes): one stream to create.
    const meta = await bucket('meta');
    const admin = await jetstreamManager(nc, { timeout: Math.max(30_000, options.requestTimeoutMs) });
    const store = new JetStreamStore(options, names, nc, js, jsm, admin, meta);
    await store.start();
    return store;
  } catch (err) {
    await nc.close().catch(() => undefined);
    throw err;
  }
}

export class JetStreamStore implements LogStore {
  readonly credentials: ClusterCredentials;
  readonly #options: JetStreamStoreOptions;
  readonly #names: ClusterNames;
  readonly #nc: NatsConnection;
  readonly #js: JetStreamClient;
  readonly #jsm: JetStreamManager;
  /** For creating and deleting streams: Raft elections take longer than a request should. */
  readonly #admin: JetStreamManager;
  readonly #topicsKv: KV;
  readonly #topics: TopicCatalog;
  readonly #groups: GroupStore;
  readonly #idempotency: IdempotencyKeys;
  /** Partition logs by `<inc>/<partition>`. */
  readonly #logs = new Map<string, PartitionLog>();
  readonly #batches = new BatchCache(BATCH_CACHE_BYTES);
  #feed: Subscription | undefined;
  #closed = false;
  /** Message ids this gateway published and has not yet heard back on the tail feed. */
  readonly #ownMsgIds = new Set<string>();
  #foreign: ((batch: ForeignAppend) => void) | undefined;
  readonly #relays = new Map<string, Promise<void>>();

  constructor(
    options: JetStreamStoreOptions,
    names: ClusterNames,
    nc: NatsConnection,
    js: JetStreamClient,
    jsm: JetStreamManager,
    admin: JetStreamManager,
    kv: KV,
  ) {
    this.#options = options;
    this.#names = names;
    this.#nc = nc;
    this.#js = js;
    this.#jsm = jsm;
    this.#admin = admin;
    this.#topicsKv = kv;
    this.#topics = new TopicCatalog(kv);
    this.#groups = new GroupStore(kv);
    this.#idempotency = new IdempotencyKeys(kv);
    this.credentials = new ClusterCredentials(kv, (work) => this.#run(work));
  }

  /** Loads the topics and follows the tail feed (batches stored by any gateway). */
  async start(): Promise<void> {
    this.#topics.onChange = (name, entry) => {
      // A deleted or re-created topic: its old partition logs are never used again.
      for (const key of this.#logs.keys()) if (!entry || !key.startsWith(`${entry.inc}/`)) this.#dropStale(key);
      void name;
    };
    await this.#topics.load();
    this.#feed = this.#nc.subscribe(this.#names.feedWildcard, {
      callback: (err, msg) => {
        if (err) return;
        const [inc, p] = msg.subject.split('.').slice(-2);
        const log = this.#logs.get(`${inc}/${p}`);
        const seq = Number(msg.headers?.get('Nats-Sequence'));
        if (!log || !(seq > 0)) return;
        const header = batchHeader(msg.headers);
        log.heard(seq, header);
        const msgId = msg.headers?.get('Nats-Msg-Id') ?? '';
        if (this.#ownMsgIds.delete(msgId)) return; // ours: the core has published it already
        const topic = this.#topics.list().find((t) => t.inc === inc);
        if (topic && this.#foreign) this.#relay(log, topic.name, Number(p), seq, header.base + header.count);
      },
    });
  }

  watchForeignAppends(listener: (batch: ForeignAppend) => void): void {
    this.#foreign = listener;
  }

  /** Fetches another gateway's batch and hands it on, in order per partition (one chain each). */
  #relay(log: PartitionLog, topic: string, partition: number, seq: number, highWatermark: number): void {
    const key = `${topic}/${partition}`;
    const previous = this.#relays.get(key) ?? Promise.resolve();
    const next = previous.then(async () => {
      const records = await log.batch(seq);
      if (records && records.length > 0 && !this.#closed) this.#foreign?.({ topic, partition, records, highWatermark });
    });
    const settled = next.catch(() => undefined);
    this.#relays.set(key, settled);
    void settled.then(() => {
      if (this.#relays.get(key) === settled) this.#relays.delete(key);
    });
  }

  #dropStale(key: string): void {
    const inc = key.split('/')[0]!;
    if (!this.#topics.list().some((t) => t.inc === inc)) this.#logs.delete(key);
  }

  /** Every call: refused once closed; cluster failures become UNAVAILABLE. */
  async #run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#closed) throw new GatewayError(ErrorCode.UNAVAILABLE, 'the store is closed');
    try {
      return await work();
    } catch (err) {
      throw toGatewayError(err);
    }
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

  #streamConfig(inc: string, partition: number): Partial<StreamConfig> & { name: string } {
    return {
      name: this.#names.stream(inc, partition),
      subjects: [this.#names.subject(inc, partition)],
      num_replicas: this.#options.replicas,
      duplicate_window: nanos(this.#options.duplicateWindowMs),
      allow_direct: false,
      // The tail feed: after a batch is stored, its headers (and its sequence) go to every gateway.
      republish: { src: this.#names.subject(inc, partition), dest: this.#names.feedSubject(inc, partition), headers_only: true },
    } as Partial<StreamConfig> & { name: string };
  }

  /**
   * A few streams at a time, each with a long timeout: every stream is a Raft group to elect, and
   * 50 at once on a loaded cluster ran past the request timeout (the streams then appeared anyway).
   */
  async #createStreams(inc: string, from: number, to: number): Promise<void> {
    const partitions = Array.from({ length: to - from }, (_, i) => from + i);
    try {
      while (partitions.length > 0) {
        await Promise.all(partitions.splice(0, STREAMS_CREATED_AT_ONCE).map((p) => this.#admin.streams.add(this.#streamConfig(inc, p))));
      }
    } catch (err) {
      await this.#deleteStreams(inc, from, to);
      throw err;
    }
  }

  async #deleteStreams(inc: string, from: number, to: number): Promise<void> {
    await Promise.allSettled(Array.from({ length: to - from }, (_, i) => this.#admin.streams.delete(this.#names.stream(inc, from + i))));
  }

  createTopic(name: string, partitions: number, config: TopicConfig): Promise<TopicMeta> {
    return this.#run(async () => {
      checkSupported(config);
      if (this.#topics.find(name) ?? (await this.#topics.refresh(name))) {
        throw new GatewayError(ErrorCode.TOPIC_ALREADY_EXISTS, `topic '${name}' already exists`, { topic: name });
      }
      const entry: TopicEntry = { name, partitions, config: { ...config }, createdAt: Date.now(), inc: newIncarnation(), logStart: new Array<number>(partitions).fill(0) };
      await this.#createStreams(entry.inc, 0, partitions);
      try {
        await this.#topics.create(entry);
      } catch (err) {
        await this.#deleteStreams(entry.inc, 0, partitions);
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
      checkSupported(change.config);
      const current = await this.#topics.get(name);
      const partitions = change.partitions ?? current.partitions;
      const refuse = (e: TopicEntry) =>
        new GatewayError(ErrorCode.INVALID_PARTITIONS, `topic '${name}' has ${e.partitions} partitions; the count can only grow`, {
          topic: name,
          partitions: e.partitions,
        });
      if (partitions < current.partitions) throw refuse(current);
      // New partitions' streams first: once the entry names them, they must exist.
      if (partitions > current.partitions) await this.#createStreams(current.inc, current.partitions, partitions);
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
      await this.#deleteStreams(entry.inc, 0, entry.partitions);
      for (let p = 0; p < entry.partitions; p++) this.#logs.delete(`${entry.inc}/${p}`);
      await this.#groups.forgetTopic(name);
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
          published: (msgId) => {
            // Bounded: an id whose feed message was lost (the feed is at-most-once) must not stay forever.
            if (this.#ownMsgIds.size > 100_000) this.#ownMsgIds.clear();
            this.#ownMsgIds.add(msgId);
          },
          deadline: Date.now() + this.#options.produceTimeoutMs,
        },
        requests,
      ),
    );
  }

  read(topic: string, partition: number, fromOffset: number, limits: ReadLimits): Promise<StoredRecord[]> {
    return this.#run(async () => {
      const t = await this.#topics.get(topic);
      if (partition < 0 || partition >= t.partitions) return [];
      return this.#log(t, partition).read(Math.max(fromOffset, t.logStart[partition]!), limits);
    });
  }

  offsets(topic: string): Promise<PartitionOffsets[]> {
    return this.#run(async () => {
      const t = await this.#topics.get(topic);
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
    return this.#run(async () => {
      const t = await this.#topics.get(topic);
      if (partition < 0 || partition >= t.partitions) return null;
      const log = this.#log(t, partition);
      const logStart = t.logStart[partition]!;
      const reaching = await log.firstReaching(timestamp);
      if (reaching === undefined) return null;
      const tail = await log.tail();
      let seq = Math.max(reaching, (await log.locate(logStart)) ?? reaching);
      // The first batch whose running maximum reaches the time holds the first such record from offset
      // 0; from the log start on, it is the first record at or past both.
      for (; seq <= tail.lastSeq; seq++) {
        const records = await log.batch(seq);
        for (const r of records ?? []) if (r.offset >= logStart && r.timestamp >= timestamp) return r.offset;
      }
      return null;
    });
  }

  truncateBefore(topic: string, partition: number, offset: number): Promise<number> {
    return this.#run(async () => {
      const t = await this.#topics.get(topic);
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

  // Retention by size and compaction (issue 14) are not built on this store yet: a topic cannot be
  // given retentionBytes or a compact cleanup policy here (createTopic and updateTopic refuse it),
  // and the key operations answer NOT_SUPPORTED (501), never a silent empty answer.
  offsetForSizeLimit(): Promise<number> {
    return this.#run(async () => unsupported('retention by size (retentionBytes)'));
  }

  latestForKey(): Promise<PartitionRecord[]> {
    return this.#run(async () => unsupported('the latest record per key'));
  }

  readLatest(): Promise<StoredRecord[]> {
    return this.#run(async () => unsupported('the latest record per key'));
  }

  compact(): Promise<CompactionProgress> {
    return this.#run(async () => unsupported('compaction'));
  }

  removeTombstones(): Promise<CompactionProgress> {
    return this.#run(async () => unsupported('compaction'));
  }

  expireIdempotencyKeys(now: number): Promise<number> {
    return this.#run(() => this.#idempotency.expire(now));
  }

  listGroups(): Promise<StoredGroup[]> {
    return this.#run(() => this.#groups.list());
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

  /** Ready when the cluster has a JetStream meta leader and the topics bucket's stream has a quorum. */
  ping(): Promise<void> {
    return this.#run(async () => {
      await this.#jsm.getAccountInfo();
      await this.#topicsKv.status();
    });
  }

  /** The state of every partition's replicas, from the cluster (for /readyz and the failover tests). */
  async partitionHealth(topic: string): Promise<{ partition: number; leader?: string; replicas: { name: string; current: boolean; lag?: number }[] }[]> {
    return this.#run(async () => {
      const t = await this.#topics.get(topic);
      return Promise.all(
        Array.from({ length: t.partitions }, async (_, partition) => {
          try {
            const info = await this.#jsm.streams.info(this.#names.stream(t.inc, partition));
            return { partition, leader: info.cluster?.leader, replicas: (info.cluster?.replicas ?? []).map((r) => ({ name: r.name, current: r.current, lag: r.lag })) };
          } catch (err) {
            if (isStreamNotFound(err)) return { partition, replicas: [] };
            throw err;
          }
        }),
      );
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#topics.stop();
    this.#feed?.unsubscribe();
    await this.#nc.close().catch(() => undefined);
  }
}
