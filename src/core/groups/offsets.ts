/**
 * A group's committed offsets: fenced commits by members, administrative commits and resets
 * while the group has no members, and lag against the high watermarks. Every offset is checked
 * against the log before anything is written, so bad input changes nothing.
 */
import { ErrorCode, GatewayError, invalid, type FieldError } from '../../errors.js';
import type { CommittedOffset, LogStore, PartitionOffsets } from '../../storage/log-store.js';
import { tpKey } from '../assignor.js';
import type { Clock } from '../clock.js';
import type { Log } from '../log.js';
import { notOwner, staleEpoch } from './checks.js';
import type { Group } from './group.js';
import { ResetTarget, type CommitRequest, type GroupOffsets, type PartitionLag, type ResetRequest } from './types.js';

type Offset = { topic: string; partition: number; offset: number };

/** What can be checked without the group or the log: throws INVALID_REQUEST naming every bad field. */
export function checkCommitRequest(request: CommitRequest): void {
  const offsets = request.offsets;
  const errors: FieldError[] = [];
  if (!offsets.length) errors.push({ path: 'offsets', message: 'must list at least one offset' });
  const seen = new Set<string>();
  offsets.forEach((o, i) => {
    if (!Number.isSafeInteger(o.offset) || o.offset < 0) errors.push({ path: `offsets/${i}/offset`, message: 'must be an integer >= 0' });
    if (!Number.isSafeInteger(o.partition) || o.partition < 0) errors.push({ path: `offsets/${i}/partition`, message: 'must be an integer >= 0' });
    if (seen.has(tpKey(o))) errors.push({ path: `offsets/${i}`, message: `${tpKey(o)} is listed twice` });
    seen.add(tpKey(o));
  });
  if (request.memberId === undefined && request.memberEpoch !== undefined) {
    errors.push({ path: 'memberId', message: 'is required with memberEpoch' });
  }
  if (request.memberId !== undefined && request.memberEpoch === undefined) {
    errors.push({ path: 'memberEpoch', message: 'is required with memberId' });
  }
  if (errors.length) throw invalid(errors[0]!.message, errors);
}

export class GroupOffsetBook {
  readonly #store: LogStore;
  readonly #log: Log;
  readonly #clock: Clock;

  constructor(deps: { store: LogStore; log: Log; clock: Clock }) {
    this.#store = deps.store;
    this.#log = deps.log;
    this.#clock = deps.clock;
  }

