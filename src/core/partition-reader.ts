/**
 * Reads of one partition: plain range reads, and Kafka's fetch with long-poll (`waitMs`,
 * `minBytes`), answered as delivered-record JSON.
 */
import type { AbortSource } from './abort.js';
import type { EncodedRecords, LogStore, PartitionOffsets, StoredRecord } from '../storage/log-store.js';
import { compacts } from './cleanup-policy.js';
import { checkOffsetInRange, partitionNotFound } from './log-errors.js';
import type { AppendedRecords, Notifier } from './notifier.js';
import type { CoreObserver } from './observer.js';
import { encodeRecords, recordBytes } from './record-codec.js';
import { sliceOfBatch, type BatchSlice } from './shared-batch.js';
import type { RecordFormat, RecordValidator } from './record-validation.js';
import { SharedReads } from './shared-reads.js';

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
  signals?: readonly AbortSource[];
  /**
   * The client's connection, when one of `signals`: a wait it ended is answered with no records
   * and no read (nobody reads that answer), where the gateway's shutdown still gets a full answer.
   */
  client?: AbortSource | undefined;
  /** Values of a topic bound to a schema: decoded to JSON (default) or in Confluent's wire format. */
  format?: RecordFormat | undefined;
}

type RecordView = (records: StoredRecord[]) => Promise<StoredRecord[]>;
/** A fetch's options with how it shows values, decided once per fetch. */
type ViewedFetch = FetchOptions & { view?: RecordView };

/** A fetch's records as delivered-record JSON (see EncodedRecords), with the partition's bounds. */
export interface FetchResult extends EncodedRecords {
  highWatermark: number;
  logStartOffset: number;
}

export class PartitionReader {
  readonly #store: LogStore;
  readonly #notifier: Notifier;
  readonly #observer: CoreObserver;
  readonly #validator: RecordValidator | undefined;
  /** Long-poll answers read in the current turn of the waiter registry, shared by the same ones. */
  readonly #shared: SharedReads<FetchResult>;

  constructor(store: LogStore, notifier: Notifier, observer: CoreObserver, validator?: RecordValidator) {
    this.#validator = validator;
    this.#store = store;
    this.#notifier = notifier;
    this.#observer = observer;
    this.#shared = new SharedReads(() => notifier.waiters.turns);
  }

  /** Store reads made for long-poll answers (for tests: answers shared within a turn are read once). */
  get longPollReads(): number {
    return this.#shared.made;
  }

  /** The partition's bounds. Throws TOPIC_NOT_FOUND (from the store) or PARTITION_NOT_FOUND. */
  async partitionOffsets(topic: string, partition: number): Promise<PartitionOffsets> {
    const offsets = await this.#store.offsets(topic);
    const bounds = offsets[partition];
    if (!bounds) throw partitionNotFound(topic, partition, offsets.length);
    return bounds;
  }

  /** See Log.fetch. */
  async fetch(topic: string, partition: number, offset: number, options: FetchOptions): Promise<FetchResult> {
    const result = await this.#fetch(topic, partition, offset, options);
    if (result.count > 0) this.#observer.fetched(topic, result.count, result.json.byteLength);
    return result;
  }

