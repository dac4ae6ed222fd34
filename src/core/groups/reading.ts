/**
 * How members read their granted partitions: REST polls (read from the member's position,
 * long-poll on the notifier) and socket members (position, then advance as records are sent).
 * Positions live in memory only (see the durability note in core/groups.ts).
 */
import type { AbortSource } from '../abort.js';
import type { PartitionOffsets } from '../../storage/log-store.js';
import { tpKey, type TopicPartition } from '../assignor.js';
import type { Log } from '../log.js';
import type { AppendedRecords, Notifier } from '../notifier.js';
import type { Wake } from '../waiter-registry.js';
import { recordBytes, recordsJsonItems } from '../record-codec.js';
import { notOwner } from './checks.js';
import type { Group } from './group.js';
import { clone, type MemberState } from './state.js';
import { AutoOffsetReset, type PollOptions, type PollResult } from './types.js';

export class GroupReader {
  readonly #log: Log;
  readonly #notifier: Notifier;
  #polls = 0;

  constructor(deps: { log: Log; notifier: Notifier }) {
    this.#log = deps.log;
    this.#notifier = deps.notifier;
  }

  /** Where the member reads a granted partition next. */
  async position(g: Group, memberId: string, topic: string, partition: number): Promise<number> {
    const m = g.requireMember(memberId);
    const tp = { topic, partition };
    if (!m.granted.some((x) => x.topic === topic && x.partition === partition)) throw notOwner(g.name, memberId, tp);
    const bounds = (await this.#log.topicOffsets(topic))[partition];
    if (!bounds) throw notOwner(g.name, memberId, tp);
    return this.#positionOf(g, m, tp, bounds);
  }

  /** Records what a member has been sent; ignored for a partition it does not hold (any more). */
  advance(g: Group, memberId: string, topic: string, partition: number, nextOffset: number): void {
    const m = g.member(memberId);
    if (!m || !m.granted.some((x) => x.topic === topic && x.partition === partition)) return;
    g.positionsOf(memberId).set(tpKey({ topic, partition }), nextOffset);
  }

  async poll(g: Group, memberId: string, options: PollOptions): Promise<PollResult> {
    g.requireMember(memberId);
    g.touch(memberId);
    g.polling.set(memberId, (g.polling.get(memberId) ?? 0) + 1);
    try {
      const minBytes = Math.max(options.minBytes ?? 1, 1);
      // With minBytes, a read that is not enough must not move the member's positions: the
      // answer, once there is enough, starts where this one did.
      const advance = minBytes === 1;
      const deadline = performance.now() + options.waitMs;
      let read = await this.#readOnce(g, memberId, options, advance);
      for (;;) {
        const enough = read.result.recordCount > 0 && (minBytes === 1 || read.bytes >= minBytes || read.full);
        const remaining = deadline - performance.now();
        if (enough || remaining <= 0 || !g.member(memberId)) break;
        const wake = await this.#waitForRecords(g, memberId, read.result.nextOffsets, remaining, options.signals, minBytes - read.bytes);
        if (!g.member(memberId)) break;
        // The append that woke the wait is answered from its batch in memory, not read again per member.
        read = await this.#readOnce(g, memberId, options, advance, wake.batch);
        // Without minBytes one wait is all; with it, an append that did not bring enough waits on.
        if (wake.reason !== 'appended' || minBytes === 1) break;
      }
      if (!advance) {
        for (const p of read.result.nextOffsets) this.advance(g, memberId, p.topic, p.partition, p.offset);
      }
      return read.result;
    } finally {
      const n = (g.polling.get(memberId) ?? 1) - 1;
      if (n > 0) g.polling.set(memberId, n);
      else g.polling.delete(memberId);
      g.touch(memberId);
    }
  }

  /**
   * One pass over the member's partitions from its positions. `bytes`: record bytes read; `full`:
   * records were left unread (limits reached), so waiting for more would not grow the answer.
   */
  async #readOnce(
    g: Group,
    memberId: string,
    options: PollOptions,
    advance: boolean,
    woken?: AppendedRecords,
  ): Promise<{ result: PollResult; bytes: number; full: boolean }> {
    const m = g.requireMember(memberId);
    const granted = clone(m.granted);
    const chunks: Uint8Array[] = [];
    let count = 0;
    let bytes = 0;
    let full = false;
    const read = new Map<string, number>();
    // Rotate the starting partition from poll to poll, so that a busy partition cannot starve the others.
    const rotation = this.#polls++ % Math.max(granted.length, 1);
    const order = [...granted.slice(rotation), ...granted.slice(0, rotation)];
    const boundsByTopic = new Map<string, PartitionOffsets[]>();
    for (const tp of order) {
      let bounds = boundsByTopic.get(tp.topic);
      if (!bounds) {
        bounds = await this.#log.topicOffsets(tp.topic).catch(() => [] as PartitionOffsets[]);
        boundsByTopic.set(tp.topic, bounds);
      }
      const b = bounds[tp.partition];
      if (!b) continue;
      const from = this.#positionOf(g, m, tp, b);
      read.set(tpKey(tp), from);
      if (from >= b.highWatermark) continue;
      if (count >= options.maxRecords || (bytes >= options.maxBytes && count > 0)) {
        full = true;
        continue;
      }
      const part = await this.#readPartition(tp, from, b, options.maxRecords - count, Math.max(options.maxBytes - bytes, 1), woken);
      if (!part) continue;
      // A partition revoked while we read is not delivered (its position is not advanced either).
      if (!g.member(memberId)?.granted.some((x) => x.topic === tp.topic && x.partition === tp.partition)) continue;
      count += part.count;
      bytes += part.bytes;
      chunks.push(part.json);
      const next = part.nextOffset;
      read.set(tpKey(tp), next);
      if (next < b.highWatermark) full = true;
      if (advance) this.advance(g, memberId, tp.topic, tp.partition, next);
    }
    // An answer at its record or byte limit cannot grow, even with every partition drained.
    if (count >= options.maxRecords || (bytes >= options.maxBytes && count > 0)) full = true;
    const now = g.member(memberId);
    const still = new Set((now?.granted ?? []).map(tpKey));
    const result: PollResult = {
      memberEpoch: now?.memberEpoch ?? m.memberEpoch,
      assignment: clone(now?.granted ?? []),
      records: chunks,
      recordCount: count,
      nextOffsets: granted
        .filter((tp) => still.has(tpKey(tp)) && read.has(tpKey(tp)))
        .map((tp) => ({ topic: tp.topic, partition: tp.partition, offset: read.get(tpKey(tp))! })),
    };
    return { result, bytes, full };
  }

