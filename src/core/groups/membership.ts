/**
 * Group membership transitions: who is admitted by a turn of joins, what a turn of heartbeats
 * reconciles, and what removing members or a change of topics rebalances. Each runs inside the
 * group's exclusive() and writes through Group.mutate (one write per turn, of what changed).
 */
import { randomUUID } from 'node:crypto';
import { ErrorCode, GatewayError, invalid, type FieldError } from '../../errors.js';
import { tpKey, type TopicPartition } from '../assignor.js';
import type { Clock } from '../clock.js';
import { checkTopicName, type Log } from '../log.js';
import { staleEpoch } from './checks.js';
import type { Group, Settled } from './group.js';
import { clone, grantDraft, rebalanceDraft, sameSet, settled, type GroupState, type MemberState } from './state.js';
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

  /** One turn of joins (GroupCoordinator.join): each is admitted in arrival order while the group has room. */
  async admit(
    g: Group,
    requests: JoinTerms[],
  ): Promise<Settled<Membership | undefined>[]> {
    // The group was deleted (or its creation failed) meanwhile: each join starts over on a fresh group.
    if (g.deleted) return requests.map(() => ({ value: undefined }));
    const max = this.#settings.groupMaxMembers;
    const results: Settled<Membership | undefined>[] = [];
    const admitted: { index: number; member: MemberState }[] = [];
    const now = this.#clock.now();
    requests.forEach((r, index) => {
      if (g.memberCount + admitted.length >= max) {
        results[index] = {
          error: new GatewayError(ErrorCode.GROUP_FULL, `group '${g.name}' has the maximum of ${max} members (setting groupMaxMembers)`, {
            group: g.name,
            maxMembers: max,
          }),
        };
        return;
      }
      const member: MemberState = {
        memberId: randomUUID(),
        topics: r.topics,
        sessionTimeoutMs: r.sessionTimeoutMs,
        autoOffsetReset: r.autoOffsetReset,
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
    });
    if (!admitted.length) return results;
    const counts = await this.#partitionCounts(g.state, admitted.flatMap((a) => a.member.topics));
    await g.mutate((draft) => {
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
    });
    for (const { index, member } of admitted) {
      g.deadlines.set(member.memberId, now + member.sessionTimeoutMs);
      const m = g.member(member.memberId)!;
      results[index] = {
        value: { memberId: m.memberId, memberEpoch: m.memberEpoch, assignment: clone(m.granted), heartbeatIntervalMs: this.#heartbeatMs(m) },
      };
    }
    return results;
  }

  /** One turn of heartbeats (GroupCoordinator.heartbeat): each checked and applied in arrival order; a refused one changes nothing. */
  async reconcile(
    g: Group,
    requests: HeartbeatTerms[],
  ): Promise<Settled<Membership>[]> {
    const results: Settled<Membership>[] = [];
    const accepted: { index: number; memberId: string }[] = [];
    await g.mutate((draft) => {
      const reconciling = new Set<string>();
      requests.forEach(({ memberId, memberEpoch, owned }, index) => {
        const m = draft.peek(memberId);
        if (!m) {
          results[index] = { error: memberError(() => g.requireMember(memberId)) };
          return;
        }
        if (memberEpoch !== m.memberEpoch) {
          // A heartbeat whose answer was lost names the previous epoch; accept it if it claims nothing it may not hold.
          const held = new Set([...m.granted, ...m.revoking].map(tpKey));
          const lostAnswer = memberEpoch === m.previousEpoch && owned.every((tp) => held.has(tpKey(tp)));
          if (!lostAnswer) {
            results[index] = { error: staleEpoch(g.name, memberId, memberEpoch, m.memberEpoch) };
            return;
          }
        }
        g.touch(memberId);
        accepted.push({ index, memberId });
        // The common case, a settled member: nothing to release, grant or tell, so no copy and no write.
        if (settled(m)) return;
        reconciling.add(memberId);
        // Revoked partitions it no longer lists are released: from now on they may go to their new owner
        // (also to one whose heartbeat is earlier in this batch: they are granted after every release).
        const ownedKeys = new Set(owned.map(tpKey));
        if (m.revoking.some((tp) => !ownedKeys.has(tpKey(tp)))) {
          const d = draft.edit(memberId)!;
          d.revoking = d.revoking.filter((tp) => ownedKeys.has(tpKey(tp)));
        }
      });
      grantDraft(draft, [...reconciling]);
      for (const memberId of reconciling) {
        const m = draft.peek(memberId)!;
        if (sameSet(m.granted, m.delivered)) continue;
        const d = draft.edit(memberId)!;
        d.previousEpoch = d.memberEpoch;
        d.memberEpoch++;
        d.delivered = d.granted;
      }
    });
    for (const { index, memberId } of accepted) {
      const m = g.member(memberId)!;
      results[index] = {
        value: { memberId, memberEpoch: m.memberEpoch, assignment: clone(m.granted), heartbeatIntervalMs: this.#heartbeatMs(m) },
      };
    }
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

/** The error `check` throws (MEMBER_NOT_FOUND or FENCED_MEMBER), as a value for one request of a batch. */
function memberError(check: () => unknown): unknown {
  try {
    check();
  } catch (err) {
    return err;
  }
  return new Error('member check passed for a member missing from the draft');
}
