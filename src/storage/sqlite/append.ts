/**
 * One group commit: several produce requests appended in one transaction, each atomic on its own.
 */
import type { AppendOutcome, AppendRequest, PartitionOffsets, RecordPosition } from '../log-store.js';
import type { IdempotencyKeys } from './idempotency.js';
import { byteLength } from './reads.js';
import type { RecordTable } from './records.js';
import type { OpenSpan, TimeIndex } from './time-index.js';
import type { TopicCatalog, TopicState } from './topics.js';

/** How one partition moves in this commit; applied to the in-memory state only after it commits. */
interface Move {
  topic: TopicState;
  /** The commit's first offset in the partition, and the next offset after it. */
  start: number;
  hw: number;
  /** The partition's largest record so far, and the commit's. */
  largest: number;
  commitLargest: number;
  commitBytes: number;
  /** The running maximum timestamp of the partition. */
  maxTimestamp: number;
  /** The time index span once this commit is in it (set at the end of the transaction). */
  span?: OpenSpan;
}

export interface AppendTables {
  topics: TopicCatalog;
  records: RecordTable;
  timeIndex: TimeIndex;
  idempotency: IdempotencyKeys;
}

export class Appender {
  readonly #t: AppendTables;
  /** Partitions this commit moves, keyed by their in-memory bounds. */
  readonly #moved = new Map<PartitionOffsets, Move>();

  constructor(tables: AppendTables) {
    this.#t = tables;
  }

  /**
   * Inside the commit's transaction: writes every request's records. Bookkeeping is by partition and
   * mostly in memory: the high watermark is derived at open (topics.ts), and the time index gets a row
   * only when a partition's commit opens a new span (time-index.ts).
   */
  write(requests: AppendRequest[]): AppendOutcome[] {
    const { records, timeIndex } = this.#t;
    this.#moved.clear();
    try {
      const out: AppendOutcome[] = [];
      for (const request of requests) out.push(this.#writeOne(request));
      records.flush();
      for (const [bounds, move] of this.#moved) {
        move.span = timeIndex.extend(move.topic, bounds.partition, {
          start: move.start,
          maxTimestamp: move.maxTimestamp,
          largest: move.commitLargest,
          bytes: move.commitBytes,
        });
      }
      return out;
    } catch (err) {
      records.discard();
      this.#moved.clear();
      throw err;
    }
  }

  /** After the commit: the in-memory bounds move. */
  committed(): void {
    for (const [bounds, move] of this.#moved) {
      bounds.highWatermark = move.hw;
      move.topic.largest[bounds.partition] = move.largest;
      move.topic.spans[bounds.partition] = move.span;
      const size = move.topic.sizes[bounds.partition];
      if (size !== undefined) move.topic.sizes[bounds.partition] = size + move.commitBytes;
    }
    this.#moved.clear();
  }

  #writeOne(request: AppendRequest): AppendOutcome {
    const topic = this.#t.topics.find(request.topic);
    if (!topic) return { status: 'rejected', reason: 'topic-not-found' };
    if (request.records.some((r) => r.partition < 0 || r.partition >= topic.bounds.length)) {
      return { status: 'rejected', reason: 'partition-not-found' };
    }
    const idem = request.idempotency;
    if (idem) {
      const seen = this.#t.idempotency.get(topic, idem.key);
      if (seen && seen.expiresAt > idem.now) {
        return seen.fingerprint === idem.fingerprint ? { status: 'replayed', positions: seen.positions } : { status: 'key-reused' };
      }
    }
    const positions: RecordPosition[] = new Array(request.records.length);
    for (let i = 0; i < request.records.length; i++) {
      const r = request.records[i]!;
      const bounds = topic.bounds[r.partition]!;
      let move = this.#moved.get(bounds);
      if (!move) {
        const p = r.partition;
        const hw = bounds.highWatermark;
        const maxTimestamp = topic.spans[p]?.maxTimestamp ?? -1;
        move = { topic, start: hw, hw, largest: topic.largest[p]!, commitLargest: 0, commitBytes: 0, maxTimestamp };
        this.#moved.set(bounds, move);
      }
      if (r.timestamp > move.maxTimestamp) move.maxTimestamp = r.timestamp;
      const offset = move.hw++;
      const bytes = byteLength(r.key) + byteLength(r.value) + byteLength(r.headers);
      move.commitBytes += bytes;
      if (bytes > move.commitLargest) move.commitLargest = bytes;
      if (bytes > move.largest) move.largest = bytes;
      this.#t.records.add(topic, r.partition, offset, r.timestamp, r.key, r.value, r.headers);
      positions[i] = { partition: r.partition, offset, timestamp: r.timestamp };
    }
    if (idem) this.#t.idempotency.put(topic, idem.key, { fingerprint: idem.fingerprint, positions, expiresAt: idem.expiresAt });
    return { status: 'appended', positions };
  }
}
