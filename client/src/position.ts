/**
 * Where a subscription is, so a new socket continues exactly where the last one stopped: the next
 * offset of every partition seen (from `subscribed`, `assigned` and each records frame) and, when
 * the gateway sends one, the cursor after the last frame. A record below a partition's next offset
 * was already received: it is dropped, so a resumed or redelivered stream never repeats one.
 */
import type { From, LogwayRecord } from './types.js';

export class Position {
  readonly #next = new Map<number, number>();
  #cursor: string | undefined;

  constructor(private readonly from: From | undefined) {
    if (from !== undefined && typeof from === 'object' && 'cursor' in from) this.#cursor = from.cursor;
  }

  /** The cursor after the last records received, when the gateway sends cursors. */
  get cursor(): string | undefined {
    return this.#cursor;
  }

  get offsets(): ReadonlyMap<number, number> {
    return this.#next;
  }

  /** A partition starts (or restarts, for a group member) at `offset`. */
  start(partition: number, offset: number): void {
    this.#next.set(partition, offset);
  }

  /** A socket started at `cursor` (its `subscribed` message): the place to come back to until records move it on. */
  startAt(cursor: string): void {
    this.#cursor = cursor;
  }

  /** The partition left this member (group mode): a later assignment starts where the group says. */
  forget(partition: number): void {
    this.#next.delete(partition);
  }

  /** The records of one frame not received before (all of them, unless a stream repeated some), and moves past them. */
  accept<V>(records: LogwayRecord<V>[], cursor: string | undefined): LogwayRecord<V>[] {
    const fresh = records.filter((r) => {
      const next = this.#next.get(r.partition);
      return next === undefined || r.offset >= next;
    });
    for (const r of fresh) this.#next.set(r.partition, r.offset + 1);
    if (cursor !== undefined) this.#cursor = cursor;
    return fresh;
  }

  /** `from` for the next socket: the cursor when there is one, else every partition's next offset, else where the user asked to start. */
  resumeFrom(): string | undefined {
    if (this.#cursor !== undefined) return `cursor:${this.#cursor}`;
    if (this.#next.size > 0) return [...this.#next].map(([p, o]) => `${p}:${o}`).join(',');
    const from = this.from;
    if (from === undefined || typeof from === 'string') return from;
    if ('offsets' in from) return Object.entries(from.offsets).map(([p, o]) => `${p}:${o}`).join(',');
    return `cursor:${from.cursor}`;
  }
}
