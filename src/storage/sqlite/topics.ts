/**
 * The topic catalogue: the `topics` and `partitions` tables, mirrored in memory.
 *
 * This process is the only writer, so topic metadata and partition bounds are read from memory;
 * the in-memory copy moves only after the transaction that wrote the rows has committed.
 *
 * `partitions.high_watermark` is not written per commit (that was one more row write per partition
 * per commit): it is written when retention moves the log start, so that it survives the deletion of
 * every record, and at open the high watermark is the larger of it and the last record's offset + 1
 * (TimeIndex.load). `partitions.max_record_bytes` is no longer written (schema 6): the largest record
 * comes from the time index's spans.
 */
import type Database from 'better-sqlite3';
import { ErrorCode, GatewayError } from '../../errors.js';
import type { PartitionOffsets, TopicConfig, TopicMeta } from '../log-store.js';
import type { OpenSpan } from './time-index.js';

export interface TopicState {
  id: number;
  meta: TopicMeta;
  /** Indexed by partition. Mutated only after a commit. */
  bounds: PartitionOffsets[];
  /** Indexed by partition: the largest record it holds or held, in bytes (key + value + headers). */
  largest: number[];
  /** Indexed by partition: the time index span its next commit extends (undefined before the first record). */
  spans: (OpenSpan | undefined)[];
  /**
   * Indexed by partition: the bytes of its records (keys, values, headers), once retention by size
   * has asked (one pass over the partition), then kept current by appends and deletions; undefined until then.
   */
  sizes: (number | undefined)[];
}

export class TopicCatalog {
  readonly #topics = new Map<string, TopicState>();
  readonly #stmt;

