/** The pure state transitions of a consumer group, table-driven: plain data in, plain data out. */
import { describe, expect, test } from 'vitest';
import {
  copyState,
  emptyState,
  grantDraft,
  parseState,
  rebalanceDraft,
  sameState,
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
    memberEpoch: 1,
    previousEpoch: 0,
    target: tps(lists.target ?? ''),
    granted: tps(lists.granted ?? ''),
    revoking: tps(lists.revoking ?? ''),
    delivered: tps(lists.delivered ?? lists.granted ?? ''),
  };
}

const state = (...members: MemberState[]): GroupState => ({ version: 1, groupEpoch: 5, members, fenced: [] });

/** Each member's lists after the transition, as text. */
const lists = (s: GroupState) =>
  Object.fromEntries(s.members.map((m) => [m.memberId, { target: text(m.target), granted: text(m.granted), revoking: text(m.revoking) }]));

describe('rebalanceDraft', () => {
  const cases: { name: string; before: GroupState; counts: Record<string, number>; after: ReturnType<typeof lists>; epoch: number }[] = [
    {
      name: 'a first member gets every partition as its target (granting is a separate step)',
      before: state(member('a')),
      counts: { t: 2 },
      after: { a: { target: 't/0 t/1', granted: '', revoking: '' } },
      epoch: 6,
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
    },
    {
      name: 'an unchanged target keeps the group epoch',
      before: state(member('a', { target: 't/0 t/1', granted: 't/0 t/1' })),
      counts: { t: 2 },
      after: { a: { target: 't/0 t/1', granted: 't/0 t/1', revoking: '' } },
      epoch: 5,
    },
    {
      name: 'a deleted topic: its partitions are dropped from granted and revoking alike',
      before: state(member('a', { topics: 't u', target: 't/0 u/0', granted: 't/0 u/0', revoking: 'u/1' })),
      counts: { t: 1 },
      after: { a: { target: 't/0', granted: 't/0', revoking: '' } },
      epoch: 6,
    },
    {
      name: 'a partition being revoked that the target gives back returns to granted',
      before: state(member('a', { target: 't/0', granted: 't/0', revoking: 't/1' })),
      counts: { t: 2 },
      after: { a: { target: 't/0 t/1', granted: 't/0 t/1', revoking: '' } },
      epoch: 6,
    },
  ];
  test.each(cases)('$name', ({ before, counts, after, epoch }) => {
    const draft = copyState(before);
    rebalanceDraft(draft, new Map(Object.entries(counts)));
    expect(lists(draft)).toEqual(after);
    expect(draft.groupEpoch).toBe(epoch);
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
    const draft = state(member('a', { target, granted }), other);
    grantDraft(draft, draft.members[0]!);
    expect(text(draft.members[0]!.granted)).toBe(expected);
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

describe('copyState and sameState', () => {
  const base = () => state(member('a', { target: 't/0 t/1', granted: 't/0', revoking: 't/1' }), member('b', { target: 't/2', granted: 't/2' }));

  test('a copy is the same state and shares no list with the original', () => {
    const original = base();
    const copy = copyState(original);
    expect(copy).toEqual(original);
    expect(sameState(copy, original)).toBe(true);
    copy.members[0]!.granted.push({ topic: 't', partition: 9 });
    copy.members[0]!.topics.push('u');
    copy.fenced.push('x');
    copy.members.push(member('c'));
    expect(original).toEqual(base());
  });

  // Every stored field: a change to any of them must be seen (or it would not be written).
  const changes: [string, (s: GroupState) => void][] = [
    ['groupEpoch', (s) => s.groupEpoch++],
    ['fenced', (s) => s.fenced.push('gone')],
    ['a member more', (s) => s.members.push(member('c'))],
    ['member order', (s) => s.members.reverse()],
    ['memberId', (s) => (s.members[0]!.memberId = 'z')],
    ['topics', (s) => (s.members[0]!.topics = ['t', 'u'])],
    ['sessionTimeoutMs', (s) => (s.members[0]!.sessionTimeoutMs = 2000)],
    ['autoOffsetReset', (s) => (s.members[0]!.autoOffsetReset = 'earliest')],
    ['joinedAt', (s) => (s.members[0]!.joinedAt = 2)],
    ['memberEpoch', (s) => s.members[0]!.memberEpoch++],
    ['previousEpoch', (s) => s.members[0]!.previousEpoch++],
    ['target', (s) => (s.members[0]!.target = tps('t/0'))],
    ['granted', (s) => (s.members[0]!.granted = tps('t/1'))],
    ['revoking', (s) => (s.members[0]!.revoking = [])],
    ['delivered', (s) => (s.members[1]!.delivered = [])],
  ];
  test.each(changes)('a change to %s is a different state', (_field, change) => {
    const copy = copyState(base());
    change(copy);
    expect(sameState(copy, base())).toBe(false);
  });
});

describe('parseState', () => {
  test.each([
    ['nothing stored (a group with only offsets)', null, emptyState()],
    ['an unknown version', { version: 2, members: [{}] }, emptyState()],
    ['version 1', state(member('a')), state(member('a'))],
  ])('%s', (_name, raw, expected) => expect(parseState(raw)).toEqual(expected));
});