  /**
   * One partition's records from `from`: from the batch that woke the poll when it holds what a read
   * returns (the partition has nothing past it and its log starts at or before `from`), else read.
   */
  async #readPartition(tp: TopicPartition, from: number, bounds: PartitionOffsets, maxRecords: number, maxBytes: number, woken?: AppendedRecords) {
    if (woken && woken.topic === tp.topic && woken.partition === tp.partition && woken.highWatermark === bounds.highWatermark && bounds.logStartOffset <= from) {
      const slice = await this.#log.readFromBatch(woken, from, maxRecords, maxBytes);
      if (slice) return slice;
    }
    const records = await this.#log.read(tp.topic, tp.partition, from, maxRecords, maxBytes);
    if (!records.length) return undefined;
    let bytes = 0;
    for (const r of records) bytes += recordBytes(r); // UTF-8, as the store and fetch count
    const json = Buffer.from(recordsJsonItems(tp.topic, tp.partition, records));
    return { json, count: records.length, bytes, nextOffset: records[records.length - 1]!.offset + 1 };
  }

  /** The member's read position in a granted partition: kept in memory, else committed, else autoOffsetReset. */
  #positionOf(g: Group, m: MemberState, tp: TopicPartition, bounds: PartitionOffsets): number {
    const positions = g.positionsOf(m.memberId);
    const key = tpKey(tp);
    let pos = positions.get(key) ?? g.committed.get(key)?.offset;
    if (pos === undefined || pos > bounds.highWatermark) {
      pos = m.autoOffsetReset === AutoOffsetReset.earliest ? bounds.logStartOffset : bounds.highWatermark;
    }
    // Retention may have deleted what it would read next: continue at the oldest record kept (as Kafka does with earliest).
    if (pos < bounds.logStartOffset) pos = bounds.logStartOffset;
    positions.set(key, pos);
    return pos;
  }

  /**
   * Waits until one of the member's partitions passes the position it was just read to (with
   * `minBytes`: until that many record bytes were appended past them), in the waiter registry.
   * An append published between that read and this call answers at once, as in
   * Notifier.waitForAppend. A grant or a revocation ends the wait, so the member learns it promptly.
   */
  async #waitForRecords(
    g: Group,
    memberId: string,
    positions: { topic: string; partition: number; offset: number }[],
    waitMs: number,
    signals: readonly AbortSource[] = [],
    minBytes = 1,
  ): Promise<Wake> {
    const parked = this.#notifier.waiters.park({
      partitions: positions.map((p) => ({ topic: p.topic, partition: p.partition, highWatermark: p.offset })),
      timeoutMs: Math.ceil(waitMs),
      signals,
      minBytes,
    });
    const off = g.listen(memberId, () => parked.end());
    try {
      return await parked.result;
    } finally {
      off();
    }
  }
}
