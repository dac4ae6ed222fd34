/**
 * A group's persisted state and its pure transitions: plain data in, plain data out, no I/O
 * (table-tested in test/core/groups/state.test.ts). Group.mutate applies them to a GroupDraft.
 *
 * Stored in pieces, so a change costs what it changed (issue 9): one small group-wide part
 * (epoch, fenced ids) and one part per member. A heartbeat rewrites one member; a join writes
 * the new member and the members the rebalance moved partitions away from, never the whole group.
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
  /** Increases with each join in the group: members are listed in join order, also after a restart. */
  joinSeq: number;
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

/** The group-wide part, stored apart from the members. */
export interface GroupMeta {
  version: 2;
  /** Bumps whenever the target assignment changes. */
  groupEpoch: number;
  /** Recently expelled or departed member ids (bounded), so they get FENCED_MEMBER rather than MEMBER_NOT_FOUND. */
  fenced: string[];
}

export interface GroupState {
  groupEpoch: number;
  fenced: readonly string[];
  /** By member id, in join order. A member object is never edited: a change replaces it (GroupDraft). */
  members: Map<string, MemberState>;
}

/** What a mutation changed, as the store writes it (LogStore.saveGroup). */
export interface StateChange {
  /** Set when the group-wide part changed. */
  meta?: GroupMeta;
  /** New or changed members. */
  members: MemberState[];
  removed: string[];
}

/**
 * A copy-on-write view of a group's state: a member is copied only when a transition asks to edit it,
 * so a heartbeat copies one member, not the group. `changes()` lists what differs from the base.
 */
export class GroupDraft {
  groupEpoch: number;
  fenced: string[];
  readonly #base: GroupState;
  /** tpKey -> the member holding it (granted or revoking) in the base state. */
  readonly #holders: ReadonlyMap<string, string>;
  /** Writable copies of base members, and new members. */
  readonly #edited = new Map<string, MemberState>();
  readonly #added = new Set<string>();
  readonly #removed = new Set<string>();

  constructor(base: GroupState, holders: ReadonlyMap<string, string> = holdersOf(base)) {
    this.#base = base;
    this.#holders = holders;
    this.groupEpoch = base.groupEpoch;
    this.fenced = [...base.fenced];
  }

  get size(): number {
    return this.#base.members.size - this.#removed.size + this.#added.size;
  }

  has(memberId: string): boolean {
    return this.#edited.has(memberId) || (this.#base.members.has(memberId) && !this.#removed.has(memberId));
  }

