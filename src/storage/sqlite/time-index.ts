/**
 * The sparse time index (see migrations.ts): one row per partition per commit with the running
 * maximum timestamp, and the largest record of that span, which reads use to size their chunks.
 */
import type Database from 'better-sqlite3';
import type { TopicState } from './topics.js';

export class TimeIndex {
  readonly #stmt;

  constructor(db: Database.Database) {
    this.#stmt = {
      // The time index finds the span where the running maximum first reaches the time;
      // records before it are all older, so a scan for the first match starts there.
      spanFor: db
        .prepare(
          'SELECT start_offset FROM time_index WHERE topic_id = ? AND partition = ? AND max_timestamp >= ? ORDER BY max_timestamp, start_offset LIMIT 1',
        )
        .pluck(),
      insert: db.prepare(
        'INSERT OR REPLACE INTO time_index (topic_id, partition, start_offset, max_timestamp, max_record_bytes) VALUES (?, ?, ?, ?, ?)',
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
      maxima: db.prepare(
        'SELECT topic_id AS topicId, partition, max(max_timestamp) AS maxTimestamp FROM time_index GROUP BY topic_id, partition',
      ),
    };
  }

  /** At open: each partition's largest timestamp so far, the running maximum new spans continue from. */
  loadMaxima(byId: Map<number, TopicState>): void {
    for (const m of this.#stmt.maxima.all() as { topicId: number; partition: number; maxTimestamp: number }[]) {
      const topic = byId.get(m.topicId);
      if (topic && m.partition < topic.maxTimestamp.length) topic.maxTimestamp[m.partition] = m.maxTimestamp;
    }
  }

  /** The first offset of the span where the running maximum first reaches `timestamp`, if any does. */
  spanFor(topic: TopicState, partition: number, timestamp: number): number | undefined {
    return this.#stmt.spanFor.get(topic.id, partition, timestamp) as number | undefined;
  }

  /** The largest record of the spans the range [from, last] touches; null when none is indexed. */
  largestInRange(topic: TopicState, partition: number, from: number, last: number): number | null {
    return this.#stmt.largestInRange.get({ topic: topic.id, partition, from, last }) as number | null;
  }

  /** Inside a transaction: a span starting at `start`. */
  add(topic: TopicState, partition: number, start: number, maxTimestamp: number, largest: number): void {
    this.#stmt.insert.run(topic.id, partition, start, maxTimestamp, largest);
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
