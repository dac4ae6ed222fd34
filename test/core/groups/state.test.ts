/** The pure state transitions of a consumer group, table-driven: plain data in, plain data out. */
import { describe, expect, test } from 'vitest';
import {
  applyChange,
  emptyState,
  grantDraft,
  GroupDraft,
  parseState,
  rebalanceDraft,
  sameMember,
  stateName,
  type GroupState,
  type MemberState,
} from '../../../src/core/groups/state.js';

/** `t/0 t/1` -> TopicPartitions. */
const tps = (text: string) =>
  text
    .split(' ')
    .filter(Boolean)
    .map((s) => {
      const [topic, partition] = s.split('/') as [string, string];
      return { topic, partition: Number(partition) };
    });
const text = (list: { topic: string; partition: number }[]) => list.map((tp) => `${tp.topic}/${tp.partition}`).join(' ');

function member(id: string, lists: { topics?: string; target?: string; granted?: string; revoking?: string; delivered?: string } = {}): MemberState {
  return {
    memberId: id,
    topics: (lists.topics ?? 't').split(' '),
    sessionTimeoutMs: 1000,
    autoOffsetReset: 'latest',
    joinedAt: 1,
    joinSeq: 1,
    memberEpoch: 1,
    previousEpoch: 0,
    target: tps(lists.target ?? ''),
    granted: tps(lists.granted ?? ''),
    revoking: tps(lists.revoking ?? ''),
    delivered: tps(lists.delivered ?? lists.granted ?? ''),
  };
}

const state = (...members: MemberState[]): GroupState => ({ groupEpoch: 5, members: new Map(members.map((m) => [m.memberId, m])), fenced: [] });

/** Each member's lists after the transition, as text. */
const lists = (s: GroupState) =>
  Object.fromEntries(
    [...s.members.values()].map((m) => [m.memberId, { target: text(m.target), granted: text(m.granted), revoking: text(m.revoking) }]),
  );

/** The state a draft describes, and the members it would write. */
const result = (base: GroupState, draft: GroupDraft) => {
  const change = draft.changes();
  // applyChange works in place (Group owns its state): apply to a shallow copy, so `base` can be compared after.
  const after: GroupState = { ...base, members: new Map(base.members) };
  applyChange(after, change);
  return { after, written: change.members.map((m) => m.memberId).sort(), meta: change.meta };
};

describe('rebalanceDraft', () => {
  const cases: {
    name: string;
    before: GroupState;
    counts: Record<string, number>;
    after: ReturnType<typeof lists>;
    epoch: number;
    /** Only the members whose stored lists change are written. */
    written: string[];
  }[] = [
    {
      name: 'a first member gets every partition as its target (granting is a separate step)',
      before: state(member('a')),
      counts: { t: 2 },
      after: { a: { target: 't/0 t/1', granted: '', revoking: '' } },
      epoch: 6,
      written: ['a'],
    },
    {
      name: 'a second member: the first keeps half, the other half is revoked from it, not yet granted',
      before: state(member('a', { target: 't/0 t/1 t/2 t/3', granted: 't/0 t/1 t/2 t/3' }), member('b')),
      counts: { t: 4 },
      after: {
        a: { target: 't/0 t/1', granted: 't/0 t/1', revoking: 't/2 t/3' },
        b: { target: 't/2 t/3', granted: '', revoking: '' },
      },
      epoch: 6,
      written: ['a', 'b'],
    },
    {
      name: 'an unchanged target keeps the group epoch',
      before: state(member('a', { target: 't/0 t/1', granted: 't/0 t/1' })),
      counts: { t: 2 },
      after: { a: { target: 't/0 t/1', granted: 't/0 t/1', revoking: '' } },
      epoch: 5,
      written: [],
    },
    {
      name: 'a deleted topic: its partitions are dropped from granted and revoking alike',
      before: state(member('a', { topics: 't u', target: 't/0 u/0', granted: 't/0 u/0', revoking: 'u/1' })),
      counts: { t: 1 },
      after: { a: { target: 't/0', granted: 't/0', revoking: '' } },
      epoch: 6,
      written: ['a'],
    },
    {
      name: 'a partition being revoked that the target gives back returns to granted',
      before: state(member('a', { target: 't/0', granted: 't/0', revoking: 't/1' })),
      counts: { t: 2 },
      after: { a: { target: 't/0 t/1', granted: 't/0 t/1', revoking: '' } },
      epoch: 6,
      written: ['a'],
    },
  ];
  test.each(cases)('$name', ({ before, counts, after, epoch, written }) => {
    const draft = new GroupDraft(before);
    rebalanceDraft(draft, new Map(Object.entries(counts)));
    const r = result(before, draft);
    expect(lists(r.after)).toEqual(after);
    expect(r.after.groupEpoch).toBe(epoch);
    expect(r.written).toEqual(written);
    // The group-wide part is written only when the epoch moved.
    expect(r.meta !== undefined).toBe(epoch !== before.groupEpoch);
  });

  test('a member joining a group with more members than partitions moves nothing: only it is written', () => {
    const before = state(member('a', { target: 't/0', granted: 't/0' }), member('b', { target: 't/1', granted: 't/1' }));
    const draft = new GroupDraft(before);
    draft.add(member('c'));
    rebalanceDraft(draft, new Map([['t', 2]]));
    const r = result(before, draft);
    expect(lists(r.after)).toEqual({
      a: { target: 't/0', granted: 't/0', revoking: '' },
      b: { target: 't/1', granted: 't/1', revoking: '' },
      c: { target: '', granted: '', revoking: '' },
    });
    expect(r.written).toEqual(['c']);
    // The base state is untouched: the draft copied what it changed.
    expect(lists(before)).toEqual({ a: lists(r.after).a, b: lists(r.after).b });
  });
});

