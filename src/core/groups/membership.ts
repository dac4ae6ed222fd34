/**
 * Group membership transitions: who is admitted by the joins of a turn, what its heartbeats
 * reconcile, and what removing members or a change of topics rebalances. Each runs inside the
 * group's exclusive() and writes through Group.mutate (one write per turn, of what changed).
 */
import { randomUUID } from 'node:crypto';
import { ErrorCode, GatewayError, invalid, type FieldError } from '../../errors.js';
import { tpKey, type TopicPartition } from '../assignor.js';
import type { Clock } from '../clock.js';
import { checkTopicName, type Log } from '../log.js';
import { staleEpoch } from './checks.js';
import type { Group, Settled } from './group.js';
import { clone, grantDraft, rebalanceDraft, sameSet, settled, type GroupDraft, type GroupState, type MemberState } from './state.js';
import { AutoOffsetReset, type GroupSettings, type JoinRequest, type Membership } from './types.js';

export interface JoinTerms {
  topics: string[];
  sessionTimeoutMs: number;
  autoOffsetReset: AutoOffsetReset;
}

export interface HeartbeatTerms {
  memberId: string;
  memberEpoch: number;
  owned: TopicPartition[];
}

/** One request of a membership turn (GroupMembership.turn). */
export type MembershipRequest = { join: JoinTerms } | { heartbeat: HeartbeatTerms };

/** A join admitted in a turn: the request's index in the turn, and the new member. */
interface Admitted {
  index: number;
  member: MemberState;
}

export class GroupMembership {
  readonly #log: Log;
  readonly #clock: Clock;
  readonly #settings: GroupSettings;

  constructor(deps: { log: Log; clock: Clock; settings: GroupSettings }) {
    this.#log = deps.log;
    this.#clock = deps.clock;
    this.#settings = deps.settings;
  }

  /** Validates a join request (every bad field named) and fills in the defaults. */
  checkJoin(request: JoinRequest): JoinTerms {
    const errors: FieldError[] = [];
    const topics = [...new Set(request.topics)];
    if (!topics.length) errors.push({ path: 'topics', message: 'must name at least one topic' });
    topics.forEach((t, i) => {
      const reason = checkTopicName(t);
      if (reason) errors.push({ path: `topics/${i}`, message: reason });
    });
    const { groupMinSessionTimeoutMs: min, groupMaxSessionTimeoutMs: max } = this.#settings;
    const sessionTimeoutMs = request.sessionTimeoutMs ?? this.#settings.groupSessionTimeoutMs;
    if (!Number.isInteger(sessionTimeoutMs) || sessionTimeoutMs < min || sessionTimeoutMs > max) {
      errors.push({
        path: 'sessionTimeoutMs',
        message: `must be an integer from ${min} to ${max} (settings groupMinSessionTimeoutMs, groupMaxSessionTimeoutMs)`,
      });
    }
    const autoOffsetReset = request.autoOffsetReset ?? AutoOffsetReset.latest;
    if (!Object.values(AutoOffsetReset).includes(autoOffsetReset)) {
      errors.push({ path: 'autoOffsetReset', message: 'must be earliest or latest' });
    }
    if (errors.length) throw invalid(errors[0]!.message, errors);
    return { topics, sessionTimeoutMs, autoOffsetReset };
  }