  /** Read-only: the member as it stands in the draft. */
  peek(memberId: string): Readonly<MemberState> | undefined {
    if (this.#removed.has(memberId)) return undefined;
    return this.#edited.get(memberId) ?? this.#base.members.get(memberId);
  }

  /** Every member, read-only, in join order. */
  *all(): Generator<Readonly<MemberState>> {
    for (const [id, m] of this.#base.members) if (!this.#removed.has(id)) yield this.#edited.get(id) ?? m;
    for (const id of this.#added) yield this.#edited.get(id)!;
  }

  /** The member, writable (copied from the base on first use). */
  edit(memberId: string): MemberState | undefined {
    const edited = this.#edited.get(memberId);
    if (edited) return edited;
    const m = this.peek(memberId);
    if (!m) return undefined;
    const copy = copyMember(m);
    this.#edited.set(memberId, copy);
    return copy;
  }

  add(member: MemberState): void {
    this.#removed.delete(member.memberId);
    this.#added.add(member.memberId);
    this.#edited.set(member.memberId, member);
  }

  remove(memberId: string): void {
    this.#edited.delete(memberId);
    if (this.#added.delete(memberId)) return;
    if (this.#base.members.has(memberId)) this.#removed.add(memberId);
  }

  /**
   * Who holds each partition (granted or revoking) in the draft as it stands: the base's index for members
   * not edited, the edited members' own lists for the rest, plus what set() adds. Built in O(edited members'
   * partitions). The members read from the overlay are fixed when the view is built: a member first edited
   * later (granting to it copies it) keeps the holdings the base index gives it, or its partitions being
   * revoked would look free and go to a second member in the same turn.
   */
  holders(): { get(key: string): string | undefined; set(key: string, memberId: string): void } {
    const overlay = new Map<string, string>();
    const replaced = new Set(this.#removed);
    for (const m of this.#edited.values()) {
      replaced.add(m.memberId);
      for (const tp of m.granted) overlay.set(tpKey(tp), m.memberId);
      for (const tp of m.revoking) overlay.set(tpKey(tp), m.memberId);
    }
    return {
      get: (key) => {
        const edited = overlay.get(key);
        if (edited !== undefined) return edited;
        const owner = this.#holders.get(key);
        return owner === undefined || replaced.has(owner) ? undefined : owner;
      },
      set: (key, memberId) => void overlay.set(key, memberId),
    };
  }

  /** What differs from the base: nothing stored changes for a member copied but left as it was. */
  changes(): StateChange {
    const members: MemberState[] = [];
    for (const [id, m] of this.#edited) {
      const before = this.#base.members.get(id);
      if (this.#added.has(id) || !before || !sameMember(m, before)) members.push(m);
    }
    const removed = [...this.#removed];
    const metaChanged = this.groupEpoch !== this.#base.groupEpoch || !sameStrings(this.fenced, this.#base.fenced);
    return { ...(metaChanged ? { meta: { version: 2, groupEpoch: this.groupEpoch, fenced: this.fenced } } : {}), members, removed };
  }
}

/**
 * Applies `change` (which came from a draft of `state`) to `state` itself, in O(change): the member map is
 * updated in place (its owner, Group, does so only once the change is stored; member objects are replaced,
 * never edited, so a reference to one stays a consistent snapshot).
 */
export function applyChange(state: GroupState, change: StateChange): void {
  for (const id of change.removed) state.members.delete(id);
  for (const m of change.members) state.members.set(m.memberId, m);
  if (change.meta) {
    state.groupEpoch = change.meta.groupEpoch;
    state.fenced = change.meta.fenced;
  }
}

export function isEmptyChange(change: StateChange): boolean {
  return !change.meta && !change.members.length && !change.removed.length;
}

/** tpKey -> the member holding it (granted or revoking). */
export function holdersOf(state: GroupState): Map<string, string> {
  const holders = new Map<string, string>();
  for (const m of state.members.values()) {
    for (const tp of m.granted) holders.set(tpKey(tp), m.memberId);
    for (const tp of m.revoking) holders.set(tpKey(tp), m.memberId);
  }
  return holders;
}

/**
 * New target from the assignor; partitions a member holds but is no longer meant to are moved to its
 * `revoking` list (it stops reading them at once, and releases them with its next heartbeat);
 * partitions of deleted topics or beyond the partition count are dropped. Only members whose lists
 * change are copied.
 */
export function rebalanceDraft(draft: GroupDraft, counts: ReadonlyMap<string, number>): void {
  const members = [...draft.all()];
  const target = assign(
    members.map((m) => ({ memberId: m.memberId, topics: m.topics, current: m.target })),
    counts,
  );
  let changed = false;
  for (const m of members) {
    const next = target.get(m.memberId) ?? [];
    const sameTarget = sameList(next, m.target);
    if (!sameTarget) changed = true;
    // The common case at scale, checked without allocating: the target stayed, nothing is being revoked, and
    // every granted partition (a subset of the target) still exists. Such a member is not even copied.
    else if (!m.revoking.length && allValid(m.granted, counts)) continue;
    const wanted = new Set(next.map(tpKey));
    const d = draft.edit(m.memberId)!;
    d.target = next;
    const keep: TopicPartition[] = [];
    const taken: TopicPartition[] = [];
    for (const tp of d.granted) if (valid(tp, counts)) (wanted.has(tpKey(tp)) ? keep : taken).push(tp);
    const back: TopicPartition[] = [];
    const still: TopicPartition[] = [];
    // A partition being revoked that the target gives back stays with the member.
    for (const tp of d.revoking) if (valid(tp, counts)) (wanted.has(tpKey(tp)) ? back : still).push(tp);
    d.revoking = sorted([...still, ...taken]);
    d.granted = sorted([...keep, ...back]);
  }
  if (changed) draft.groupEpoch++;
}

/** The partition exists: its topic is not deleted and has at least that many partitions. */
function valid(tp: TopicPartition, counts: ReadonlyMap<string, number>): boolean {
  return tp.partition < (counts.get(tp.topic) ?? 0);
}

function allValid(list: readonly TopicPartition[], counts: ReadonlyMap<string, number>): boolean {
  for (const tp of list) if (!valid(tp, counts)) return false;
  return true;
}

/**
 * Grants each member, in order, every partition of its target that nobody else holds. Several members at once
 * (a batch of joins or heartbeats) share one look-up of who holds what, so the cost is that of their targets.
 */
export function grantDraft(draft: GroupDraft, memberIds: readonly string[]): void {
  const wanting = memberIds.filter((id) => {
    const m = draft.peek(id);
    if (!m) return false;
    const mine = new Set(m.granted.map(tpKey));
    return !m.target.every((tp) => mine.has(tpKey(tp)));
  });
  if (!wanting.length) return;
  const holders = draft.holders();
  for (const id of wanting) {
    const m = draft.peek(id)!;
    const mine = new Set(m.granted.map(tpKey));
    // A target partition is never in its own member's `revoking` (rebalanceDraft moves it back), so "held by
    // someone" is "held by another".
    const add = m.target.filter((tp) => !mine.has(tpKey(tp)) && holders.get(tpKey(tp)) === undefined);
    if (!add.length) continue;
    const d = draft.edit(id)!;
    d.granted = sorted([...d.granted, ...add]);
    for (const tp of add) holders.set(tpKey(tp), id);
  }
}

/** Whether the member holds, and was told, exactly its target. */
export function settled(m: Readonly<MemberState>): boolean {
  return !m.revoking.length && sameList(m.granted, m.target) && sameList(m.delivered, m.granted);
}

/**
 * Whether the member only waits for partitions of its target that other members still hold (they are releasing
 * them): it releases nothing itself and was told everything it holds, so only another member's release can
 * change its answer.
 */
export function waitingForRelease(m: Readonly<MemberState>): boolean {
  if (m.revoking.length || !sameList(m.delivered, m.granted)) return false;
  const granted = new Set(m.granted.map(tpKey));
  return m.target.some((tp) => !granted.has(tpKey(tp)));
}

/** KIP-848's group state: stable once every member holds, and was told, exactly its target. */
export function stateName(state: GroupState): GroupStateName {
  if (!state.members.size) return GroupStateName.empty;
  for (const m of state.members.values()) if (!settled(m)) return GroupStateName.reconciling;
  return GroupStateName.stable;
}

/**
 * A copy an edit may change freely: every list is new; TopicPartition objects are shared, since no
 * code edits one in place. Field by field rather than a JSON round trip (40-100x cheaper), and a field
 * added to MemberState fails to compile here until it is copied.
 */
export function copyMember(m: Readonly<MemberState>): MemberState {
  return {
    memberId: m.memberId,
    topics: [...m.topics],
    sessionTimeoutMs: m.sessionTimeoutMs,
    autoOffsetReset: m.autoOffsetReset,
    joinedAt: m.joinedAt,
    joinSeq: m.joinSeq,
    memberEpoch: m.memberEpoch,
    previousEpoch: m.previousEpoch,
    target: [...m.target],
    granted: [...m.granted],
    revoking: [...m.revoking],
    delivered: [...m.delivered],
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
  joinSeq: same,
  memberEpoch: same,
  previousEpoch: same,
  target: sameList,
  granted: sameList,
  revoking: sameList,
  delivered: sameList,
};
const MEMBER_KEYS = Object.keys(MEMBER_FIELDS) as (keyof MemberState)[];

/** Whether storing `a` would store the same thing as `b` (so an unchanged member costs no write). */
export function sameMember(a: Readonly<MemberState>, b: Readonly<MemberState>): boolean {
  return MEMBER_KEYS.every((k) => (MEMBER_FIELDS[k] as (x: unknown, y: unknown) => boolean)(a[k], b[k]));
}

export function emptyState(): GroupState {
  return { groupEpoch: 0, fenced: [], members: new Map() };
}

/**
 * The state from its stored parts. A group with only committed offsets has no stored meta (null).
 * Members are ordered by joinSeq: the store keeps no order of its own.
 */
export function parseState(meta: unknown, members: readonly unknown[]): GroupState {
  if (!meta || typeof meta !== 'object' || (meta as GroupMeta).version !== 2) return emptyState();
  const { groupEpoch, fenced } = meta as GroupMeta;
  const list = (members as MemberState[]).filter((m) => m && typeof m.memberId === 'string');
  list.sort((a, b) => a.joinSeq - b.joinSeq);
  return { groupEpoch, fenced: [...fenced], members: new Map(list.map((m) => [m.memberId, m])) };
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