describe('grantDraft', () => {
  const cases = [
    { name: 'grants free target partitions', held: '', target: 't/0 t/1', granted: '', expected: 't/0 t/1' },
    { name: 'not one another member holds', held: 't/1', target: 't/0 t/1', granted: '', expected: 't/0' },
    { name: 'not one another member is still releasing', held: 'revoking:t/0', target: 't/0 t/1', granted: 't/1', expected: 't/1' },
    { name: 'keeps what it has, sorted', held: '', target: 't/0 t/1 t/2', granted: 't/2', expected: 't/0 t/1 t/2' },
  ];
  test.each(cases)('$name', ({ held, target, granted, expected }) => {
    const other = held.startsWith('revoking:') ? member('o', { revoking: held.slice(9) }) : member('o', { granted: held });
    const base = state(member('a', { target, granted }), other);
    const draft = new GroupDraft(base);
    grantDraft(draft, ['a']);
    expect(text(draft.peek('a')!.granted)).toBe(expected);
    // Granting edits the member granted to, never another one.
    expect(result(base, draft).written).toEqual(expected === granted ? [] : ['a']);
  });

  test('several members at once, in order: a later one does not get what an earlier one was just granted', () => {
    const base = state();
    const draft = new GroupDraft(base);
    draft.add(member('a', { target: 't/0' }));
    draft.add(member('b', { target: 't/0 t/1' })); // a stale wish for t/0: a already got it in this draft
    grantDraft(draft, ['a', 'b']);
    expect(text(draft.peek('a')!.granted)).toBe('t/0');
    expect(text(draft.peek('b')!.granted)).toBe('t/1');
  });

  test('a member granted something first still holds what it is releasing: a later one in the turn does not get that', () => {
    // a is giving t/0 up (b's target now) and is due t/1, which is free; neither is edited yet when the turn grants
    // (a heartbeat that still lists what it releases edits nothing). Granting a t/1 copies a: b must still see a
    // holding t/0. Before the fix, the holder look-up dropped an edited member's base holdings, and b got t/0 while
    // a was still reading it: two owners (test/process/group-crash.test.ts saw it after a restart).
    const base = state(member('a', { target: 't/1', granted: '', revoking: 't/0', delivered: 't/0' }), member('b', { target: 't/0' }));
    const draft = new GroupDraft(base);
    grantDraft(draft, ['a', 'b']);
    expect(text(draft.peek('a')!.granted)).toBe('t/1');
    expect(text(draft.peek('a')!.revoking)).toBe('t/0');
    expect(text(draft.peek('b')!.granted)).toBe('');
  });
});

