/**
 * The sparse time index, as Kafka keeps one entry per `index.interval.bytes`: one row per span of
 * about SPAN_BYTES of a partition's records, with the running maximum timestamp (which only grows
 * with the offset, so the first span whose maximum reaches a time T holds the first record at or
 * after T) and the span's largest record, which reads use to size their chunks.
 *
 * Per-commit bookkeeping is by partition, not by record: a commit writes nothing here unless it
 * opens a span. A partition's last row is its open span: written when it opens, rewritten with its
 * final values when the next one opens, and in between kept current in memory only (TopicState.spans).
 * After a crash its values are recomputed at open from the records it covers (at most one span's worth).
 */
import type Database from 'better-sqlite3';
import type { TopicState } from './topics.js';

/** Bytes (keys, values, headers) after which the next commit to a partition opens a new span. */
export const SPAN_BYTES = 64 * 1024;

/** The span a partition's next commit extends. Offsets from `start` to the high watermark. */
export interface OpenSpan {
  start: number;
  /** The largest timestamp in the partition up to the span's end (the running maximum). */
  maxTimestamp: number;
  /** The largest record in the span, in bytes (key + value + headers). */
  largest: number;
  /** The span's records' bytes. */
  bytes: number;
}

/** What one commit appended to one partition. */
export interface CommitSpan {
  start: number;
  maxTimestamp: number;
  largest: number;
  bytes: number;
}

export class TimeIndex {
  readonly #db: Database.Database;
  readonly #stmt;

  constructor(db: Database.Database) {
    this.#db = db;
    this.#stmt = {
      spanFor: db
        .prepare(
          'SELECT start_offset FROM time_index WHERE topic_id = ? AND partition = ? AND max_timestamp >= ? ORDER BY max_timestamp, start_offset LIMIT 1',
        )
        .pluck(),
      insert: db.prepare(
        'INSERT OR REPLACE INTO time_index (topic_id, partition, start_offset, max_timestamp, max_record_bytes) VALUES (?, ?, ?, ?, ?)',
      ),
      close: db.prepare(
        'UPDATE time_index SET max_timestamp = ?, max_record_bytes = ? WHERE topic_id = ? AND partition = ? AND start_offset = ?',
      ),
      // The spans a range [from, last] touches: the one holding `from`, and every one starting up to `last`.
      largestInRange: db
        .prepare(
          `SELECT max(max_record_bytes) FROM time_index WHERE topic_id = @topic AND partition = @partition AND start_offset <= @last
             AND start_offset >= (SELECT max(start_offset) FROM time_index WHERE topic_id = @topic AND partition = @partition AND start_offset <= @from)`,
        )
        .pluck(),
      deleteBefore: db.prepare(
        `DELETE FROM time_index WHERE topic_id = @topic AND partition = @partition AND start_offset <
           (SELECT max(start_offset) FROM time_index WHERE topic_id = @topic AND partition = @partition AND start_offset <= @offset)`,
      ),
      deleteTopic: db.prepare('DELETE FROM time_index WHERE topic_id = ?'),
    };
  }

  /**
   * At open: every partition's open span (recomputed from its records, since its row may predate a
   * crash), its largest record, and the offset after its last record, which makes the high watermark
   * when it is past the stored one (see TopicCatalog: that one is written only at truncation).
   */
  load(byId: Map<number, TopicState>): void {
    const lastSpans = this.#db
      .prepare(
        `SELECT topic_id AS topicId, partition, max(start_offset) AS start, max(max_timestamp) AS maxTimestamp,
           max(max_record_bytes) AS largest FROM time_index GROUP BY topic_id, partition`,
      )
      .all() as { topicId: number; partition: number; start: number; maxTimestamp: number; largest: number }[];
    const scan = this.#db.prepare(
      `SELECT max(offset) AS last, max(timestamp) AS maxTimestamp,
         max(coalesce(octet_length(key), 0) + octet_length(value) + coalesce(octet_length(headers), 0)) AS largest,
         sum(coalesce(octet_length(key), 0) + octet_length(value) + coalesce(octet_length(headers), 0)) AS bytes
       FROM records WHERE topic_id = ? AND partition = ? AND offset >= ?`,
    );
    for (const s of lastSpans) {
      const topic = byId.get(s.topicId);
      if (!topic || s.partition >= topic.bounds.length) continue;
      const tail = scan.get(s.topicId, s.partition, s.start) as { last: number | null; maxTimestamp: number | null; largest: number | null; bytes: number | null };
      topic.spans[s.partition] = {
        start: s.start,
        maxTimestamp: Math.max(s.maxTimestamp, tail.maxTimestamp ?? -1),
        largest: tail.largest ?? 0,
        bytes: tail.bytes ?? 0,
      };
      topic.largest[s.partition] = Math.max(s.largest, tail.largest ?? 0);
      const bounds = topic.bounds[s.partition]!;
      if (tail.last !== null && tail.last + 1 > bounds.highWatermark) bounds.highWatermark = tail.last + 1;
    }
  }

  /** The first offset of the span where the running maximum first reaches `timestamp`, if any does. */
  spanFor(topic: TopicState, partition: number, timestamp: number): number | undefined {
    // The open span's row may hold values from when it opened; they never exceed the real ones, and
    // every earlier span's maximum is at most them, so a row found is the right one, and when none
    // is found only the open span (from memory) can hold the time.
    const start = this.#stmt.spanFor.get(topic.id, partition, timestamp) as number | undefined;
    if (start !== undefined) return start;
    const open = topic.spans[partition];
    return open && open.maxTimestamp >= timestamp ? open.start : undefined;
  }

  /** The largest record of the spans the range [from, last] touches; null when none is indexed. */
  largestInRange(topic: TopicState, partition: number, from: number, last: number): number | null {
    const open = topic.spans[partition];
    if (open && from >= open.start) return open.largest;
    const stored = this.#stmt.largestInRange.get({ topic: topic.id, partition, from, last }) as number | null;
    // The open span's row may be behind its records: its largest comes from memory.
    return open && last >= open.start ? Math.max(stored ?? 0, open.largest) : stored;
  }

  /**
   * Inside the commit's transaction: the span a partition's commit lands in. It extends the open span
   * (no write) until that holds SPAN_BYTES; then the open span's row gets its final values and a new
   * span opens at the commit's first offset. Returns the open span to keep once the commit is durable.
   */
  extend(topic: TopicState, partition: number, commit: CommitSpan): OpenSpan {
    const open = topic.spans[partition];
    if (open && open.bytes < SPAN_BYTES) {
      return { start: open.start, maxTimestamp: commit.maxTimestamp, largest: Math.max(open.largest, commit.largest), bytes: open.bytes + commit.bytes };
    }
    if (open) this.#stmt.close.run(open.maxTimestamp, open.largest, topic.id, partition, open.start);
    this.#stmt.insert.run(topic.id, partition, commit.start, commit.maxTimestamp, commit.largest);
    return { ...commit };
  }

  /** Inside a transaction: the spans wholly below `offset` (the one holding it stays). */
  deleteBefore(topic: TopicState, partition: number, offset: number): void {
    this.#stmt.deleteBefore.run({ topic: topic.id, partition, offset });
  }

  /** Inside a transaction. */
  deleteTopic(topic: TopicState): void {
    this.#stmt.deleteTopic.run(topic.id);
  }
}
