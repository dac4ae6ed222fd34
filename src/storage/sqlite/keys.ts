/**
 * Records by key (issue 14): the latest record of a key, a page of the latest record per key, and
 * compaction, all through the partial index `records_by_key (topic_id, partition, key, offset)`.
 *
 * Keys compare as SQLite compares the column: by storage class first (TEXT before BLOB), then by
 * bytes (TEXT under the BINARY collation is its UTF-8 bytes), so a text key and a binary key are
 * never equal, and the key order is the one LogStore.readLatest documents.
 */
import type Database from 'better-sqlite3';
import {
  TOMBSTONE_VALUE,
  type CompactionProgress,
  type CompactionStep,
  type LatestQuery,
  type PartitionRecord,
  type RangeStep,
  type StoredRecord,
} from '../log-store.js';
import { RECORD_BYTES } from './records.js';
import type { StepPacer } from './step-pacer.js';
import type { TopicState } from './topics.js';

/** Offsets per compaction statement: the first, and the most it grows to (as RecordTable.deleteRange). */
const FIRST_CHUNK = 256;
const MAX_CHUNK = 65_536;
/**
 * Most records one compaction statement deletes. A chunk of offsets names its keys, and each key's
 * older versions lie anywhere in the partition: without a cap, the first chunk of a long-lived
 * partition deleted ~1,000 versions of each of its 256 keys in one statement (seconds, produce stalled).
 */
const MAX_DELETES = 250;

const IS_TOMBSTONE = `typeof(value) = 'text' AND value = '${TOMBSTONE_VALUE}'`;

type Row = [offset: number, timestamp: number, key: string | Buffer | null, value: string | Buffer, headers: string | null];

export class KeyIndex {
  readonly #stmt;

  constructor(db: Database.Database) {
    this.#stmt = {
      // One index seek per partition (for max(offset)), then the row: no scan of any partition.
      latestForKey: db
        .prepare(
          `WITH latest AS MATERIALIZED (
             SELECT p.partition, (SELECT max(m.offset) FROM records m WHERE m.topic_id = p.topic_id AND m.partition = p.partition AND m.key = @key) AS offset
             FROM partitions p WHERE p.topic_id = @topic)
           SELECT r.partition, r.offset, r.timestamp, r.key, r.value, r.headers
           FROM latest l CROSS JOIN records r ON r.topic_id = @topic AND r.partition = l.partition AND r.offset = l.offset
           ORDER BY r.partition`,
        )
        .raw(true),
      // The bare columns of a max() aggregate come from the row holding the maximum (SQLite's documented rule).
      // `key >= ''`: every key (text sorts before blob, and '' before any text), through the index.
      latestFirst: db.prepare(this.#latestSql("key >= ''")).raw(true),
      latestAfter: db.prepare(this.#latestSql('key > @after')).raw(true),
      // The older versions of the keys written in [from, to): one index range per key, however long the partition.
      superseded: db
        .prepare(
          `DELETE FROM records WHERE topic_id = @topic AND partition = @partition AND offset IN (
             SELECT o.offset
             FROM (SELECT DISTINCT key FROM records WHERE topic_id = @topic AND partition = @partition
                     AND offset >= @from AND offset < @to AND key IS NOT NULL) d
             CROSS JOIN records o INDEXED BY records_by_key ON o.topic_id = @topic AND o.partition = @partition AND o.key = d.key
             WHERE o.timestamp <= @maxTimestamp
               AND EXISTS (SELECT 1 FROM records n WHERE n.topic_id = @topic AND n.partition = @partition AND n.key = o.key
                             AND n.offset > o.offset AND n.offset < @before)
             LIMIT @limit)
           RETURNING ${RECORD_BYTES}`,
        )
        .pluck(),
      tombstones: db
        .prepare(
          `DELETE FROM records WHERE topic_id = @topic AND partition = @partition AND offset >= @from AND offset < @to
             AND key IS NOT NULL AND ${IS_TOMBSTONE}
             AND NOT EXISTS (SELECT 1 FROM records n WHERE n.topic_id = @topic AND n.partition = @partition AND n.key = records.key
                               AND n.offset > records.offset)
             -- An older version still there (kept by minCompactionLagMs) would come back without its tombstone.
             AND NOT EXISTS (SELECT 1 FROM records o WHERE o.topic_id = @topic AND o.partition = @partition AND o.key = records.key
                               AND o.offset < records.offset)
           RETURNING ${RECORD_BYTES}`,
        )
        .pluck(),
    };
  }

  #latestSql(keyCondition: string): string {
    return `SELECT max(offset), timestamp, key, value, headers FROM records
            WHERE topic_id = @topic AND partition = @partition AND ${keyCondition} AND offset < @before
            GROUP BY key HAVING NOT (${IS_TOMBSTONE}) ORDER BY key LIMIT @limit`;
  }