describe('stateName', () => {
  const cases: { name: string; s: GroupState; expected: string }[] = [
    { name: 'no members: empty', s: state(), expected: 'empty' },
    { name: 'everyone holds and was told its target: stable', s: state(member('a', { target: 't/0', granted: 't/0' })), expected: 'stable' },
    { name: 'a revocation pending: reconciling', s: state(member('a', { target: 't/0', granted: 't/0', revoking: 't/1' })), expected: 'reconciling' },
    { name: 'a partition due but not granted: reconciling', s: state(member('a', { target: 't/0 t/1', granted: 't/0' })), expected: 'reconciling' },
    {
      name: 'granted but not yet told: reconciling',
      s: state(member('a', { target: 't/0', granted: 't/0', delivered: '' })),
      expected: 'reconciling',
    },
  ];
  test.each(cases)('$name', ({ s, expected }) => expect(stateName(s)).toBe(expected));
});

describe('GroupDraft and sameMember', () => {
  const base = () => state(member('a', { target: 't/0 t/1', granted: 't/0', revoking: 't/1' }), member('b', { target: 't/2', granted: 't/2' }));

  test('an edit copies the member: the base shares no list with the draft', () => {
    const original = base();
    const draft = new GroupDraft(original);
    const a = draft.edit('a')!;
    a.granted.push({ topic: 't', partition: 9 });
    a.topics.push('u');
    draft.fenced.push('x');
    draft.add(member('c'));
    draft.remove('b');
    expect(original).toEqual(base());
    const change = draft.changes();
    expect(change.members.map((m) => m.memberId)).toEqual(['a', 'c']);
    expect(change.removed).toEqual(['b']);
    expect(change.meta).toEqual({ version: 2, groupEpoch: 5, fenced: ['x'] });
    applyChange(original, change);
    expect([...original.members.keys()]).toEqual(['a', 'c']);
    expect(original.fenced).toEqual(['x']);
  });

  test('a member edited back to what it was is not written', () => {
    const draft = new GroupDraft(base());
    const a = draft.edit('a')!;
    a.memberEpoch++;
    a.memberEpoch--;
    expect(draft.changes()).toEqual({ members: [], removed: [] });
  });

  // Every stored field: a change to any of them must be seen (or it would not be written).
  const changes: [string, (m: MemberState) => void][] = [
    ['memberId', (m) => (m.memberId = 'z')],
    ['topics', (m) => (m.topics = ['t', 'u'])],
    ['sessionTimeoutMs', (m) => (m.sessionTimeoutMs = 2000)],
    ['autoOffsetReset', (m) => (m.autoOffsetReset = 'earliest')],
    ['joinedAt', (m) => (m.joinedAt = 2)],
    ['joinSeq', (m) => (m.joinSeq = 2)],
    ['memberEpoch', (m) => m.memberEpoch++],
    ['previousEpoch', (m) => m.previousEpoch++],
    ['target', (m) => (m.target = tps('t/0'))],
    ['granted', (m) => (m.granted = tps('t/1'))],
    ['revoking', (m) => (m.revoking = [])],
    ['delivered', (m) => (m.delivered = [])],
  ];
  test.each(changes)('a change to %s is a different member', (_field, change) => {
    const draft = new GroupDraft(base());
    const a = draft.edit('a')!;
    change(a);
    expect(sameMember(a, base().members.get('a')!)).toBe(false);
    expect(draft.changes().members).toEqual([a]);
  });
});

describe('parseState', () => {
  test.each([
    ['nothing stored (a group with only offsets)', null, [], emptyState()],
    ['an unknown version', { version: 1, groupEpoch: 3, fenced: [], members: [{}] }, [], emptyState()],
    [
      'version 2: members in join order',
      { version: 2, groupEpoch: 5, fenced: ['x'] },
      [{ ...member('a'), joinSeq: 3 }, { ...member('c'), joinSeq: 1 }, { ...member('b'), joinSeq: 2 }],
      { ...state({ ...member('c'), joinSeq: 1 }, { ...member('b'), joinSeq: 2 }, { ...member('a'), joinSeq: 3 }), fenced: ['x'] },
    ],
  ])('%s', (_name, meta, members, expected) => {
    const parsed = parseState(meta, members);
    expect(parsed).toEqual(expected);
    expect([...parsed.members.keys()]).toEqual([...expected.members.keys()]);
  });
});
