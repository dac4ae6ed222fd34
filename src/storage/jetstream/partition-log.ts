/**
 * One partition: one replicated stream whose messages are record batches (batch-codec.ts). A batch is
 * found by its sequence and an offset by a binary search over the batches' Lw-Base headers
 * (batch-search.ts). Sequences are dense from the stream's first to its last message until compaction
 * deletes a batch inside the stream (deleteBatch): reads and searches then ask for the first message at
 * or after a sequence (one request, whatever the gap), and offsets keep their gaps, as the SQLite
 * store's do.
 *
 * Writes are fenced: every publish says which sequence it expects to be the stream's last
 * (Nats-Expected-Last-Sequence), so offsets stay dense however many gateways write; a writer whose
 * view is stale is refused, re-reads the tail and tries again. Every publish carries a message id
 * (Nats-Msg-Id): the server checks it before the expected sequence, so the retry of a publish that
 * was in fact stored is answered with the original sequence instead of storing it twice.
 */
import { headers as natsHeaders, TimeoutError, NoRespondersError, type MsgHdrs } from '@nats-io/transport-node';
import type { JetStreamClient, JetStreamManager, MsgRequest, StoredMsg } from '@nats-io/jetstream';
import type { ReadLimits, RecordToAppend, StoredRecord } from '../log-store.js';
import {
  BASE_HEADER,
  BYTES_FROM_HEADER,
  BYTES_HEADER,
  COUNT_HEADER,
  MAX_TS_HEADER,
  batchHeader,
  decodeBatch,
  encodeBatch,
  framingSize,
  recordBytes,
  type BatchHeader,
  type ByteCount,
} from './batch-codec.js';
import type { BatchCache } from './batch-cache.js';
import { firstBatchWhere, firstReaching, locate } from './batch-search.js';
import { isNoMessageFound, isStreamNotFound, isWrongLastSequence, StaleLeaderError, StreamGoneError } from './cluster-errors.js';

/** What this gateway believes the partition's tail is; refreshed whenever a fenced publish is refused. */
interface Tail {
  firstSeq: number;
  lastSeq: number;
  highWatermark: number;
  /** Running maximum timestamp (-Infinity before the first record). */
  maxTimestamp: number;
  /** The last batch's running byte count; undefined when empty or that batch predates the count. */
  byteCount?: ByteCount;
}

/** Headers remembered per partition; a batch's headers never change, so the cache is never stale. */
const HEADER_CACHE_ENTRIES = 4096;

/** Header of one publish: what else a batch carries (the idempotency fingerprint, for instance). */
export type ExtraHeaders = Record<string, string>;

export interface PublishOutcome {
  base: number;
  /** The server had this message id already: the batch stored then is the one answered. */
  duplicate: boolean;
  /** The stored batch's headers (for a duplicate, the original's). */
  stored?: MsgHdrs;
  /** For a duplicate: its records' timestamps as stored (a retry's answer repeats the original's). */
  timestamps?: number[];
}

export class PartitionLog {
  readonly stream: string;
  readonly subject: string;
  readonly #js: JetStreamClient;
  readonly #jsm: JetStreamManager;
  readonly #timeoutMs: number;
  readonly #cache: BatchCache;
  #tail: Tail | undefined;
  /** The highest sequence this gateway has seen stored; a stream's last sequence never goes below it. */
  #seen = 0;
  readonly #headers = new Map<number, BatchHeader>();
  /** Writes to one partition go one at a time from this gateway (fencing orders them across gateways). */
  #writing: Promise<unknown> = Promise.resolve();

  constructor(js: JetStreamClient, jsm: JetStreamManager, stream: string, subject: string, timeoutMs: number, cache: BatchCache) {
    this.#js = js;
    this.#cache = cache;
    this.#jsm = jsm;
    this.stream = stream;
    this.subject = subject;
    this.#timeoutMs = timeoutMs;
  }

