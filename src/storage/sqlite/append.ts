/**
 * One group commit: several produce requests appended in one transaction, each atomic on its own.
 */
import type { AppendOutcome, AppendRequest, PartitionOffsets, RecordPosition } from '../log-store.js';
import type { IdempotencyKeys } from './idempotency.js';
import { byteLength } from './reads.js';
import type { RecordTable } from './records.js';
import type { TimeIndex } from './time-index.js';
import type { TopicCatalog, TopicState } from './topics.js';

/** How one partition moves in this commit; applied to the in-memory bounds only after it commits. */
interface Move {
  topic: TopicState;
  start: number;
  hw: number;
  largest: number;
  spanLargest: number;
  maxTimestamp: number;
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

  /** Inside the commit's transaction: writes every request and the bookkeeping of each partition it touched. */
  write(requests: AppendRequest[]): AppendOutcome[] {
    const { topics, records, timeIndex } = this.#t;
    this.#moved.clear();
    try {
      const out: AppendOutcome[] = [];
      for (const request of requests) out.push(this.#writeOne(request));
      records.flush();
      for (const [bounds, move] of this.#moved) {
        topics.writeHighWatermark(move.topic, bounds.partition, move.hw, move.largest);
        timeIndex.add(move.topic, bounds.partition, move.start, move.maxTimestamp, move.spanLargest);
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
      move.topic.maxTimestamp[bounds.partition] = move.maxTimestamp;
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
        move = { topic, start: hw, hw, largest: topic.largest[p]!, spanLargest: 0, maxTimestamp: topic.maxTimestamp[p]! };
        this.#moved.set(bounds, move);
      }
      if (r.timestamp > move.maxTimestamp) move.maxTimestamp = r.timestamp;
      const offset = move.hw++;
      const bytes = byteLength(r.key) + byteLength(r.value) + byteLength(r.headers);
      if (bytes > move.spanLargest) move.spanLargest = bytes;
      if (bytes > move.largest) move.largest = bytes;
      this.#t.records.add(topic, r.partition, offset, r.timestamp, r.key, r.value, r.headers);
      positions[i] = { partition: r.partition, offset, timestamp: r.timestamp };
    }
    if (idem) this.#t.idempotency.put(topic, idem.key, { fingerprint: idem.fingerprint, positions, expiresAt: idem.expiresAt });
    return { status: 'appended', positions };
  }
}
