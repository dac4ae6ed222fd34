/**
 * A group's persisted state and its pure transitions: plain data in, plain data out, no I/O
 * (table-tested in test/core/groups/state.test.ts). Group.mutate applies them to a copy.
 */
import { assign, compareTopicPartition, tpKey, type TopicPartition } from '../assignor.js';
import { GroupStateName, type AutoOffsetReset } from './types.js';

/** One member as stored. Everything a member needs to survive a restart, except its session deadline. */
export interface MemberState {
  memberId: string;
  topics: string[];
  sessionTimeoutMs: number;
  autoOffsetReset: AutoOffsetReset;
  joinedAt: number;
  memberEpoch: number;
  /** The epoch before the last bump: a heartbeat whose answer was lost may name it. */
  previousEpoch: number;
  /** The assignor's wish for this member. Always a superset of `granted`. */
  target: TopicPartition[];
  /** What the member may read: target partitions no one else holds. */
  granted: TopicPartition[];
  /** Partitions taken from it that it has not yet released. Nobody else gets them meanwhile. */
  revoking: TopicPartition[];
  /** `granted` as last answered to the member (with `memberEpoch`). */
  delivered: TopicPartition[];
}

export interface GroupState {
  version: 1;
  /** Bumps whenever the target assignment changes. */
  groupEpoch: number;
  members: MemberState[];
  /** Recently expelled or departed member ids (bounded), so they get FENCED_MEMBER rather than MEMBER_NOT_FOUND. */
  fenced: string[];
}

/**
 * New target from the assignor; partitions a member holds but is no longer meant to are moved to its
 * `revoking` list (it stops reading them at once, and releases them with its next heartbeat);
 * partitions of deleted topics or beyond the partition count are dropped.
 */
export function rebalanceDraft(draft: GroupState, counts: ReadonlyMap<string, number>): void {
  const valid = (tp: TopicPartition) => tp.partition < (counts.get(tp.topic) ?? 0);
  const target = assign(
    draft.members.map((m) => ({ memberId: m.memberId, topics: m.topics, current: m.target })),
    counts,
  );
  let changed = false;
  for (const m of draft.members) {
    const next = target.get(m.memberId) ?? [];
    if (!sameList(next, m.target)) changed = true;
    m.target = next;
    const wanted = new Set(next.map(tpKey));
    const keep = m.granted.filter((tp) => wanted.has(tpKey(tp)) && valid(tp));
    const taken = m.granted.filter((tp) => !wanted.has(tpKey(tp)) && valid(tp));
    // A partition being revoked that the target gives back stays with the member.
    const back = m.revoking.filter((tp) => wanted.has(tpKey(tp)) && valid(tp));
    m.revoking = sorted([...m.revoking.filter((tp) => !wanted.has(tpKey(tp)) && valid(tp)), ...taken]);
    m.granted = sorted([...keep, ...back]);
  }
  if (changed) draft.groupEpoch++;
}

/** Grants the member every partition of its target that nobody else holds. */
export function grantDraft(draft: GroupState, member: MemberState): void {
  const held = heldBy(draft, member.memberId);
  const mine = new Set(member.granted.map(tpKey));
  const add = member.target.filter((tp) => !mine.has(tpKey(tp)) && !held.has(tpKey(tp)));
  if (add.length) member.granted = sorted([...member.granted, ...add]);
}

/** Partitions granted to or being revoked from any member (but `except`). */
export function heldBy(state: GroupState, except?: string): Set<string> {
  const held = new Set<string>();
  for (const m of state.members) {
    if (m.memberId === except) continue;
    for (const tp of m.granted) held.add(tpKey(tp));
    for (const tp of m.revoking) held.add(tpKey(tp));
  }
  return held;
}

/** KIP-848's group state: stable once every member holds, and was told, exactly its target. */
export function stateName(state: GroupState): GroupStateName {
  if (!state.members.length) return GroupStateName.empty;
  const settled = state.members.every(
    (m) => !m.revoking.length && sameList(m.granted, m.target) && sameList(m.delivered, m.granted),
  );
  return settled ? GroupStateName.stable : GroupStateName.reconciling;
}

