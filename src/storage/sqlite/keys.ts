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
 * Most records one compaction statement deletes (and offsets one covers). A chunk of offsets names its
 * keys, and each key's older versions may lie anywhere below it: without a cap, the first chunk of a
 * long-lived partition deleted ~1,000 versions of each of its 256 keys in one statement (seconds,
 * produce stalled).
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
      // `key >= ''`: every key (text sorts before blob, and '' before any text), through the index.
      latestFirst: db.prepare(this.#latestSql("key >= ''")).raw(true),
      latestAfter: db.prepare(this.#latestSql('key > @after')).raw(true),
      // The older versions, below `from`, of the keys written in [from, to): one index range per key, however
      // long the partition. (Those in [from, to) go by `supersededInRange`, in offset order.)
      supersededBelow: db
        .prepare(
          `DELETE FROM records WHERE topic_id = @topic AND partition = @partition AND offset IN (
             SELECT o.offset
             FROM (SELECT DISTINCT key FROM records WHERE topic_id = @topic AND partition = @partition
                     AND offset >= @from AND offset < @to AND key IS NOT NULL) d
             CROSS JOIN records o INDEXED BY records_by_key ON o.topic_id = @topic AND o.partition = @partition AND o.key = d.key
             WHERE o.offset < @from AND o.timestamp <= @maxTimestamp
               AND EXISTS (SELECT 1 FROM records n WHERE n.topic_id = @topic AND n.partition = @partition AND n.key = o.key
                             AND n.offset > o.offset AND n.offset < @before)
             LIMIT @limit)
           RETURNING ${RECORD_BYTES}`,
        )
        .pluck(),
      // The records of [from, to) that a later version below `before` supersedes: neighbours in the
      // table, so the pages they dirty are shared (in key order each sat on a page of its own).
      supersededInRange: db
        .prepare(
          `DELETE FROM records WHERE topic_id = @topic AND partition = @partition AND offset >= @from AND offset < @to
             AND key IS NOT NULL AND timestamp <= @maxTimestamp
             AND EXISTS (SELECT 1 FROM records n INDEXED BY records_by_key WHERE n.topic_id = @topic AND n.partition = @partition
                           AND n.key = records.key AND n.offset > records.offset AND n.offset < @before)
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

  /**
   * Key by key through the index: the next key that has a version below `before` (one seek), then its
   * latest version below `before` (one seek). A page costs the keys it visits, however many versions
   * each has; a GROUP BY over the index read every version of every key on the way (4.1 ms against
   * 0.24 ms for 100 keys of 100 versions each, in-process). Tombstoned keys are visited, not counted.
   */
  #latestSql(keyCondition: string): string {
    const below = 'topic_id = @topic AND partition = @partition AND offset < @before';
    return `WITH RECURSIVE k(key) AS (
              SELECT (SELECT min(key) FROM records WHERE ${below} AND ${keyCondition})
              UNION ALL
              SELECT (SELECT min(key) FROM records WHERE ${below} AND key > k.key) FROM k WHERE k.key IS NOT NULL)
            SELECT r.offset, r.timestamp, r.key, r.value, r.headers
            FROM k CROSS JOIN records r ON r.topic_id = @topic AND r.partition = @partition
              AND r.offset = (SELECT max(offset) FROM records WHERE ${below} AND key = k.key)
            WHERE k.key IS NOT NULL AND NOT (${IS_TOMBSTONE})
            LIMIT @limit`;
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
   *
   * Chunk by chunk of offsets: first the older versions, below the chunk, of the keys written in it
   * (one index range per key: scattered, about a page each), then the chunk's own records that a later
   * version supersedes, in offset order. On a first pass over a long partition nearly every deletion
   * is of the second kind, neighbours sharing their pages: deleting them key by key wrote about one
   * table page per record to the WAL, which is what a step's commit costs (see step-pacer.ts).
   */
  compact(topic: TopicState, partition: number, step: CompactionStep, pacer: StepPacer): StepDone {
    const { maxTimestamp, before } = step;
    return inChunks(
      step,
      (from, to, limit) => {
        // Offsets are at most records (a compacted partition has gaps): a chunk never holds more than allowed.
        const end = Math.min(to, from + limit);
        const params = { topic: topic.id, partition, from, to: end, before, maxTimestamp };
        const below = this.#stmt.supersededBelow.all({ ...params, limit }) as number[];
        // Its keys have more old versions than this statement deleted: the same chunk again.
        if (below.length >= limit) return { sizes: below, reached: from };
        const reached = Math.min(end, from + limit - below.length);
        const own = this.#stmt.supersededInRange.all({ ...params, to: reached }) as number[];
        return { sizes: below.concat(own), reached };
      },
      (elapsedMs, removed) => Math.min(MAX_DELETES, pacer.allowance(step.budgetMs, elapsedMs, removed)),
    );
  }

  /** Inside a transaction: tombstones that may go (LogStore.removeTombstones); the caller keeps `before` below the last offset. */
  removeTombstones(topic: TopicState, partition: number, step: RangeStep): StepDone {
    return inChunks(step, (from, to) => ({ sizes: this.#stmt.tombstones.all({ topic: topic.id, partition, from, to }) as number[], reached: to }));
  }
}

export interface StepDone extends CompactionProgress {
  bytes: number;
  /** Time the step's statements took (its commit comes after). */
  workMs: number;
}

/** What one chunk's statements did: the sizes of the records they deleted, and the offset the chunk was done up to. */
interface ChunkDone {
  sizes: number[];
  reached: number;
}

/**
 * Runs `work` over [step.from, step.before) in chunks of offsets until about step.budgetMs has passed
 * (at least one chunk), growing the chunks while they take well under what is left (as
 * RecordTable.deleteRange). `work` deletes at most `limit` records (what `allowed` says may still go,
 * given the time spent and the records deleted so far) and says how far into the chunk it got: short
 * of its end when that limit stopped it (the rest comes next, or in the next step when nothing
 * more is allowed).
 */
function inChunks(
  step: RangeStep,
  work: (from: number, to: number, limit: number) => ChunkDone,
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
    const done = work(at, to, limit);
    removed += done.sizes.length;
    for (const b of done.sizes) bytes += b;
    at = done.reached;
    now = performance.now();
    if (now >= deadline) break;
    if (at === to && (now - chunkStarted) * 4 < deadline - now && chunk < MAX_CHUNK) chunk *= 2;
  }
  return { reached: at, removed, bytes, workMs: now - started };
}
