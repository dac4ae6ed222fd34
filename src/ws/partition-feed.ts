/**
 * One partition streamed to one socket: where it is, and whether it is caught up.
 *
 * Two modes, and the invariant that makes switching between them safe: `position`
 * is the next offset to send, and records leave only in offset order from it, so a
 * socket never sees a gap or a duplicate whichever way a record reached it.
 * - catching up: the session reads the log from `position` in bounded chunks;
 *   appended batches are ignored (the reads will find them) but raise `knownHighWatermark`,
 *   so the feed goes live only once a read finds nothing AND no append it has been
 *   told of lies beyond it (an append can land between a read and its result).
 * - live: appended batches are queued by reference (shared with every other socket)
 *   and sent from there; the session drops the queue and goes back to catching up
 *   when it grows past its bound, so a stalled socket holds no records in memory.
 */
import { recordBytes } from '../core/record-codec.js';
import type { AppendedRecords } from '../core/notifier.js';
import type { StoredRecord } from '../storage/log-store.js';

/** Byte sizes of appended batches, computed once however many sockets queue them. */
const batchBytes = new WeakMap<readonly StoredRecord[], number>();

function bytesOf(records: readonly StoredRecord[], start: number, remember = true): number {
  const cacheable = start === 0 && remember;
  if (cacheable) {
    const known = batchBytes.get(records);
    if (known !== undefined) return known;
  }
  let bytes = 0;
  for (let i = start; i < records.length; i++) bytes += recordBytes(records[i]!);
  if (cacheable) batchBytes.set(records, bytes);
  return bytes;
}

interface QueuedBatch {
  records: readonly StoredRecord[];
  /** Index of the first record not yet sent. */
  start: number;
  bytes: number;
}

export class PartitionFeed {
  readonly topic: string;
  readonly partition: number;
  /** Next offset to send. */
  position: number;
  /** Highest high watermark seen in appends or reads. */
  knownHighWatermark: number;
  /** Set once the feed is removed; an in-flight read for it is then discarded. */
  stopped = false;
  #live = false;
  readonly #queue: QueuedBatch[] = [];
  #queuedBytes = 0;
  /** Offset after the last queued record. */
  #queueEnd: number;
  #unlisten: () => void = () => {};

  /**
   * `readsOnly`: never go live (a topic whose values are decoded per read, see core/record-validation.ts):
   * appended batches only wake the feed, which reads them from the log.
   */
  constructor(
    topic: string,
    partition: number,
    position: number,
    highWatermark: number,
    readonly readsOnly = false,
  ) {
    this.topic = topic;
    this.partition = partition;
    this.position = position;
    this.#queueEnd = position;
    this.knownHighWatermark = highWatermark;
  }

  get live(): boolean {
    return this.#live;
  }

  get queuedBytes(): number {
    return this.#queuedBytes;
  }

  get hasQueued(): boolean {
    return this.#queue.length > 0;
  }

  /** The notifier subscription, removed by stop(). */
  listenWith(unlisten: () => void): void {
    this.#unlisten = unlisten;
  }

  stop(): void {
    this.stopped = true;
    this.#unlisten();
    this.catchUp();
  }

  /** A catch-up read found nothing: go live if no known append lies beyond `position` (true: nothing to read now). */
  tryGoLive(): boolean {
    if (this.position < this.knownHighWatermark) return false;
    if (this.readsOnly) return true;
    this.#live = true;
    this.#queueEnd = this.position;
    return true;
  }

  /** Forget queued batches and read from the log again from `position`. */
  catchUp(): void {
    this.#live = false;
    this.#queue.length = 0;
    this.#queuedBytes = 0;
    this.#queueEnd = this.position;
  }

  /**
   * An appended batch: queued (by reference) from the first record not yet sent or queued.
   * A batch that starts beyond what this feed has seen means something was missed:
   * the feed falls back to reading the log (never a gap).
   */
  offer(batch: AppendedRecords): void {
    if (batch.highWatermark > this.knownHighWatermark) this.knownHighWatermark = batch.highWatermark;
    if (!this.#live || batch.records.length === 0) return;
    const first = batch.records[0]!.offset;
    if (batch.highWatermark <= this.#queueEnd) return; // already sent or queued
    if (first > this.#queueEnd) {
      this.catchUp();
      return;
    }
    const start = this.#queueEnd - first;
    const bytes = bytesOf(batch.records, start);
    this.#queue.push({ records: batch.records, start, bytes });
    this.#queuedBytes += bytes;
    this.#queueEnd = batch.highWatermark;
  }

  /**
   * Up to `max` queued records, in order, as a slice [start, end) of an appended batch
   * array (shared with every other socket, so equal slices can share one frame).
   */
  take(max: number): { batch: readonly StoredRecord[]; start: number; end: number } | undefined {
    const head = this.#queue[0];
    if (!head || max <= 0) return undefined;
    const start = head.start;
    const end = Math.min(head.records.length, start + max);
    const bytes = end === head.records.length ? head.bytes : bytesOf(head.records.slice(start, end), 0, false);
    head.start = end;
    head.bytes -= bytes;
    this.#queuedBytes -= bytes;
    if (end === head.records.length) this.#queue.shift();
    return { batch: head.records, start, end };
  }
}