  /** Call inside g.exclusive(), after checkCommitRequest. A member's commit is a sign of life. */
  async commit(g: Group, request: CommitRequest): Promise<CommittedOffset[]> {
    const offsets = request.offsets;
    if (request.memberId !== undefined) {
      const m = g.requireMember(request.memberId);
      if (request.memberEpoch !== m.memberEpoch) throw staleEpoch(g.name, m.memberId, request.memberEpoch!, m.memberEpoch);
      const held = new Set([...m.granted, ...m.revoking].map(tpKey));
      const foreign = offsets.find((o) => !held.has(tpKey(o)));
      if (foreign) throw notOwner(g.name, m.memberId, foreign);
      g.touch(m.memberId);
    } else if (g.memberCount) {
      throw new GatewayError(
        ErrorCode.GROUP_NOT_EMPTY,
        `group '${g.name}' has ${g.memberCount} members: only they may commit (with memberId and memberEpoch)`,
        { group: g.name, members: g.memberCount },
      );
    }
    await this.#check(offsets, 'offsets');
    const stored = offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: o.offset }));
    return this.#save(g, stored);
  }

  /** Call inside g.exclusive(). */
  async reset(g: Group, request: ResetRequest): Promise<GroupOffsets> {
    g.requireEmpty('reset its offsets');
    const topics = request.topics ?? [...new Set([...g.committed.values()].map((c) => c.topic))];
    if (!topics.length) throw invalid('topics: the group has no committed offsets; name the topics to reset', [{ path: 'topics', message: 'required when the group has no committed offsets' }]);
    if (request.to === ResetTarget.timestamp && request.timestamp === undefined) {
      throw invalid('timestamp: required when to is timestamp', [{ path: 'timestamp', message: 'required when to is timestamp' }]);
    }
    if (request.to === ResetTarget.offset && request.offset === undefined) {
      throw invalid('offset: required when to is offset', [{ path: 'offset', message: 'required when to is offset' }]);
    }
    const offsets: Offset[] = [];
    for (const topic of topics) {
      for (const b of await this.#log.topicOffsets(topic)) {
        let offset: number;
        if (request.to === ResetTarget.earliest) offset = b.logStartOffset;
        else if (request.to === ResetTarget.latest) offset = b.highWatermark;
        else if (request.to === ResetTarget.timestamp) offset = await this.#log.offsetForTimestamp(topic, b.partition, request.timestamp!);
        else offset = request.offset!;
        offsets.push({ topic, partition: b.partition, offset });
      }
    }
    await this.#check(offsets, 'offset');
    await this.#save(g, offsets);
    return this.lag(g);
  }

  /** Committed offsets of the group, plus every partition of its members' topics, with high watermark and lag. */
  async lag(g: Group): Promise<GroupOffsets> {
    const topics = new Set([...g.committed.values()].map((c) => c.topic));
    for (const m of g.state.members.values()) for (const t of m.topics) topics.add(t);
    const rows: PartitionLag[] = [];
    let totalLag = 0;
    for (const topic of [...topics].sort()) {
      const bounds = await this.#log.topicOffsets(topic).catch(() => undefined);
      if (!bounds) continue;
      for (const b of bounds) {
        const c = g.committed.get(tpKey({ topic, partition: b.partition }));
        const lag = c ? Math.max(0, b.highWatermark - c.offset) : null;
        if (lag !== null) totalLag += lag;
        rows.push({
          topic,
          partition: b.partition,
          committedOffset: c?.offset ?? null,
          committedAt: c?.committedAt ?? null,
          logStartOffset: b.logStartOffset,
          highWatermark: b.highWatermark,
          lag,
        });
      }
    }
    return { group: g.name, offsets: rows, totalLag };
  }

  /** Writes the offsets, then mirrors them in memory (only once they are stored). */
  async #save(g: Group, offsets: Offset[]): Promise<CommittedOffset[]> {
    const now = this.#clock.now();
    await this.#store.commitOffsets(g.name, offsets, now, { fence: g.fence });
    for (const o of offsets) g.committed.set(tpKey(o), { ...o, committedAt: now });
    return offsets.map((o) => ({ ...o, committedAt: now }));
  }

  /** Every offset names an existing partition and lies in [0, highWatermark]. Nothing is written on failure. */
  async #check(offsets: Offset[], field: string): Promise<void> {
    const byTopic = new Map<string, PartitionOffsets[]>();
    for (let i = 0; i < offsets.length; i++) {
      const o = offsets[i]!;
      let bounds = byTopic.get(o.topic);
      if (!bounds) byTopic.set(o.topic, (bounds = await this.#log.topicOffsets(o.topic)));
      const b = bounds[o.partition];
      if (!b) {
        throw new GatewayError(
          ErrorCode.PARTITION_NOT_FOUND,
          `partition ${o.partition} does not exist; topic '${o.topic}' has partitions 0-${bounds.length - 1}`,
          { topic: o.topic, partition: o.partition, partitions: bounds.length },
        );
      }
      if (o.offset > b.highWatermark) {
        const path = field === 'offsets' ? `offsets/${i}/offset` : field;
        const message = `offset ${o.offset} is past the high watermark ${b.highWatermark} of ${o.topic}/${o.partition}`;
        throw new GatewayError(ErrorCode.INVALID_REQUEST, message, {
          errors: [{ path, message }],
          topic: o.topic,
          partition: o.partition,
          highWatermark: b.highWatermark,
        });
      }
    }
  }
}
