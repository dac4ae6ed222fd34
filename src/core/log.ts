/**
 * The log: topics, atomic produce with Kafka's partitioning and group commit,
 * reads with limits and long-poll, offsets by time. Knows nothing of HTTP.
 */
import { createHash } from 'node:crypto';
import { ErrorCode, GatewayError, invalid, type FieldError } from '../errors.js';
import type {
  AppendOutcome,
  AppendRequest,
  EncodedRecords,
  LogStore,
  PartitionOffsets,
  RecordPosition,
  RecordToAppend,
  StoredRecord,
  TopicConfig,
  TopicMeta,
  PartitionRecord,
} from '../storage/log-store.js';
import { hasKeyOperations, TOMBSTONE_VALUE } from '../storage/log-store.js';
import type { Clock } from './clock.js';
import { compacts } from './cleanup-policy.js';
import { GroupCommit } from './group-commit.js';
import type { AppendedRecords, Notifier } from './notifier.js';
import { checkName } from './names.js';
import { noObserver, type CoreObserver } from './observer.js';
import { partitionForKey, RoundRobin } from './partitioner.js';
import { encodeRecords, keyBytes, recordBytes, type ProduceRecord } from './record-codec.js';
import type { RecordFormat, RecordProblem, RecordValidator } from './record-validation.js';
import { encodedSlice, sliceEnd } from './shared-batch.js';

export interface LogSettings {
  autoCreateTopics: boolean;
  defaultPartitions: number;
  maxPartitions: number;
  maxRecordBytes: number;
  idempotencyWindowMs: number;
  /** Back-pressure: most record bytes queued for the next group commit (default: no limit). */
  maxPendingProduceBytes?: number;
}

export interface TopicDescription extends TopicMeta {
  partitionOffsets: PartitionOffsets[];
}

export interface ProduceResult {
  /** One per produced record, in request order. */
  positions: RecordPosition[];
  /** True when an earlier request with the same Idempotency-Key answered this one. */
  replayed: boolean;
}

export interface FetchOptions {
  maxRecords: number;
  maxBytes: number;
  /** Long-poll: wait up to this long for a record at `offset` when there is none yet. */
  waitMs: number;
  /**
   * Kafka's fetch.min.bytes: with `waitMs`, answer once this many record bytes (keys, values,
   * headers) from `offset` are there, the answer is full (`maxRecords` or `maxBytes`), or
   * `waitMs` ends. Default 1: answer as soon as there is any record.
   */
  minBytes?: number | undefined;
  /** Any of them aborts the wait (the client went away, the gateway is shutting down). */
  signals?: readonly AbortSignal[];
  /** Values of a topic bound to a schema: decoded to JSON (default) or in Confluent's wire format. */
  format?: RecordFormat | undefined;
}

/** A fetch's records as delivered-record JSON (see EncodedRecords), with the partition's bounds. */
export interface FetchResult extends EncodedRecords {
  highWatermark: number;
  logStartOffset: number;
}


type RecordView = (records: StoredRecord[]) => Promise<StoredRecord[]>;
/** A fetch's options with how it shows values, decided once per fetch. */
type ViewedFetch = FetchOptions & { view?: RecordView };

/** Kafka's topic name rule (core/names.ts). */
export const checkTopicName = checkName;

export class Log {
  readonly #store: LogStore;
  readonly #notifier: Notifier;
  readonly #settings: LogSettings;
  readonly #clock: Clock;
  readonly #observer: CoreObserver;
  readonly #validator: RecordValidator | undefined;
  readonly #roundRobin = new RoundRobin();
  readonly #commits: GroupCommit<AppendRequest, AppendOutcome>;
  /** Record bytes submitted and not yet committed (bounded by maxPendingProduceBytes). */
  #pendingBytes = 0;

  constructor(
    store: LogStore,
    notifier: Notifier,
    settings: LogSettings,
    clock: Clock,
    observer: CoreObserver = noObserver,
    /** Checks records against their topic's schemas before anything is appended; absent: none are checked. */
    validator?: RecordValidator,
  ) {
    this.#validator = validator;
    this.#store = store;
    this.#notifier = notifier;
    this.#settings = settings;
    this.#clock = clock;
    this.#observer = observer;
    this.#commits = new GroupCommit((batch) => this.#appendAndPublish(batch));
  }

