/**
 * The log: topics, atomic produce with Kafka's partitioning and group commit,
 * reads with limits and long-poll, offsets by time. Knows nothing of HTTP.
 * Produce is producer.ts, reads of a partition partition-reader.ts; this is their front.
 */
import { ErrorCode, GatewayError, invalid } from '../errors.js';
import type { EncodedRecords, LogStore, PartitionOffsets, PartitionRecord, StoredRecord, TopicConfig, TopicMeta } from '../storage/log-store.js';
import { hasKeyOperations, TOMBSTONE_VALUE } from '../storage/log-store.js';
import type { Clock } from './clock.js';
import { topicNotFound } from './log-errors.js';
import type { AppendedRecords, Notifier } from './notifier.js';
import { checkName } from './names.js';
import { noObserver, type CoreObserver } from './observer.js';
import { PartitionReader, type FetchOptions, type FetchResult } from './partition-reader.js';
import { RoundRobin } from './partitioner.js';
import { Producer, type AppendCounts, type ProduceResult, type ProduceSettings } from './producer.js';
import type { ProduceRecord } from './record-codec.js';
import type { RecordFormat, RecordValidator } from './record-validation.js';
import type { BatchSlice } from './shared-batch.js';
import { partitionPage, topicPage, topicSummary, type PartitionSummary, type TopicPage, type TopicPageQuery, type TopicSummary } from './topic-listing.js';

export { checkOffsetInRange, partitionNotFound, topicNotFound } from './log-errors.js';
export type { FetchOptions, FetchResult } from './partition-reader.js';
export type { ProduceResult } from './producer.js';

export interface LogSettings extends ProduceSettings {
  autoCreateTopics: boolean;
  defaultPartitions: number;
  maxPartitions: number;
}

export interface TopicDescription extends TopicMeta {
  partitionOffsets: PartitionOffsets[];
}

/** Kafka's topic name rule (core/names.ts). */
export const checkTopicName = checkName;

export class Log {
  readonly #store: LogStore;
  readonly #notifier: Notifier;
  readonly #settings: LogSettings;
  readonly #observer: CoreObserver;
  readonly #roundRobin = new RoundRobin();
  readonly #producer: Producer;
  readonly #reader: PartitionReader;

