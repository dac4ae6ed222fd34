/**
 * Reads a whole topic from a cursor (or from earliest, latest, a time): every partition, fairly,
 * with one long-poll for all of them. REST topic reads and Server-Sent Events are its callers.
 *
 * Fairness: an answer's record and byte budgets are first shared equally among the partitions
 * that have records, then what is left goes round the partitions again from a starting point
 * that moves with the position, so a busy partition cannot starve a quiet one, and a read
 * limited to fewer records than there are partitions does not always favour partition 0.
 *
 * Waiting: a read that finds nothing parks ONE wait watching every partition in the waiter
 * registry (core/waiter-registry.ts), so a reader of a topic of many partitions costs one
 * waiter, woken off the commit path like any long-poll.
 *
 * Retention: a position below a partition's log start (the records were deleted) moves to the
 * log start, and the read says so in `resets`; never a silent jump.
 */
import type { AbortSource } from './abort.js';
import { ErrorCode, GatewayError } from '../errors.js';
import type { PartitionOffsets, StoredRecord, TopicMeta } from '../storage/log-store.js';
import { cursorEncoder, decodeCursor, topicFingerprint, type TopicPosition } from './cursor.js';
import { partitionNotFound, type Log } from './log.js';
import { recordBytes } from './record-codec.js';
import type { RecordFormat } from './record-validation.js';

/** Where a first read starts (a cursor says it for later ones). */
export type TopicStart = { kind: 'earliest' } | { kind: 'latest' } | { kind: 'time'; timestamp: number };

/** A partition whose position was below its log start: records from `offset` to `logStartOffset` were deleted by retention. */
export interface PositionReset {
  partition: number;
  offset: number;
  logStartOffset: number;
}

export interface TopicReadOptions {
  maxRecords: number;
  maxBytes: number;
  /** Wait up to this long for a record when no partition has one. */
  waitMs: number;
  signals?: readonly AbortSource[];
  /** Values of a topic bound to a schema: decoded to JSON (default) or in Confluent's wire format. */
  format?: RecordFormat | undefined;
}

/** Records of one partition, in offset order. */
export interface PartitionRecords {
  partition: number;
  records: StoredRecord[];
}

export interface TopicReadResult {
  batches: PartitionRecords[];
  /** The position after these records. */
  position: TopicPosition;
  resets: PositionReset[];
}

/** A position in one topic, resolved against the topic as it is now. */
export class TopicCursor {
  readonly topic: TopicMeta;
  readonly allPartitions: boolean;
  readonly #offsets: Map<number, number>;
  readonly #encode: (position: TopicPosition) => string;

  constructor(topic: TopicMeta, position: TopicPosition) {
    this.topic = topic;
    this.allPartitions = position.allPartitions;
    this.#offsets = new Map(position.offsets);
    this.#encode = cursorEncoder(topic);
  }

  get offsets(): ReadonlyMap<number, number> {
    return this.#offsets;
  }