  get notifier(): Notifier {
    return this.#notifier;
  }

  /** Resolves once the produce requests submitted so far are committed (or failed): background writers go after them. */
  commitsSettled(): Promise<void> {
    return this.#commits.settled();
  }

  /** Record bytes submitted and not yet committed (for metrics). */
  get pendingProduceBytes(): number {
    return this.#pendingBytes;
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

  async describeTopic(name: string): Promise<TopicDescription> {
    const meta = await this.#requireTopic(name);
    return { ...meta, partitionOffsets: await this.#store.offsets(name) };
  }

  async updateTopic(name: string, change: { partitions?: number; config?: TopicConfig }): Promise<TopicDescription> {
    if (change.partitions !== undefined) this.#checkPartitionCount(change.partitions);
    const before = await this.#requireTopic(name);
    const meta = await this.#store.updateTopic(name, change);
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
    const offsets = await this.#store.offsets(topic);
    const bounds = offsets[partition];
    if (!bounds) throw partitionNotFound(topic, partition, offsets.length);
    return bounds;
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
      const result = await this.#produce(topic, records, options);
      this.#observer.produceOutcome(result.replayed ? 'replayed' : 'ok');
      return result;
    } catch (err) {
      this.#observer.produceOutcome(err instanceof GatewayError ? err.code : ErrorCode.INTERNAL);
      throw err;
    }
  }

  async #produce(topic: string, produced: ProduceRecord[], options: { idempotencyKey?: string }): Promise<ProduceResult> {
    let meta = await this.#store.getTopic(topic);
    if (!meta) meta = await this.#autoCreate(topic);
    let records = produced;
    // Before anything else is computed from them: a schema'd topic may store its values encoded.
    if (this.#validator) {
      const checked = await this.#validator.check(meta, records);
      if (checked.problems.length) throw recordsInvalid(topic, checked.problems);
      records = checked.records;
    }

    const now = this.#clock.now();
    const toAppend: RecordToAppend[] = new Array(records.length);
    const errors: FieldError[] = [];
    let tooLarge: FieldError | undefined;
    let requestBytes = 0;
    const keyed = compacts(meta.config);
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      if (keyed && r.key === null) {
        errors.push({
          path: `records/${i}/key`,
          message: `record ${i} has no key; topic '${topic}' is compacted (cleanupPolicy ${meta.config.cleanupPolicy}) and keeps the latest record per key`,
        });
      }
      let partition: number;
      if (r.partition !== undefined) {
        partition = r.partition;
        if (partition >= meta.partitions) {
          errors.push({
            path: `records/${i}/partition`,
            message: `partition ${partition} does not exist; topic '${topic}' has partitions 0-${meta.partitions - 1}`,
          });
        }
      } else if (r.key !== null) {
        partition = partitionForKey(keyBytes(r.key), meta.partitions);
      } else {
        partition = this.#roundRobin.next(topic, meta.partitions);
      }
      const record: RecordToAppend = {
        partition,
        timestamp: r.timestamp ?? now,
        key: r.key,
        value: r.value,
        headers: r.headers === null ? null : JSON.stringify(r.headers),
      };
      const bytes = recordBytes(record);
      requestBytes += bytes;
      if (bytes > this.#settings.maxRecordBytes && !tooLarge) {
        tooLarge = {
          path: `records/${i}`,
          message: `record is ${bytes} bytes; the limit is ${this.#settings.maxRecordBytes} (key + value + headers)`,
        };
      }
      toAppend[i] = record;
    }
    if (errors.length) throw invalid(errors[0]!.message, errors);
    if (tooLarge) throw new GatewayError(ErrorCode.RECORD_TOO_LARGE, tooLarge.message, { errors: [tooLarge] });