  async #fetch(topic: string, partition: number, offset: number, asked: FetchOptions): Promise<FetchResult> {
    let bounds = await this.partitionOffsets(topic, partition);
    checkOffsetInRange(topic, partition, offset, bounds);
    const view = await this.view(topic, asked.format);
    const options: ViewedFetch = view ? { ...asked, view } : asked;
    const minBytes = Math.max(options.minBytes ?? 1, 1);
    if (options.waitMs <= 0) return this.#readFrom(topic, partition, offset, bounds, options);
    const deadline = performance.now() + options.waitMs;
    if (offset < bounds.highWatermark) {
      // Records are there already (a tailer re-polling): answered without waiting for more, but at
      // this poll's turn, within the per-turn budget that wake-ups share (waiter-registry.ts), so
      // that re-polling tailers cannot crowd the producers out.
      await this.#notifier.waiters.turn(options.signals);
      bounds = await this.partitionOffsets(topic, partition);
      if (options.client?.aborted) return this.#gone(topic, partition, offset, bounds);
      if (minBytes === 1) return this.#readShared(topic, partition, offset, bounds, options);
    }
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
      if (wake.reason === 'aborted' && options.client?.aborted) return this.#gone(topic, partition, offset, bounds);
      if (wake.reason !== 'appended' || minBytes === 1) return this.#readShared(topic, partition, offset, bounds, options);
      // minBytes: the wait ended early (an append it could not count); look again.
    }
  }

  async #readFrom(topic: string, partition: number, offset: number, bounds: PartitionOffsets, options: ViewedFetch): Promise<FetchResult> {
    const from = Math.max(offset, bounds.logStartOffset);
    const empty = from >= bounds.highWatermark;
    const encoded = options.view
      ? encodeRecords(topic, partition, from, empty ? [] : await options.view(await this.#store.read(topic, partition, from, options)))
      : ((await this.#fromRecent(topic, partition, from, bounds, options)) ??
        (empty ? encodeRecords(topic, partition, from, []) : await this.readEncoded(topic, partition, from, options.maxRecords, options.maxBytes)));
    return { ...encoded, highWatermark: bounds.highWatermark, logStartOffset: bounds.logStartOffset };
  }

  /**
   * The read from the records kept in memory (recent-records.ts) when they hold it; undefined:
   * the store reads, and the partition is kept from now on (a read at the high watermark too:
   * its reader reads what comes next). Never for a compacted topic:
   * compaction deletes records inside the kept range.
   */
  async #fromRecent(topic: string, partition: number, from: number, bounds: PartitionOffsets, options: FetchOptions): Promise<EncodedRecords | undefined> {
    const recent = this.#notifier.recent;
    if (!recent.enabled) return undefined;
    const meta = await this.#store.getTopic(topic);
    if (!meta || compacts(meta.config)) return undefined;
    const found = recent.read(topic, meta.createdAt, partition, from, bounds.highWatermark, options.maxRecords, options.maxBytes);
    if (!found) recent.miss(topic, meta.createdAt, partition, bounds.highWatermark);
    return found;
  }

  /** The answer to a long-poll whose client went away: nobody reads it, so nothing is read for it. */
  #gone(topic: string, partition: number, offset: number, bounds: PartitionOffsets): FetchResult {
    return { ...encodeRecords(topic, partition, offset, []), highWatermark: bounds.highWatermark, logStartOffset: bounds.logStartOffset };
  }

  /** #readFrom(), shared by the long-poll answers of this turn that would read the same. */
  #readShared(topic: string, partition: number, offset: number, bounds: PartitionOffsets, options: ViewedFetch): Promise<FetchResult> {
    const key = `${partition}\u0000${offset}\u0000${bounds.highWatermark}\u0000${bounds.logStartOffset}\u0000${options.maxRecords}\u0000${options.maxBytes}\u0000${options.format ?? ''}\u0000${topic}`;
    return this.#shared.get(key, () => this.#readFrom(topic, partition, offset, bounds, options));
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
   * does not start the answer, when later appends are there already (a read answers with them
   * too, so the poller comes back less often), or retention has passed `offset`: the caller reads.
   */
  async #answerFromBatch(offset: number, options: FetchOptions, batch: AppendedRecords): Promise<FetchResult | undefined> {
    const { topic, partition } = batch;
    const { logStartOffset, highWatermark } = await this.partitionOffsets(topic, partition);
    if (logStartOffset > offset || highWatermark > batch.highWatermark) return undefined;
    const slice = sliceOfBatch(batch, offset, options.maxRecords, options.maxBytes);
    return slice && { json: slice.json, count: slice.count, nextOffset: slice.nextOffset, highWatermark: batch.highWatermark, logStartOffset };
  }

  /**
   * See Log.readFromBatch: the records a read from `offset` returns, taken from the batch the caller
   * was woken by; undefined when the caller must read (see there). Counted as fetched, as read() is.
   */
  async readFromBatch(batch: AppendedRecords, offset: number, maxRecords: number, maxBytes: number): Promise<BatchSlice | undefined> {
    if (await this.view(batch.topic, undefined)) return undefined;
    const slice = sliceOfBatch(batch, offset, maxRecords, maxBytes);
    if (slice) this.#observer.fetched(batch.topic, slice.count, slice.bytes);
    return slice;
  }

  /** See Log.read. */
  async read(topic: string, partition: number, offset: number, maxRecords: number, maxBytes: number, format?: RecordFormat): Promise<StoredRecord[]> {
    const records = await this.#store.read(topic, partition, offset, { maxRecords, maxBytes });
    if (records.length === 0) return records;
    let bytes = 0;
    for (const r of records) bytes += recordBytes(r);
    this.#observer.fetched(topic, records.length, bytes);
    const view = await this.view(topic, format);
    return view ? view(records) : records;
  }

  /** See Log.readEncoded. */
  async readEncoded(topic: string, partition: number, offset: number, maxRecords: number, maxBytes: number, format?: RecordFormat): Promise<EncodedRecords> {
    const limits = { maxRecords, maxBytes };
    const view = await this.view(topic, format);
    if (view) return encodeRecords(topic, partition, offset, await view(await this.#store.read(topic, partition, offset, limits)));
    const encoded = await this.#store.readEncoded?.(topic, partition, offset, limits);
    return encoded ?? encodeRecords(topic, partition, offset, await this.#store.read(topic, partition, offset, limits));
  }

  /** How reads in `format` show `topic`'s stored values; undefined: as stored (topics without a schema). */
  async view(topic: string, format: RecordFormat | undefined): Promise<RecordView | undefined> {
    if (!this.#validator) return undefined;
    const meta = await this.#store.getTopic(topic);
    return meta && this.#validator.view(meta, format ?? 'json');
  }
}