  latestForKey(topic: TopicState, key: string | Uint8Array): PartitionRecord[] {
    const rows = this.#stmt.latestForKey.all({ topic: topic.id, key }) as [number, ...Row][];
    return rows.map(([partition, offset, timestamp, k, value, headers]) => ({ partition, offset, timestamp, key: k, value, headers }));
  }

  readLatest(topic: TopicState, partition: number, query: LatestQuery): StoredRecord[] {
    const params = { topic: topic.id, partition, before: query.before, limit: query.limit };
    const rows = (
      query.afterKey === undefined ? this.#stmt.latestFirst.all(params) : this.#stmt.latestAfter.all({ ...params, after: query.afterKey })
    ) as Row[];
    return rows.map(([offset, timestamp, key, value, headers]) => ({ offset, timestamp, key, value, headers }));
  }

  /**
   * Inside a transaction: one compaction step (LogStore.compact), deleting no more records than
   * `pacer` allows for the step's budget (its commit included). Returns its progress, the bytes
   * deleted and the time its statements took.
   */
  compact(topic: TopicState, partition: number, step: CompactionStep, pacer: StepPacer): StepDone {
    const { maxTimestamp, before } = step;
    return inChunks(
      step,
      (from, to, limit) => this.#stmt.superseded.all({ topic: topic.id, partition, from, to, before, maxTimestamp, limit }) as number[],
      (elapsedMs, removed) => Math.min(MAX_DELETES, pacer.allowance(step.budgetMs, elapsedMs, removed)),
    );
  }

  /** Inside a transaction: tombstones that may go (LogStore.removeTombstones); the caller keeps `before` below the last offset. */
  removeTombstones(topic: TopicState, partition: number, step: RangeStep): StepDone {
    return inChunks(step, (from, to) => this.#stmt.tombstones.all({ topic: topic.id, partition, from, to }) as number[]);
  }
}

export interface StepDone extends CompactionProgress {
  bytes: number;
  /** Time the step's statements took (its commit comes after). */
  workMs: number;
}

/**
 * Runs `work` over [step.from, step.before) in chunks of offsets until about step.budgetMs has passed
 * (at least one chunk), growing the chunks while they take well under what is left (as
 * RecordTable.deleteRange). `work` deletes at most `limit` records (what `allowed` says may still go,
 * given the time spent and the records deleted so far) and returns their sizes; when that reaches
 * the limit the chunk may hold more, so the same chunk goes again (what was deleted is gone), or the
 * step ends there when nothing more is allowed.
 */
function inChunks(
  step: RangeStep,
  work: (from: number, to: number, limit: number) => number[],
  allowed: (elapsedMs: number, removed: number) => number = () => Infinity,
): StepDone {
  const started = performance.now();
  const deadline = started + step.budgetMs;
  let chunk = FIRST_CHUNK;
  let at = step.from;
  let removed = 0;
  let bytes = 0;
  let now = started;
  while (at < step.before) {
    const limit = allowed(now - started, removed);
    if (limit <= 0) break;
    const chunkStarted = now;
    const to = Math.min(at + chunk, step.before);
    const sizes = work(at, to, limit);
    removed += sizes.length;
    for (const b of sizes) bytes += b;
    const capped = sizes.length >= limit;
    if (!capped) at = to;
    now = performance.now();
    if (now >= deadline) break;
    if (!capped && (now - chunkStarted) * 4 < deadline - now && chunk < MAX_CHUNK) chunk *= 2;
  }
  return { reached: at, removed, bytes, workMs: now - started };
}