    const request: AppendRequest = { topic, records: toAppend };
    if (options.idempotencyKey !== undefined) {
      request.idempotency = {
        key: options.idempotencyKey,
        fingerprint: fingerprint(produced),
        expiresAt: now + this.#settings.idempotencyWindowMs,
        now,
      };
    }
    // A lone request always goes (it is already bounded by the body limit); others wait their turn.
    const limit = this.#settings.maxPendingProduceBytes ?? Infinity;
    if (this.#pendingBytes > 0 && this.#pendingBytes + requestBytes > limit) {
      throw new GatewayError(
        ErrorCode.OVERLOADED,
        `too many records are waiting to be written (over ${limit} bytes, setting maxPendingProduceBytes); retry shortly`,
        { retryAfterSeconds: 1 },
      );
    }
    this.#pendingBytes += requestBytes;
    let outcome: AppendOutcome;
    try {
      outcome = await this.#commits.submit(request);
    } finally {
      this.#pendingBytes -= requestBytes;
    }
    switch (outcome.status) {
      case 'appended':
        this.#observer.produced(topic, records.length, requestBytes);
        return { positions: outcome.positions, replayed: false };
      case 'replayed':
        return { positions: outcome.positions, replayed: true };
      case 'key-reused':
        throw new GatewayError(
          ErrorCode.IDEMPOTENCY_KEY_REUSED,
          'this Idempotency-Key was already used for a different request to this topic',
          { idempotencyKey: options.idempotencyKey },
        );
      case 'rejected':
        // The topic was deleted or shrank between our check and the commit.
        if (outcome.reason === 'topic-not-found') throw topicNotFound(topic);
        throw invalid('a record names a partition that no longer exists');
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

  /** One store commit for the whole batch; then one notification per partition touched. */
  async #appendAndPublish(batch: AppendRequest[]): Promise<AppendOutcome[]> {
    const started = performance.now();
    const outcomes = await this.#store.append(batch);
    this.#observer.committed(batch.length, (performance.now() - started) / 1000);
    const appended = new Map<string, { topic: string; partition: number; records: StoredRecord[] }>();
    for (let i = 0; i < batch.length; i++) {
      const outcome = outcomes[i]!;
      if (outcome.status !== 'appended') continue;
      const request = batch[i]!;
      // Records to one partition usually come in runs (a key, an explicit partition): look the group up once per run.
      let group: { topic: string; partition: number; records: StoredRecord[] } | undefined;
      for (let j = 0; j < request.records.length; j++) {
        const r = request.records[j]!;
        const pos = outcome.positions[j]!;
        if (group?.partition !== pos.partition) {
          const key = `${pos.partition}\u0000${request.topic}`;
          group = appended.get(key);
          if (!group) appended.set(key, (group = { topic: request.topic, partition: pos.partition, records: [] }));
        }
        group.records.push({ offset: pos.offset, timestamp: pos.timestamp, key: r.key, value: r.value, headers: r.headers });
      }
    }
    for (const group of appended.values()) {
      // Requests are appended in order, so each partition's records are already in offset order.
      const last = group.records[group.records.length - 1]!;
      this.#notifier.publish({ ...group, highWatermark: last.offset + 1 });
    }
    return outcomes;
  }

  // ---------------------------------------------------------------- read

  /**
   * Records from `offset` on, as delivered-record JSON (what REST answers with). An offset outside
   * [logStartOffset, highWatermark] is an error that names the valid range. With `waitMs`, waits
   * for a record (or `minBytes` of them) at the high watermark; a wait woken by an append is
   * answered from that batch in memory when it holds exactly what a read would return.
   */
  async fetch(topic: string, partition: number, offset: number, options: FetchOptions): Promise<FetchResult> {
    const result = await this.#fetch(topic, partition, offset, options);
    if (result.count > 0) this.#observer.fetched(topic, result.count, result.json.byteLength);
    return result;
  }