  constructor(
    store: LogStore,
    notifier: Notifier,
    settings: LogSettings,
    clock: Clock,
    observer: CoreObserver = noObserver,
    /** Checks records against their topic's schemas before anything is appended; absent: none are checked. */
    validator?: RecordValidator,
  ) {
    this.#store = store;
    this.#notifier = notifier;
    this.#settings = settings;
    this.#observer = observer;
    this.#producer = new Producer({
      store,
      notifier,
      settings,
      clock,
      observer,
      validator,
      roundRobin: this.#roundRobin,
      autoCreate: (topic) => this.#autoCreate(topic),
    });
    this.#reader = new PartitionReader(store, notifier, observer, validator);
    // Long-poll answers are chunked across turns; produce commits waiting go before a chunk.
    notifier.waiters.yieldTo(() => this.#producer.commitsWaiting);
  }

  get notifier(): Notifier {
    return this.#notifier;
  }

  /** Resolves once the produce requests submitted so far are committed (or failed): background writers go after them. */
  commitsSettled(): Promise<void> {
    return this.#producer.commitsSettled();
  }

  /** Record bytes submitted and not yet committed (for metrics). */
  get pendingProduceBytes(): number {
    return this.#producer.pendingBytes;
  }

  /** Records appended since start, through this gateway and, on a cluster, the others it heard of (see AppendCounts). */
  get appends(): Readonly<AppendCounts> {
    return this.#producer.appends;
  }

  /** Records another gateway of the cluster appended (LogStore.watchForeignAppends): counted in `appends`. */
  countAppendedElsewhere(topic: string, records: number): Promise<void> {
    return this.#producer.countAppendedElsewhere(topic, records);
  }

  // ---------------------------------------------------------------- topics

  async createTopic(name: string, partitions?: number, config: TopicConfig = {}): Promise<TopicDescription> {
    const reason = checkTopicName(name);
    if (reason) throw invalid(`invalid topic name: ${reason}`, [{ path: 'name', message: reason }]);
    const count = partitions ?? this.#settings.defaultPartitions;
    this.#checkPartitionCount(count);
    const meta = await this.#store.createTopic(name, count, config);
    // Groups subscribed to a name that did not exist (or was deleted and is back) get its partitions now.
    this.#notifier.publishTopicChange({ topic: name, kind: 'created', partitions: count });
    return { ...meta, partitionOffsets: await this.#store.offsets(name) };
  }

  async listTopics(): Promise<TopicDescription[]> {
    const topics = await this.#store.listTopics();
    return Promise.all(topics.map(async (t) => ({ ...t, partitionOffsets: await this.#store.offsets(t.name) })));
  }

  /** A page of topics with their totals (records, bytes): see topic-listing.ts. */
  topicPage(query: TopicPageQuery): Promise<TopicPage> {
    return topicPage(this.#store, query);
  }

  /** One topic with its totals. Throws TOPIC_NOT_FOUND. */
  async topicSummary(name: string): Promise<TopicSummary> {
    return topicSummary(this.#store, await this.#requireTopic(name));
  }

  /** Partitions [from, from + limit) with their bounds and bytes. Throws TOPIC_NOT_FOUND. */
  async partitionPage(topic: string, from: number, limit: number): Promise<{ partitions: PartitionSummary[]; total: number }> {
    return partitionPage(this.#store, topic, from, limit);
  }

  async describeTopic(name: string): Promise<TopicDescription> {
    const meta = await this.#requireTopic(name);
    return { ...meta, partitionOffsets: await this.#store.offsets(name) };
  }

  async updateTopic(name: string, change: { partitions?: number; config?: TopicConfig }): Promise<TopicDescription> {
    if (change.partitions !== undefined) this.#checkPartitionCount(change.partitions);
    const before = await this.#requireTopic(name);
    const meta = await this.#store.updateTopic(name, change);
    // Kept records are answered only for topics that are not compacted: one made compacted stops being kept.
    if (change.config !== undefined) this.#notifier.recent.dropTopic(name);
    if (meta.partitions > before.partitions) {
      this.#notifier.publishTopicChange({ topic: name, kind: 'partitions-added', partitions: meta.partitions });
    }
    return { ...meta, partitionOffsets: await this.#store.offsets(name) };
  }

  async deleteTopic(name: string): Promise<void> {
    await this.#store.deleteTopic(name);
    this.#roundRobin.forget(name);
    this.#notifier.publishTopicChange({ topic: name, kind: 'deleted', partitions: 0 });
  }

  async partitionOffsets(topic: string, partition: number): Promise<PartitionOffsets> {
    return this.#reader.partitionOffsets(topic, partition);
  }

  /** The topic's name, partition count, config and creation time. Throws TOPIC_NOT_FOUND. */
  async topic(name: string): Promise<TopicMeta> {
    return this.#requireTopic(name);
  }

  /** How many partitions the topic has: unlike topicOffsets, no object per partition. Throws TOPIC_NOT_FOUND. */
  async partitionCount(topic: string): Promise<number> {
    return (await this.#requireTopic(topic)).partitions;
  }

  async topicOffsets(topic: string): Promise<PartitionOffsets[]> {
    return this.#store.offsets(topic);
  }

  // ---------------------------------------------------------------- produce

  /**
   * Appends all records or none. Resolves once they are durable.
   * Partition: the record's own, else murmur2 of its key (Kafka's default), else round-robin.
   */
  async produce(topic: string, records: ProduceRecord[], options: { idempotencyKey?: string } = {}): Promise<ProduceResult> {
    try {
      const result = await this.#producer.produce(topic, records, options);
      this.#observer.produceOutcome(result.replayed ? 'replayed' : 'ok');
      return result;
    } catch (err) {
      this.#observer.produceOutcome(err instanceof GatewayError ? err.code : ErrorCode.INTERNAL);
      throw err;
    }
  }

  async #autoCreate(topic: string): Promise<TopicMeta> {
    if (!this.#settings.autoCreateTopics) throw topicNotFound(topic);
    try {
      await this.createTopic(topic, this.#settings.defaultPartitions);
    } catch (err) {
      if (!(err instanceof GatewayError && err.code === ErrorCode.TOPIC_ALREADY_EXISTS)) throw err;
    }
    return this.#requireTopic(topic);
  }

  // ---------------------------------------------------------------- read

  /**
   * Records from `offset` on, as delivered-record JSON (what REST answers with). An offset outside
   * [logStartOffset, highWatermark] is an error that names the valid range. With `waitMs`, waits
   * for a record (or `minBytes` of them) at the high watermark; a wait woken by an append is
   * answered from that batch in memory when it holds exactly what a read would return.
   */
  async fetch(topic: string, partition: number, offset: number, options: FetchOptions): Promise<FetchResult> {
    return this.#reader.fetch(topic, partition, offset, options);
  }

  /** Raw range read without waiting or range checks (for group polls, which track their own position); counted as fetched. */
  async read(topic: string, partition: number, offset: number, maxRecords: number, maxBytes: number, format?: RecordFormat): Promise<StoredRecord[]> {
    return this.#reader.read(topic, partition, offset, maxRecords, maxBytes, format);
  }

  /**
   * read() from a batch just appended, without reading the store: for a wait woken by that batch
   * (group polls; fetch does the same inside). The caller checks that the partition's high watermark
   * is still the batch's and that its log starts at or before `offset`. Undefined when the batch does
   * not start at or hold `offset`, or the topic's values are shown through a schema: the caller reads.
   */
  readFromBatch(batch: AppendedRecords, offset: number, maxRecords: number, maxBytes: number): Promise<BatchSlice | undefined> {
    return this.#reader.readFromBatch(batch, offset, maxRecords, maxBytes);
  }

  /**
   * read(), already encoded: by the store itself where it can (SQLite builds the JSON in C,
   * far cheaper than a JS object and string per record), else here from read()'s records.
   */
  async readEncoded(topic: string, partition: number, offset: number, maxRecords: number, maxBytes: number, format?: RecordFormat): Promise<EncodedRecords> {
    return this.#reader.readEncoded(topic, partition, offset, maxRecords, maxBytes, format);
  }

  /**
   * Kafka's ListOffsets: the first offset whose timestamp is at or after `timestamp`,
   * or the high watermark when every record is older (where a consumer would wait).
   */
  async offsetForTimestamp(topic: string, partition: number, timestamp: number): Promise<number> {
    const bounds = await this.partitionOffsets(topic, partition);
    const found = await this.#store.offsetForTimestamp(topic, partition, timestamp);
    return found ?? bounds.highWatermark;
  }

  /**
   * The table view: the latest record of `key` (its partition's, or, for a key produced to several
   * partitions, the newest by timestamp), from the store's key index. Throws NOT_FOUND when the key
   * has no record or its latest is a tombstone, TOPIC_NOT_FOUND, NOT_SUPPORTED (501) for a store without keys.
   */
  async latestForKey(topic: string, key: string | Uint8Array): Promise<PartitionRecord> {
    if (!hasKeyOperations(this.#store)) throw new GatewayError(ErrorCode.NOT_SUPPORTED, 'this store keeps no key index');
    const found = await this.#store.latestForKey(topic, key);
    let latest: PartitionRecord | undefined;
    for (const r of found) if (!latest || r.timestamp > latest.timestamp) latest = r;
    if (!latest || latest.value === TOMBSTONE_VALUE) {
      throw new GatewayError(ErrorCode.NOT_FOUND, `key ${JSON.stringify(typeof key === 'string' ? key : Buffer.from(key).toString('base64url'))} has no record in topic '${topic}'${latest ? ' (its latest record is a tombstone)' : ''}`, { topic });
    }
    return latest;
  }

  /**
   * Records read outside partition reads (the latest of a key, snapshot pages) as reads in `format`
   * show them: decoded to JSON, or in the wire format, on a topic bound to a schema; as stored elsewhere.
   */
  async shown<R extends StoredRecord>(topic: string, records: R[], format?: RecordFormat): Promise<R[]> {
    const view = records.length > 0 ? await this.#reader.view(topic, format) : undefined;
    // A view copies a record only to change its value, so each keeps its other fields (its partition).
    return view ? ((await view(records)) as R[]) : records;
  }

  // ---------------------------------------------------------------- helpers

  async #requireTopic(name: string): Promise<TopicMeta> {
    const meta = await this.#store.getTopic(name);
    if (!meta) throw topicNotFound(name);
    return meta;
  }

  #checkPartitionCount(count: number): void {
    if (!Number.isInteger(count) || count < 1 || count > this.#settings.maxPartitions) {
      const message = `must be an integer from 1 to ${this.#settings.maxPartitions}`;
      throw invalid(`invalid partition count: ${message}`, [{ path: 'partitions', message }]);
    }
  }

  /** True when reads of `topic` show its values otherwise than stored (it is bound to a schema): they cannot be served from appended batches. */
  async viewsValues(topic: string): Promise<boolean> {
    return (await this.#reader.view(topic, 'json')) !== undefined;
  }
}