  /** The partitions read, ascending. */
  get partitions(): number[] {
    return [...this.#offsets.keys()].sort((a, b) => a - b);
  }

  advance(partition: number, nextOffset: number): void {
    this.#offsets.set(partition, nextOffset);
  }

  /** Stops reading a partition (a group member's partition was revoked). */
  forget(partition: number): void {
    this.#offsets.delete(partition);
  }

  position(): TopicPosition {
    return { allPartitions: this.allPartitions, offsets: new Map(this.#offsets) };
  }

  /** The cursor text of the position now. */
  encode(): string {
    return this.#encode({ allPartitions: this.allPartitions, offsets: this.#offsets });
  }

  /**
   * Partitions added to the topic since (a cursor of every partition reads them from their
   * start), and positions below the log start moved up to it, reported.
   */
  settle(bounds: readonly PartitionOffsets[]): PositionReset[] {
    if (this.allPartitions) {
      for (const b of bounds) if (!this.#offsets.has(b.partition)) this.#offsets.set(b.partition, b.logStartOffset);
    }
    const resets: PositionReset[] = [];
    for (const [partition, offset] of this.#offsets) {
      const b = bounds[partition];
      if (b && offset < b.logStartOffset) {
        resets.push({ partition, offset, logStartOffset: b.logStartOffset });
        this.#offsets.set(partition, b.logStartOffset);
      }
    }
    return resets;
  }
}

export class TopicReader {
  readonly #log: Log;

  constructor(log: Log) {
    this.#log = log;
  }

  /**
   * The position a read starts from: a cursor's (checked against the topic: INVALID_CURSOR when
   * it is malformed, of another topic, or names partitions or offsets the topic lacks), else
   * `start` for the partitions asked (default: every partition, and those added later).
   * TOPIC_NOT_FOUND, PARTITION_NOT_FOUND.
   */
  async open(
    topicName: string,
    request: { cursor?: string | undefined; start?: TopicStart | undefined; partitions?: readonly number[] | undefined; field?: string },
  ): Promise<{ cursor: TopicCursor; resets: PositionReset[] }> {
    const topic = await this.#log.describeTopic(topicName);
    const bounds = topic.partitionOffsets;
    let cursor: TopicCursor;
    if (request.cursor !== undefined) {
      const field = request.field ?? 'cursor';
      const position = checkCursor(topic, bounds, request.cursor, field);
      cursor = new TopicCursor(topic, request.partitions ? narrow(position, request.partitions, bounds, field) : position);
    } else {
      const partitions = request.partitions ?? bounds.map((b) => b.partition);
      const offsets = new Map<number, number>();
      for (const partition of partitions) {
        const b = bounds[partition];
        if (!b) throw partitionNotFound(topicName, partition, bounds.length);
        offsets.set(partition, await this.#startOffset(topicName, b, request.start ?? { kind: 'earliest' }));
      }
      cursor = new TopicCursor(topic, { allPartitions: request.partitions === undefined, offsets });
    }
    return { cursor, resets: cursor.settle(bounds) };
  }

  /**
   * Records from the cursor's position on, fair across partitions; the cursor advances past them.
   * With `waitMs`, waits for a record when there is none (one parked wait for all partitions).
   */
  async read(cursor: TopicCursor, options: TopicReadOptions): Promise<TopicReadResult> {
    const topic = cursor.topic.name;
    let bounds = await this.#bounds(cursor);
    const resets = cursor.settle(bounds);
    let batches = await this.#readFair(cursor, bounds, options);
    if (batches.length === 0 && options.waitMs > 0) {
      const wake = await this.#log.notifier.waiters.park({
        partitions: cursor.partitions.map((partition) => ({ topic, partition, highWatermark: bounds[partition]?.highWatermark ?? 0 })),
        timeoutMs: options.waitMs,
        signals: options.signals,
      }).result;
      if (wake.reason === 'appended' || wake.reason === 'ended') {
        bounds = await this.#bounds(cursor);
        resets.push(...cursor.settle(bounds));
        batches = await this.#readFair(cursor, bounds, options);
      }
    }
    return { batches, position: cursor.position(), resets };
  }

  async #bounds(cursor: TopicCursor): Promise<PartitionOffsets[]> {
    const bounds = await this.#log.topicOffsets(cursor.topic.name);
    // Deleted meanwhile: the store knows no partitions of it any more.
    if (bounds.length === 0) throw new GatewayError(ErrorCode.TOPIC_NOT_FOUND, `topic '${cursor.topic.name}' does not exist`, { topic: cursor.topic.name });
    return bounds;
  }

  async #startOffset(topic: string, bounds: PartitionOffsets, start: TopicStart): Promise<number> {
    switch (start.kind) {
      case 'earliest':
        return bounds.logStartOffset;
      case 'latest':
        return bounds.highWatermark;
      case 'time':
        return this.#log.offsetForTimestamp(topic, bounds.partition, start.timestamp);
    }
  }

  async #readFair(cursor: TopicCursor, bounds: readonly PartitionOffsets[], options: TopicReadOptions): Promise<PartitionRecords[]> {
    const topic = cursor.topic.name;
    const ready = cursor.partitions.filter((p) => cursor.offsets.get(p)! < (bounds[p]?.highWatermark ?? 0));
    if (ready.length === 0) return [];
    // Rotate where the second round starts with the position, so leftovers do not always go to the same partition.
    let turn = 0;
    for (const p of ready) turn += cursor.offsets.get(p)!;
    const order = ready.map((_, i) => ready[(i + turn) % ready.length]!);
    let records = Math.max(options.maxRecords, 1);
    let bytes = Math.max(options.maxBytes, 1);
    const byPartition = new Map<number, StoredRecord[]>();
    const exhausted = new Set<number>();
    const take = async (partition: number, maxRecords: number, maxBytes: number) => {
      const offset = cursor.offsets.get(partition)!;
      const got = await this.#log.read(topic, partition, offset, maxRecords, maxBytes, options.format);
      if (got.length === 0) return;
      let list = byPartition.get(partition);
      if (!list) byPartition.set(partition, (list = []));
      list.push(...got);
      cursor.advance(partition, got[got.length - 1]!.offset + 1);
      records -= got.length;
      for (const r of got) bytes -= recordBytes(r);
      if (cursor.offsets.get(partition)! >= (bounds[partition]?.highWatermark ?? 0)) exhausted.add(partition);
    };
    const recordShare = Math.max(1, Math.floor(records / ready.length));
    const byteShare = Math.max(1, Math.floor(bytes / ready.length));
    for (const partition of order) {
      if (records <= 0 || bytes <= 0) break;
      await take(partition, Math.min(recordShare, records), Math.min(byteShare, bytes));
    }
    for (const partition of order) {
      if (records <= 0 || bytes <= 0) break;
      if (!exhausted.has(partition)) await take(partition, records, bytes);
    }
    return [...byPartition].sort((a, b) => a[0] - b[0]).map(([partition, list]) => ({ partition, records: list }));
  }
}