  /** The tail as this gateway knows it, read from the cluster when unknown. */
  async tail(): Promise<Tail> {
    return (this.#tail ??= await this.#readTail());
  }

  /** Forget the tail (another gateway wrote, or retention purged): the next use reads it again. */
  invalidate(): void {
    this.#tail = undefined;
  }

  /** Told by the tail feed that a batch was stored (by any gateway): moves the tail forward. */
  heard(seq: number, h: BatchHeader): void {
    this.#seen = Math.max(this.#seen, seq);
    this.#remember(seq, h);
    const tail = this.#tail;
    if (tail && seq === tail.lastSeq + 1) {
      tail.lastSeq = seq;
      tail.highWatermark = h.base + h.count;
      tail.maxTimestamp = Math.max(tail.maxTimestamp, h.maxTimestamp);
      tail.byteCount = h.byteCount;
    } else if (tail && seq > tail.lastSeq) {
      this.#tail = undefined; // a gap in what we heard (the feed is at-most-once): re-read it
    }
  }

  async #readTail(): Promise<Tail> {
    const info = await this.#jsm.streams.info(this.stream);
    const { first_seq: firstSeq, last_seq: lastSeq, messages } = info.state;
    if (lastSeq < this.#seen) throw new StaleLeaderError(this.stream, lastSeq, this.#seen);
    this.#seen = lastSeq;
    if (messages === 0) return { firstSeq: lastSeq + 1, lastSeq, highWatermark: 0, maxTimestamp: -Infinity };
    const last = await this.header(lastSeq);
    return { firstSeq, lastSeq, highWatermark: last.base + last.count, maxTimestamp: last.maxTimestamp, byteCount: last.byteCount };
  }

  #remember(seq: number, h: BatchHeader): void {
    if (this.#headers.size >= HEADER_CACHE_ENTRIES) this.#headers.clear();
    this.#headers.set(seq, h);
  }

  async #get(seq: number): Promise<StoredMsg | null> {
    const msg = await this.#jsm.streams.getMessage(this.stream, { seq });
    if (msg) this.#remember(seq, batchHeader(msg.header));
    return msg;
  }