  /**
   * One turn of membership requests (GroupCoordinator.join and .heartbeat), in one draft and one write: joins and
   * heartbeats arriving together share a write rather than alternating turns of one write each. The joins go
   * first (admitted in arrival order while the group has room), then the heartbeats, each checked and applied in
   * arrival order (a refused one changes nothing): the same outcome as a turn of joins followed by one of
   * heartbeats, so a heartbeat's answer already reflects the rebalance the joins caused. A join answered with
   * undefined starts over (the group was deleted, or its creation failed, meanwhile).
   */
  async turn(g: Group, requests: MembershipRequest[]): Promise<Settled<Membership | undefined>[]> {
    const results: Settled<Membership | undefined>[] = [];
    const joins: { index: number; terms: JoinTerms }[] = [];
    const beats: { index: number; terms: HeartbeatTerms }[] = [];
    requests.forEach((r, index) => {
      if (!('join' in r)) beats.push({ index, terms: r.heartbeat });
      else if (g.deleted) results[index] = { value: undefined };
      else joins.push({ index, terms: r.join });
    });
    const admitted = this.#admissions(g, joins, results);
    const counts = admitted.length ? await this.#partitionCounts(g.state, admitted.flatMap((a) => a.member.topics)) : undefined;
    const accepted: { index: number; memberId: string }[] = [];
    await g.mutate((draft) => {
      if (counts) admitDraft(draft, admitted, counts);
      this.#reconcileDraft(g, draft, beats, results, accepted);
    });
    const now = this.#clock.now();
    for (const { member } of admitted) g.deadlines.set(member.memberId, now + member.sessionTimeoutMs);
    for (const { index, memberId } of [...admitted.map((a) => ({ index: a.index, memberId: a.member.memberId })), ...accepted]) {
      const m = g.member(memberId)!;
      results[index] = {
        value: { memberId, memberEpoch: m.memberEpoch, assignment: clone(m.granted), heartbeatIntervalMs: this.#heartbeatMs(m) },
      };
    }
    return results;
  }

  /** The joins the group has room for, as new members (in arrival order); the others get GROUP_FULL in `results`. */
  #admissions(g: Group, joins: { index: number; terms: JoinTerms }[], results: Settled<Membership | undefined>[]): Admitted[] {
    const max = this.#settings.groupMaxMembers;
    const admitted: Admitted[] = [];
    const now = this.#clock.now();
    for (const { index, terms } of joins) {
      if (g.memberCount + admitted.length >= max) {
        results[index] = {
          error: new GatewayError(ErrorCode.GROUP_FULL, `group '${g.name}' has the maximum of ${max} members (setting groupMaxMembers)`, {
            group: g.name,
            maxMembers: max,
          }),
        };
        continue;
      }
      const member: MemberState = {
        memberId: randomUUID(),
        topics: terms.topics,
        sessionTimeoutMs: terms.sessionTimeoutMs,
        autoOffsetReset: terms.autoOffsetReset,
        joinedAt: now,
        joinSeq: g.nextJoinSeq(),
        memberEpoch: 1,
        previousEpoch: 0,
        target: [],
        granted: [],
        revoking: [],
        delivered: [],
      };
      admitted.push({ index, member });
    }
    return admitted;
  }