/** A cursor's position, checked against the topic it is used with. */
function checkCursor(topic: TopicMeta, bounds: readonly PartitionOffsets[], text: string, field: string): TopicPosition {
  const decoded = decodeCursor(text);
  if (typeof decoded === 'string') throw cursorError(field, decoded);
  if (decoded.fingerprint !== topicFingerprint(topic)) {
    throw cursorError(field, `is not a cursor of topic '${topic.name}': it belongs to another topic, or to an earlier topic of that name (deleted and created again)`);
  }
  for (const [partition, offset] of decoded.offsets) {
    const b = bounds[partition];
    if (!b) throw cursorError(field, `names partition ${partition}; topic '${topic.name}' has partitions 0-${bounds.length - 1}`);
    if (offset > b.highWatermark) {
      throw cursorError(field, `is ahead of partition ${partition}: offset ${offset}, but its highWatermark is ${b.highWatermark}`);
    }
  }
  return decoded;
}

function cursorError(field: string, message: string): GatewayError {
  return new GatewayError(ErrorCode.INVALID_CURSOR, `${field}: ${message}`, { errors: [{ path: field, message }] });
}

/**
 * A cursor used with a partition filter: its offsets of those partitions. A cursor of every
 * partition reads one it does not name from its start (the partition was added after it).
 */
function narrow(position: TopicPosition, partitions: readonly number[], bounds: readonly PartitionOffsets[], field: string): TopicPosition {
  const offsets = new Map<number, number>();
  for (const partition of partitions) {
    const b = bounds[partition];
    const offset = position.offsets.get(partition) ?? (position.allPartitions && b ? b.logStartOffset : undefined);
    if (offset === undefined) throw cursorError(field, `has no position for partition ${partition}, which partitions asks for`);
    offsets.set(partition, offset);
  }
  return { allPartitions: false, offsets };
}