  constructor(db: Database.Database) {
    this.#stmt = {
      insertTopic: db.prepare('INSERT INTO topics (name, partitions, config, created_at) VALUES (?, ?, ?, ?)'),
      updateTopic: db.prepare('UPDATE topics SET partitions = ?, config = ? WHERE id = ?'),
      deleteTopic: db.prepare('DELETE FROM topics WHERE id = ?'),
      insertPartition: db.prepare(
        'INSERT INTO partitions (topic_id, partition, log_start_offset, high_watermark) VALUES (?, ?, 0, 0)',
      ),
      setLogStart: db.prepare(
        'UPDATE partitions SET log_start_offset = ?, high_watermark = max(high_watermark, ?) WHERE topic_id = ? AND partition = ?',
      ),
      deletePartitions: db.prepare('DELETE FROM partitions WHERE topic_id = ?'),
    };
    this.#load(db);
  }

  #load(db: Database.Database): void {
    const topics = db.prepare('SELECT id, name, partitions, config, created_at AS createdAt FROM topics').all() as {
      id: number;
      name: string;
      partitions: number;
      config: string;
      createdAt: number;
    }[];
    const bounds = db
      .prepare(
        'SELECT topic_id AS topicId, partition, log_start_offset AS logStartOffset, high_watermark AS highWatermark FROM partitions ORDER BY topic_id, partition',
      )
      .all() as { topicId: number; partition: number; logStartOffset: number; highWatermark: number }[];
    for (const t of topics) {
      this.#topics.set(t.name, {
        id: t.id,
        meta: { name: t.name, partitions: t.partitions, config: JSON.parse(t.config) as TopicConfig, createdAt: t.createdAt },
        bounds: [],
        largest: [],
        spans: [],
        sizes: [],
      });
    }
    const byId = this.byId();
    for (const b of bounds) {
      const topic = byId.get(b.topicId);
      topic?.bounds.push({ partition: b.partition, logStartOffset: b.logStartOffset, highWatermark: b.highWatermark });
      topic?.largest.push(0);
      topic?.spans.push(undefined);
      topic?.sizes.push(undefined);
    }
  }

  byId(): Map<number, TopicState> {
    return new Map([...this.#topics.values()].map((t) => [t.id, t]));
  }

  find(name: string): TopicState | undefined {
    return this.#topics.get(name);
  }

  /** Throws TOPIC_NOT_FOUND. */
  get(name: string): TopicState {
    const topic = this.#topics.get(name);
    if (!topic) throw new GatewayError(ErrorCode.TOPIC_NOT_FOUND, `topic '${name}' does not exist`, { topic: name });
    return topic;
  }

  list(): TopicMeta[] {
    return [...this.#topics.values()].map((t) => cloneMeta(t.meta)).sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Checks the name is free; call before the transaction that runs `insert`. */
  assertAbsent(name: string): void {
    if (this.#topics.has(name)) {
      throw new GatewayError(ErrorCode.TOPIC_ALREADY_EXISTS, `topic '${name}' already exists`, { topic: name });
    }
  }

  /** Inside a transaction: writes the topic and its partitions' rows; returns the new id. */
  insert(meta: TopicMeta): number {
    const id = Number(this.#stmt.insertTopic.run(meta.name, meta.partitions, JSON.stringify(meta.config), meta.createdAt).lastInsertRowid);
    for (let p = 0; p < meta.partitions; p++) this.#stmt.insertPartition.run(id, p);
    return id;
  }

  /** After the commit of `insert`. */
  added(id: number, meta: TopicMeta): void {
    const partitions = meta.partitions;
    const bounds = Array.from({ length: partitions }, (_, partition) => ({ partition, logStartOffset: 0, highWatermark: 0 }));
    const fill = (v: number) => new Array<number>(partitions).fill(v);
    const none = () => new Array<undefined>(partitions).fill(undefined);
    this.#topics.set(meta.name, { id, meta, bounds, largest: fill(0), spans: none(), sizes: none() });
  }

  /** Throws INVALID_PARTITIONS when the count would shrink; returns the topic's new meta, not yet applied. */
  planUpdate(topic: TopicState, change: { partitions?: number; config?: TopicConfig }): TopicMeta {
    const partitions = change.partitions ?? topic.meta.partitions;
    if (partitions < topic.meta.partitions) {
      throw new GatewayError(
        ErrorCode.INVALID_PARTITIONS,
        `topic '${topic.meta.name}' has ${topic.meta.partitions} partitions; the count can only grow`,
        { topic: topic.meta.name, partitions: topic.meta.partitions },
      );
    }
    return { ...topic.meta, partitions, config: { ...topic.meta.config, ...change.config } };
  }

  /** Inside a transaction. */
  update(topic: TopicState, meta: TopicMeta): void {
    this.#stmt.updateTopic.run(meta.partitions, JSON.stringify(meta.config), topic.id);
    for (let p = topic.meta.partitions; p < meta.partitions; p++) this.#stmt.insertPartition.run(topic.id, p);
  }

  /** After the commit of `update`. */
  updated(topic: TopicState, meta: TopicMeta): void {
    for (let p = topic.meta.partitions; p < meta.partitions; p++) {
      topic.bounds.push({ partition: p, logStartOffset: 0, highWatermark: 0 });
      topic.largest.push(0);
      topic.spans.push(undefined);
      topic.sizes.push(undefined);
    }
    topic.meta = meta;
  }

  /** Inside a transaction: the topic's own rows (its records and the rest are deleted by their owners). */
  delete(topic: TopicState): void {
    this.#stmt.deletePartitions.run(topic.id);
    this.#stmt.deleteTopic.run(topic.id);
  }

  /** After the commit of `delete`. */
  deleted(topic: TopicState): void {
    this.#topics.delete(topic.meta.name);
  }

  /** Inside a transaction: the log start offset, and the high watermark with it (see the top of this file). */
  writeLogStart(topic: TopicState, partition: number, offset: number): void {
    this.#stmt.setLogStart.run(offset, topic.bounds[partition]!.highWatermark, topic.id, partition);
  }
}

export function cloneMeta(meta: TopicMeta): TopicMeta {
  return { ...meta, config: { ...meta.config } };
}