  /** The heartbeats of a turn, applied to `draft`: refused ones get their error in `results`, the others are listed in `accepted`. */
  #reconcileDraft(
    g: Group,
    draft: GroupDraft,
    beats: { index: number; terms: HeartbeatTerms }[],
    results: Settled<Membership | undefined>[],
    accepted: { index: number; memberId: string }[],
  ): void {
    const reconciling = new Set<string>();
    for (const { index, terms } of beats) {
      const { memberId, memberEpoch, owned } = terms;
      const m = draft.peek(memberId);
      if (!m) {
        results[index] = { error: memberError(() => g.requireMember(memberId)) };
        continue;
      }
      if (memberEpoch !== m.memberEpoch) {
        // A heartbeat whose answer was lost names the previous epoch; accept it if it claims nothing it may not hold.
        const held = new Set([...m.granted, ...m.revoking].map(tpKey));
        const lostAnswer = memberEpoch === m.previousEpoch && owned.every((tp) => held.has(tpKey(tp)));
        if (!lostAnswer) {
          results[index] = { error: staleEpoch(g.name, memberId, memberEpoch, m.memberEpoch) };
          continue;
        }
      }
      g.touch(memberId);
      accepted.push({ index, memberId });
      // The common case, a settled member: nothing to release, grant or tell, so no copy and no write.
      if (settled(m)) continue;
      reconciling.add(memberId);
      // Revoked partitions it no longer lists are released: from now on they may go to their new owner
      // (also to one whose heartbeat is earlier in this batch: they are granted after every release).
      const ownedKeys = new Set(owned.map(tpKey));
      if (m.revoking.some((tp) => !ownedKeys.has(tpKey(tp)))) {
        const d = draft.edit(memberId)!;
        d.revoking = d.revoking.filter((tp) => ownedKeys.has(tpKey(tp)));
      }
    }
    grantDraft(draft, [...reconciling]);
    for (const memberId of reconciling) {
      const m = draft.peek(memberId)!;
      if (sameSet(m.granted, m.delivered)) continue;
      const d = draft.edit(memberId)!;
      d.previousEpoch = d.memberEpoch;
      d.memberEpoch++;
      d.delivered = d.granted;
    }
  }

  /**
   * One turn of leaves (GroupCoordinator.leave): every member leaving in it is removed in one draft, one rebalance
   * and one write, so a thousand members leaving together cost a few writes rather than a thousand, each with a
   * rebalance over the whole group. A leave naming no member gets its error alone; one repeated in the turn gets
   * what it would after the first (FENCED_MEMBER).
   */
  async leaveTurn(g: Group, memberIds: string[]): Promise<Settled<void>[]> {
    const leaving = new Set<string>();
    const repeated = new Set<number>();
    const results: Settled<void>[] = memberIds.map((id, index) => {
      if (leaving.has(id)) repeated.add(index);
      else if (!g.member(id)) return { error: memberError(() => g.requireMember(id)) };
      leaving.add(id);
      return { value: undefined };
    });
    if (leaving.size) await this.removeMembers(g, [...leaving], 'it left the group');
    for (const index of repeated) results[index] = { error: memberError(() => g.requireMember(memberIds[index]!)) };
    return results;
  }

  async removeMembers(g: Group, memberIds: string[], reason: string): Promise<void> {
    const gone = new Set(memberIds);
    const counts = await this.#partitionCounts(g.state, []);
    await g.mutate((draft) => {
      for (const id of memberIds) draft.remove(id);
      draft.fenced = [...draft.fenced.filter((id) => !gone.has(id)), ...memberIds].slice(-this.#settings.groupMaxMembers);
      rebalanceDraft(draft, counts);
    });
    for (const id of memberIds) g.forget(id, reason);
  }

  /** Recomputes the target assignment (members or partition counts changed). Call inside g.exclusive(). */
  async rebalance(g: Group): Promise<void> {
    const counts = await this.#partitionCounts(g.state, []);
    await g.mutate((draft) => rebalanceDraft(draft, counts));
  }

  async #partitionCounts(state: GroupState, extra: string[]): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    const topics = new Set(extra);
    for (const m of state.members.values()) for (const t of m.topics) topics.add(t);
    for (const t of topics) {
      const count = await this.#log.partitionCount(t).catch((err: unknown) => {
        if (err instanceof GatewayError && err.code === ErrorCode.TOPIC_NOT_FOUND) return 0;
        throw err;
      });
      counts.set(t, count);
    }
    return counts;
  }

  /** The configured interval, but never so long that a member would miss its own session. */
  #heartbeatMs(m: MemberState): number {
    return Math.max(1, Math.min(this.#settings.groupHeartbeatIntervalMs, Math.floor(m.sessionTimeoutMs / 3)));
  }
}

/** New members enter the draft: one rebalance for them all, then each is granted what is free of its target, and told so. */
function admitDraft(draft: GroupDraft, admitted: readonly Admitted[], counts: ReadonlyMap<string, number>): void {
  for (const { member } of admitted) draft.add(member);
  rebalanceDraft(draft, counts);
  grantDraft(
    draft,
    admitted.map((a) => a.member.memberId),
  );
  for (const { member } of admitted) {
    const m = draft.edit(member.memberId)!;
    m.delivered = m.granted;
  }
}

/** The error `check` throws (MEMBER_NOT_FOUND or FENCED_MEMBER), as a value for one request of a batch. */
function memberError(check: () => unknown): unknown {
  try {
    check();
  } catch (err) {
    return err;
  }
  return new Error('member check passed for a member missing from the draft');
}
