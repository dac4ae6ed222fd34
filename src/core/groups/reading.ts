/**
 * How members read their granted partitions: REST polls (read from the member's position,
 * long-poll on the notifier) and socket members (position, then advance as records are sent).
 * Positions live in memory only (see the durability note in core/groups.ts).
 */
import type { PartitionOffsets } from '../../storage/log-store.js';
import { anyAborted, onAnyAbort } from '../abort.js';
import { tpKey, type TopicPartition } from '../assignor.js';
import type { Log } from '../log.js';
import type { Notifier } from '../notifier.js';
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
      let result = await this.#readOnce(g, memberId, options);
      if (result.recordCount === 0 && options.waitMs > 0 && g.member(memberId)) {
        await this.#waitForRecords(g, memberId, result.nextOffsets, options.waitMs, options.signals);
        if (g.member(memberId)) result = await this.#readOnce(g, memberId, options);
      }
      return result;
    } finally {
      const n = (g.polling.get(memberId) ?? 1) - 1;
      if (n > 0) g.polling.set(memberId, n);
      else g.polling.delete(memberId);
      g.touch(memberId);
    }
  }

  async #readOnce(g: Group, memberId: string, options: PollOptions): Promise<PollResult> {
    const m = g.requireMember(memberId);
    const granted = clone(m.granted);
    let items = '';
    let count = 0;
    let bytes = 0;
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
      if (count >= options.maxRecords || (bytes >= options.maxBytes && count > 0) || from >= b.highWatermark) continue;
      const records = await this.#log.read(tp.topic, tp.partition, from, options.maxRecords - count, Math.max(options.maxBytes - bytes, 1));
      if (!records.length) continue;
      // A partition revoked while we read is not delivered (its position is not advanced either).
      if (!g.member(memberId)?.granted.some((x) => x.topic === tp.topic && x.partition === tp.partition)) continue;
      count += records.length;
      for (const r of records) bytes += recordBytes(r); // UTF-8, as the store and fetch count
      // Appended, not joined at the end: each partition's text is added to the rope once, never copied.
      items += (items ? ',' : '') + recordsJsonItems(tp.topic, tp.partition, records);
      const next = records[records.length - 1]!.offset + 1;
      read.set(tpKey(tp), next);
      this.advance(g, memberId, tp.topic, tp.partition, next);
    }
    const now = g.member(memberId);
    const still = new Set((now?.granted ?? []).map(tpKey));
    return {
      memberEpoch: now?.memberEpoch ?? m.memberEpoch,
      assignment: clone(now?.granted ?? []),
      recordsJson: '[' + items + ']',
      recordCount: count,
      nextOffsets: granted
        .filter((tp) => still.has(tpKey(tp)) && read.has(tpKey(tp)))
        .map((tp) => ({ topic: tp.topic, partition: tp.partition, offset: read.get(tpKey(tp))! })),
    };
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
   * Waits until one of the member's partitions passes the position it was just read to. An append
   * published between that read and this call answers at once (the read awaited the store, so other
   * commits could land meanwhile), as in Notifier.waitForAppend.
   */
  #waitForRecords(
    g: Group,
    memberId: string,
    positions: { topic: string; partition: number; offset: number }[],
    waitMs: number,
    signals: readonly AbortSignal[] = [],
  ): Promise<void> {
    return new Promise((resolve) => {
      if (anyAborted(signals)) return resolve();
      if (positions.some((p) => (this.#notifier.publishedHighWatermark(p.topic, p.partition) ?? -1) > p.offset)) return resolve();
      const offs: (() => void)[] = [this.#notifier.beginWait()];
      const done = () => {
        clearTimeout(timer);
        for (const off of offs) off();
        resolve();
      };
      const timer = setTimeout(done, waitMs);
      for (const tp of positions) offs.push(this.#notifier.onAppend(tp.topic, tp.partition, done));
      // A grant or a revocation answers the poll early, so the member learns it promptly.
      offs.push(g.listen(memberId, done));
      offs.push(onAnyAbort(signals, done));
    });
  }
}