  /** The first message at or after `seq` (past a purge or compaction's deletes), or null when there is none. */
  async #getAtOrAfter(seq: number): Promise<StoredMsg | null> {
    // STREAM.MSG.GET takes next_by_subj since nats-server 2.9; the client types it for direct gets only.
    const query = { seq, next_by_subj: this.subject } as unknown as MsgRequest;
    const msg = await this.#jsm.streams.getMessage(this.stream, query);
    if (msg) this.#remember(msg.seq, batchHeader(msg.header));
    // Asked at or before the stream's first batch as known, answered later: the first batches were deleted.
    const tail = this.#tail;
    if (msg && tail && seq <= tail.firstSeq && msg.seq > tail.firstSeq) tail.firstSeq = msg.seq;
    return msg;
  }

  /** The headers of the first batch at or after `seq`, and its sequence; `seq` must not be past the last batch. */
  async headerAtOrAfter(seq: number): Promise<{ seq: number; header: BatchHeader }> {
    const known = this.#headers.get(seq);
    if (known) return { seq, header: known };
    const msg = await this.#getAtOrAfter(seq);
    if (!msg) throw new Error(`stream ${this.stream} has no message at or after ${seq}`);
    return { seq: msg.seq, header: batchHeader(msg.header) };
  }

  /** The headers of the batch at `seq` (which must exist). */
  async header(seq: number): Promise<BatchHeader> {
    const known = this.#headers.get(seq);
    if (known) return known;
    const msg = await this.#get(seq);
    if (!msg) throw new Error(`stream ${this.stream} has no message ${seq}`);
    return batchHeader(msg.header);
  }

  /**
   * Appends `records` as one batch at the tail and resolves with its first offset. Serialised per
   * partition in this gateway. `deadline` (epoch ms) bounds the retries after timeouts and lost
   * leaders: past it the last error is thrown (the caller answers 503). `bytes`: the payload size when the
   * caller has summed it already (append does, to split batches), so no record is measured twice.
   */
  publish(records: readonly RecordToAppend[], msgId: string, extra: ExtraHeaders, deadline: number, bytes?: number): Promise<PublishOutcome> {
    const run = this.#writing.then(() => this.#publish(records, msgId, extra, deadline, bytes));
    this.#writing = run.catch(() => undefined);
    return run;
  }

  async #publish(records: readonly RecordToAppend[], msgId: string, extra: ExtraHeaders, deadline: number, bytes?: number): Promise<PublishOutcome> {
    const payload = encodeBatch(records, bytes);
    let batchMax = -Infinity;
    let framing = 0;
    for (const r of records) {
      if (r.timestamp > batchMax) batchMax = r.timestamp;
      framing += framingSize(r);
    }
    const batchBytes = payload.byteLength - framing;
    for (let attempt = 0; ; attempt++) {
      try {
        const tail = await this.tail();
        const maxTimestamp = Math.max(tail.maxTimestamp, batchMax);
        // Read before the publish: the tail feed may move the tail while the ack is on its way.
        const base = tail.highWatermark;
        const expected = tail.lastSeq;
        // Continues the last batch's count; after a batch without one (or on an empty stream), starts at this base.
        const byteCount = { from: tail.byteCount?.from ?? base, bytes: (tail.byteCount?.bytes ?? 0) + batchBytes };
        const h = natsHeaders();
        h.set(BASE_HEADER, String(base));
        h.set(COUNT_HEADER, String(records.length));
        h.set(MAX_TS_HEADER, String(maxTimestamp));
        h.set(BYTES_FROM_HEADER, String(byteCount.from));
        h.set(BYTES_HEADER, String(byteCount.bytes));
        for (const [k, v] of Object.entries(extra)) h.set(k, v);
        const timeout = Math.max(100, Math.min(this.#timeoutMs, deadline - Date.now()));
        const ack = await this.#js.publish(this.subject, payload, { msgID: msgId, expect: { lastSequence: expected }, headers: h, timeout });
        if (ack.duplicate) {
          // Stored by an earlier attempt (ours, or another gateway's with the same id): answer with that.
          this.#tail = undefined;
          const original = await this.#get(ack.seq);
          const kept = batchHeader(original?.header);
          // Answered only from what was stored: gone (retention purged it) or cut otherwise than this batch
          // (another maxBatchBytes), it cannot say where these records are.
          if (!original || kept.count !== records.length) {
            throw new Error(`${this.stream}: message ${msgId} was stored ${original ? `with ${kept.count} records, not ${records.length}` : 'and is gone'}`);
          }
          const timestamps = decodeBatch(original.data, kept.base).map((r) => r.timestamp);
          return { base: kept.base, duplicate: true, stored: original.header, timestamps };
        }
        const header = { base, count: records.length, maxTimestamp, byteCount };
        this.#seen = Math.max(this.#seen, ack.seq);
        this.#remember(ack.seq, header);
        // Readers following the tail (long-polls, sockets) find the batch without fetching it.
        const stored = records.map((r, i) => ({ offset: base + i, timestamp: r.timestamp, key: r.key, value: r.value, headers: r.headers }));
        this.#cache.put(this.stream, ack.seq, stored, payload.byteLength);
        // The tail feed may have told us of this batch already: set, never add.
        if (this.#tail === tail && tail.lastSeq < ack.seq) {
          tail.lastSeq = ack.seq;
          tail.highWatermark = header.base + header.count;
          tail.maxTimestamp = maxTimestamp;
          tail.byteCount = byteCount;
        }
        return { base: header.base, duplicate: false, stored: h };
      } catch (err) {
        this.#tail = undefined;
        if (isWrongLastSequence(err)) continue; // another writer got there first: re-read the tail
        if (await this.#gone(err)) throw new StreamGoneError(this.stream);
        // A stale leader may be replaced by a complete replica within the deadline: wait like for a lost one.
        const transient =
          err instanceof TimeoutError || err instanceof NoRespondersError || err instanceof StaleLeaderError || (err as { code?: number }).code === 503;
        if (!transient || Date.now() + 250 >= deadline) throw err;
        await new Promise((r) => setTimeout(r, Math.min(50 * 2 ** attempt, 500)));
      }
    }
  }

  /**
   * Whether a failure means the stream was deleted: said outright, or a publish nobody answered
   * (a deleted stream's subject has no listener) while the cluster reports the stream missing.
   */
  async #gone(err: unknown): Promise<boolean> {
    if (isStreamNotFound(err)) return true;
    if (!(err instanceof NoRespondersError) && (err as { code?: number }).code !== 503) return false;
    try {
      await this.#jsm.streams.info(this.stream);
      return false;
    } catch (check) {
      return isStreamNotFound(check);
    }
  }

  /** See batch-search.ts. */
  locate(offset: number): Promise<number | undefined> {
    return locate(this, offset);
  }

  /** See batch-search.ts. */
  firstReaching(timestamp: number): Promise<number | undefined> {
    return firstReaching(this, timestamp);
  }

  /** See batch-search.ts. */
  firstBatchWhere(lo: number, hi: number, test: (h: BatchHeader) => boolean): Promise<number> {
    return firstBatchWhere(this, lo, hi, test);
  }

  /**
   * The first batch at or after `seq` and its records; undefined when there is none (past the stream's
   * last message). A purged or deleted `seq` gives the next batch kept.
   */
  async batchAtOrAfter(seq: number): Promise<{ seq: number; records: StoredRecord[] } | undefined> {
    const cached = this.#cache.get(this.stream, seq);
    if (cached) return { seq, records: cached };
    const msg = await this.#getAtOrAfter(seq);
    if (!msg) return undefined;
    const records = this.#cache.get(this.stream, msg.seq) ?? decodeBatch(msg.data, batchHeader(msg.header).base);
    this.#cache.put(this.stream, msg.seq, records, msg.data.byteLength);
    return { seq: msg.seq, records };
  }

  /**
   * Deletes the batch at `seq` from inside the stream (compaction: every record of it is superseded), never
   * the stream's last batch, whose headers give the high watermark. Resolves false when it was not there.
   */
  async deleteBatch(seq: number): Promise<boolean> {
    const tail = await this.tail();
    if (seq >= tail.lastSeq) throw new Error(`${this.stream}: the last batch (${tail.lastSeq}) is never deleted`);
    const deleted = await this.#jsm.streams.deleteMessage(this.stream, seq, false).catch((err: unknown) => {
      if (isNoMessageFound(err)) return false;
      throw err;
    });
    // After the delete: a read in between would have put the batch back in the cache.
    this.#cache.delete(this.stream, seq);
    this.#headers.delete(seq);
    if (seq === tail.firstSeq) this.#tail = undefined; // the stream's first message moved
    return deleted;
  }

  /** The records of the batch at `seq`, or undefined when it is gone (purged) or not there yet. */
  async batch(seq: number): Promise<StoredRecord[] | undefined> {
    return this.#cache.get(this.stream, seq) ?? this.#fetchBatch(seq);
  }

  /** Records at offsets >= `from` within the limits, up to the known tail. */
  async read(from: number, limits: ReadLimits): Promise<StoredRecord[]> {
    const tail = await this.tail();
    if (from >= tail.highWatermark) return [];
    let seq = await this.locate(from);
    const out: StoredRecord[] = [];
    let bytes = 0;
    while (seq !== undefined && seq <= tail.lastSeq && out.length < limits.maxRecords) {
      // Purged under us (retention) or deleted (compaction): the next batch kept.
      const found = await this.batchAtOrAfter(seq);
      if (!found || found.seq > tail.lastSeq) break;
      seq = found.seq;
      const records = found.records;
      for (const r of records) {
        if (r.offset < from) continue;
        bytes += recordBytes(r);
        if ((bytes > limits.maxBytes && out.length > 0) || out.length >= limits.maxRecords) return out;
        out.push(r);
      }
      seq++;
    }
    return out;
  }

  /** The batch at `seq` read from the stream, not the cache (it may have been deleted since it was cached). */
  async #fetchBatch(seq: number): Promise<StoredRecord[] | undefined> {
    const msg = await this.#get(seq);
    if (!msg) return undefined;
    const records = decodeBatch(msg.data, batchHeader(msg.header).base);
    this.#cache.put(this.stream, seq, records, msg.data.byteLength);
    return records;
  }

  /**
   * The records at `offsets` (ascending), fetching each batch once (`fromStream`: from the stream, even when cached); an offset whose batch is gone (purged by
   * retention meanwhile) is left out.
   */
  async recordsAt(offsets: readonly number[], fromStream = false): Promise<StoredRecord[]> {
    const out: StoredRecord[] = [];
    let records: StoredRecord[] | undefined;
    for (const offset of offsets) {
      const first = records?.[0]?.offset ?? Infinity;
      if (!records || offset < first || offset >= first + records.length) {
        const seq = await this.locate(offset);
        records = seq === undefined ? undefined : fromStream ? await this.#fetchBatch(seq) : await this.batch(seq);
        if (!records?.length) continue;
      }
      // Offsets are dense within a batch.
      const r = records[offset - records[0]!.offset];
      if (r?.offset === offset) out.push(r);
    }
    return out;
  }

  /** Deletes every batch before the one at `seq` (the batch holding the new log start stays). */
  async purgeBefore(seq: number): Promise<void> {
    const tail = await this.tail();
    if (seq <= tail.firstSeq) return;
    await this.#jsm.streams.purge(this.stream, { seq });
    tail.firstSeq = Math.max(tail.firstSeq, seq);
  }
}