  async #fetch(topic: string, partition: number, offset: number, asked: FetchOptions): Promise<FetchResult> {
    let bounds = await this.partitionOffsets(topic, partition);
    checkOffsetInRange(topic, partition, offset, bounds);
    const view = await this.#view(topic, asked.format);
    const options: ViewedFetch = view ? { ...asked, view } : asked;
    const minBytes = Math.max(options.minBytes ?? 1, 1);
    if (options.waitMs <= 0) return this.#readFrom(topic, partition, offset, bounds, options);
    const deadline = performance.now() + options.waitMs;
    if (minBytes === 1 && offset < bounds.highWatermark) return this.#readFrom(topic, partition, offset, bounds, options);
    for (;;) {
      // What is there now, and how many bytes (minBytes counts bytes, so these reads keep their records).
      let available: { result: FetchResult; bytes: number } | undefined;
      let parkAt = bounds.highWatermark;
      if (offset < bounds.highWatermark) {
        available = await this.#readCounting(topic, partition, offset, bounds, options);
        const full = available.result.nextOffset < available.result.highWatermark || available.result.count >= options.maxRecords;
        if (full || available.bytes >= minBytes) return available.result;
        parkAt = Math.max(parkAt, available.result.nextOffset);
      }
      const remaining = deadline - performance.now();
      if (remaining <= 0) return available?.result ?? this.#readFrom(topic, partition, offset, bounds, options);
      const wake = await this.#notifier.waitForAppendBatch(topic, partition, {
        highWatermark: parkAt,
        timeoutMs: Math.ceil(remaining),
        signals: options.signals,
        minBytes: minBytes - (available?.bytes ?? 0),
      });
      if (wake.batch && available === undefined && !view) {
        const shared = await this.#answerFromBatch(offset, options, wake.batch);
        if (shared) return shared;
      }
      bounds = await this.partitionOffsets(topic, partition);
      if (wake.reason !== 'appended' || minBytes === 1) return this.#readFrom(topic, partition, offset, bounds, options);
      // minBytes: the wait ended early (an append it could not count); look again.
    }
  }

  async #readFrom(topic: string, partition: number, offset: number, bounds: PartitionOffsets, options: ViewedFetch): Promise<FetchResult> {
    const from = Math.max(offset, bounds.logStartOffset);
    const encoded =
      from >= bounds.highWatermark
        ? encodeRecords(topic, partition, from, [])
        : options.view
          ? encodeRecords(topic, partition, from, await options.view(await this.#store.read(topic, partition, from, options)))
          : await this.readEncoded(topic, partition, from, options.maxRecords, options.maxBytes);
    return { ...encoded, highWatermark: bounds.highWatermark, logStartOffset: bounds.logStartOffset };
  }

  /** #readFrom() through read(), for its record bytes. */
  async #readCounting(topic: string, partition: number, offset: number, bounds: PartitionOffsets, options: ViewedFetch) {
    const from = Math.max(offset, bounds.logStartOffset);
    // The store's read, not this.read(): what is fetched is counted once, when answered.
    const records = await this.#store.read(topic, partition, from, { maxRecords: options.maxRecords, maxBytes: options.maxBytes });
    let bytes = 0;
    for (const r of records) bytes += recordBytes(r);
    const shown = options.view ? await options.view(records) : records;
    const result = { ...encodeRecords(topic, partition, from, shown), highWatermark: bounds.highWatermark, logStartOffset: bounds.logStartOffset };
    return { result, bytes };
  }

  /**
   * The answer to a long-poll at `offset` from the batch that woke it: what a read right after
   * that batch's commit returns (the high watermark is the batch's). Undefined when the batch
   * does not start the answer (the caller reads instead) or retention has passed `offset`.
   */
  async #answerFromBatch(offset: number, options: FetchOptions, batch: AppendedRecords): Promise<FetchResult | undefined> {
    const { topic, partition, records } = batch;
    const start = offset - (records[0]?.offset ?? Infinity);
    if (!(start >= 0 && start < records.length)) return undefined;
    const { logStartOffset } = await this.partitionOffsets(topic, partition);
    if (logStartOffset > offset) return undefined;
    const end = sliceEnd(records, start, options.maxRecords, options.maxBytes);
    return {
      json: encodedSlice(topic, partition, records, start, end),
      count: end - start,
      nextOffset: records[end - 1]!.offset + 1,
      highWatermark: batch.highWatermark,
      logStartOffset,
    };
  }

  /** Raw range read without waiting or range checks (for group polls, which track their own position); counted as fetched. */
  async read(topic: string, partition: number, offset: number, maxRecords: number, maxBytes: number, format?: RecordFormat): Promise<StoredRecord[]> {
    const records = await this.#store.read(topic, partition, offset, { maxRecords, maxBytes });
    if (records.length === 0) return records;
    let bytes = 0;
    for (const r of records) bytes += recordBytes(r);
    this.#observer.fetched(topic, records.length, bytes);
    const view = await this.#view(topic, format);
    return view ? view(records) : records;
  }

  /**
   * read(), already encoded: by the store itself where it can (SQLite builds the JSON in C,
   * far cheaper than a JS object and string per record), else here from read()'s records.
   */
  async readEncoded(topic: string, partition: number, offset: number, maxRecords: number, maxBytes: number, format?: RecordFormat): Promise<EncodedRecords> {
    const limits = { maxRecords, maxBytes };
    const view = await this.#view(topic, format);
    if (view) return encodeRecords(topic, partition, offset, await view(await this.#store.read(topic, partition, offset, limits)));
    const encoded = await this.#store.readEncoded?.(topic, partition, offset, limits);
    return encoded ?? encodeRecords(topic, partition, offset, await this.#store.read(topic, partition, offset, limits));
  }

  /** True when reads of `topic` show its values otherwise than stored (it is bound to a schema): they cannot be served from appended batches. */
  async viewsValues(topic: string): Promise<boolean> {
    return (await this.#view(topic, 'json')) !== undefined;
  }

  /** How reads in `format` show `topic`'s stored values; undefined: as stored (topics without a schema). */
  async #view(topic: string, format: RecordFormat | undefined): Promise<RecordView | undefined> {
    if (!this.#validator) return undefined;
    const meta = await this.#store.getTopic(topic);
    return meta && this.#validator.view(meta, format ?? 'json');
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
    if (!hasKeyOperations(this.#store)) throw new GatewayError(ErrorCode.NOT_SUPPORTED, 'this store keeps no key index (the JetStream store has none yet)');
    const found = await this.#store.latestForKey(topic, key);
    let latest: PartitionRecord | undefined;
    for (const r of found) if (!latest || r.timestamp > latest.timestamp) latest = r;
    if (!latest || latest.value === TOMBSTONE_VALUE) {
      throw new GatewayError(ErrorCode.NOT_FOUND, `key ${JSON.stringify(typeof key === 'string' ? key : Buffer.from(key).toString('base64url'))} has no record in topic '${topic}'${latest ? ' (its latest record is a tombstone)' : ''}`, { topic });
    }
    return latest;
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
}

export function topicNotFound(topic: string): GatewayError {
  return new GatewayError(ErrorCode.TOPIC_NOT_FOUND, `topic '${topic}' does not exist`, { topic });
}

export function partitionNotFound(topic: string, partition: number, count: number): GatewayError {
  return new GatewayError(
    ErrorCode.PARTITION_NOT_FOUND,
    `partition ${partition} does not exist; topic '${topic}' has partitions 0-${count - 1}`,
    { topic, partition, partitions: count },
  );
}

export function checkOffsetInRange(topic: string, partition: number, offset: number, bounds: PartitionOffsets): void {
  if (offset < bounds.logStartOffset || offset > bounds.highWatermark) {
    throw new GatewayError(
      ErrorCode.OFFSET_OUT_OF_RANGE,
      `offset ${offset} is out of range for ${topic}/${partition}: valid offsets are ${bounds.logStartOffset} (logStartOffset) to ${bounds.highWatermark} (highWatermark)`,
      { topic, partition, offset, logStartOffset: bounds.logStartOffset, highWatermark: bounds.highWatermark },
    );
  }
}

/** What makes two produce requests "the same" for Idempotency-Key: the records as the client sent them. */
/** At most this many bad records are listed in one answer: the count says how many there were. */
const MAX_LISTED_PROBLEMS = 100;

function recordsInvalid(topic: string, problems: RecordProblem[]): GatewayError {
  const records = new Set(problems.map((p) => p.index)).size;
  const first = problems[0]!;
  const where = (p: RecordProblem) => `records/${p.index}/${p.field}${p.pointer}`;
  return new GatewayError(
    ErrorCode.RECORD_INVALID,
    `${records} record${records === 1 ? '' : 's'} do${records === 1 ? 'es' : ''} not match the schema of topic '${topic}'; nothing was appended. First: record ${first.index}, ${first.field}${first.pointer}: ${first.message}`,
    {
      invalidRecords: records,
      errors: problems.slice(0, MAX_LISTED_PROBLEMS).map((p) => ({ path: where(p), message: p.message, index: p.index })),
    },
  );
}

function fingerprint(records: ProduceRecord[]): string {
  const hash = createHash('sha256');
  for (const r of records) {
    hash.update(
      JSON.stringify([
        r.key === null ? null : typeof r.key === 'string' ? ['s', r.key] : ['b', Buffer.from(r.key).toString('base64')],
        typeof r.value === 'string' ? ['j', r.value] : ['b', Buffer.from(r.value).toString('base64')],
        r.headers,
        r.partition ?? null,
        r.timestamp ?? null,
      ]),
    );
    hash.update('\n');
  }
  return hash.digest('base64url');
}