/**
 * A copy `change` may edit freely: members and every list are new; TopicPartition objects are shared, since no
 * code edits one in place. Field by field rather than a JSON round trip: 40-100x cheaper (measured: 100 members,
 * 2 partitions each: 30 us against 1.25 ms; 1000 members: 0.1 ms against 10 ms), and a field added to MemberState
 * fails to compile here until it is copied.
 */
export function copyState(state: GroupState): GroupState {
  return {
    version: state.version,
    groupEpoch: state.groupEpoch,
    fenced: [...state.fenced],
    members: state.members.map(
      (m): MemberState => ({
        memberId: m.memberId,
        topics: [...m.topics],
        sessionTimeoutMs: m.sessionTimeoutMs,
        autoOffsetReset: m.autoOffsetReset,
        joinedAt: m.joinedAt,
        memberEpoch: m.memberEpoch,
        previousEpoch: m.previousEpoch,
        target: [...m.target],
        granted: [...m.granted],
        revoking: [...m.revoking],
        delivered: [...m.delivered],
      }),
    ),
  };
}

const same = <T>(a: T, b: T) => a === b;
const sameStrings = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** How each stored member field compares; the mapped type makes a new field a compile error until it is listed. */
const MEMBER_FIELDS: { [K in keyof MemberState]-?: (a: MemberState[K], b: MemberState[K]) => boolean } = {
  memberId: same,
  topics: sameStrings,
  sessionTimeoutMs: same,
  autoOffsetReset: same,
  joinedAt: same,
  memberEpoch: same,
  previousEpoch: same,
  target: sameList,
  granted: sameList,
  revoking: sameList,
  delivered: sameList,
};
const MEMBER_KEYS = Object.keys(MEMBER_FIELDS) as (keyof MemberState)[];

/** Whether storing `a` would store the same thing as `b` (so an unchanged state costs no write). */
export function sameState(a: GroupState, b: GroupState): boolean {
  if (a.version !== b.version || a.groupEpoch !== b.groupEpoch || !sameStrings(a.fenced, b.fenced)) return false;
  if (a.members.length !== b.members.length) return false;
  return a.members.every((m, i) => {
    const o = b.members[i]!;
    return MEMBER_KEYS.every((k) => (MEMBER_FIELDS[k] as (x: unknown, y: unknown) => boolean)(m[k], o[k]));
  });
}

export function emptyState(): GroupState {
  return { version: 1, groupEpoch: 0, members: [], fenced: [] };
}

/** A group with only committed offsets has no stored state (null). */
export function parseState(raw: unknown): GroupState {
  if (raw && typeof raw === 'object' && (raw as GroupState).version === 1) return raw as GroupState;
  return emptyState();
}

export function dedupe(list: TopicPartition[]): TopicPartition[] {
  const seen = new Map<string, TopicPartition>();
  for (const tp of list) seen.set(tpKey(tp), { topic: tp.topic, partition: tp.partition });
  return [...seen.values()];
}

export function sorted(list: TopicPartition[]): TopicPartition[] {
  return dedupe(list).sort(compareTopicPartition);
}

export function sameList(a: readonly TopicPartition[], b: readonly TopicPartition[]): boolean {
  return a.length === b.length && a.every((tp, i) => tp.topic === b[i]!.topic && tp.partition === b[i]!.partition);
}

export function sameSet(a: readonly TopicPartition[], b: readonly TopicPartition[]): boolean {
  if (a.length !== b.length) return false;
  const keys = new Set(a.map(tpKey));
  return b.every((tp) => keys.has(tpKey(tp)));
}

export function clone(list: readonly TopicPartition[]): TopicPartition[] {
  return list.map((tp) => ({ topic: tp.topic, partition: tp.partition }));
}
