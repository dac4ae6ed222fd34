import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { assign, tpKey, type AssignorMember, type TopicPartition } from '../../src/core/assignor.js';

const tps = (topic: string, ...partitions: number[]): TopicPartition[] => partitions.map((partition) => ({ topic, partition }));
const counts = (entries: Record<string, number>) => new Map(Object.entries(entries));
const member = (memberId: string, topics: string[], current: TopicPartition[] = []): AssignorMember => ({ memberId, topics, current });

/** Every partition of every subscribed topic has exactly one owner, a subscriber, and per topic counts differ by <= 1. */
function checkInvariants(members: AssignorMember[], partitionCounts: Map<string, number>, result: Map<string, TopicPartition[]>) {
  const owners = new Map<string, string>();
  for (const [memberId, list] of result) {
    const m = members.find((x) => x.memberId === memberId)!;
    for (const tp of list) {
      expect(owners.has(tpKey(tp)), `${tpKey(tp)} owned twice`).toBe(false);
      owners.set(tpKey(tp), memberId);
      expect(m.topics).toContain(tp.topic);
      expect(tp.partition).toBeLessThan(partitionCounts.get(tp.topic)!);
    }
  }
  for (const [topic, count] of partitionCounts) {
    const subscribers = members.filter((m) => m.topics.includes(topic));
    if (!subscribers.length) continue;
    for (let p = 0; p < count; p++) expect(owners.has(`${topic}/${p}`), `${topic}/${p} unowned`).toBe(true);
    const sizes = subscribers.map((m) => result.get(m.memberId)!.filter((tp) => tp.topic === topic).length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
  }
}

describe('assign', () => {
  test.each<{ name: string; members: AssignorMember[]; counts: Record<string, number>; expected: Record<string, TopicPartition[]> }>([
    {
      name: 'one member takes everything',
      members: [member('a', ['t'])],
      counts: { t: 3 },
      expected: { a: tps('t', 0, 1, 2) },
    },
    {
      name: 'two new members split six partitions evenly',
      members: [member('a', ['t']), member('b', ['t'])],
      counts: { t: 6 },
      expected: { a: tps('t', 0, 1, 2), b: tps('t', 3, 4, 5) },
    },
    {
      name: 'a third member takes one from each, the others keep the rest (sticky)',
      members: [member('a', ['t'], tps('t', 0, 1, 2)), member('b', ['t'], tps('t', 3, 4, 5)), member('c', ['t'])],
      counts: { t: 6 },
      expected: { a: tps('t', 0, 1), b: tps('t', 3, 4), c: tps('t', 2, 5) },
    },
    {
      name: 'a departing member’s partitions are spread, the others keep theirs',
      members: [member('a', ['t'], tps('t', 0, 1)), member('c', ['t'], tps('t', 2, 5))],
      counts: { t: 6 },
      expected: { a: tps('t', 0, 1, 3), c: tps('t', 2, 4, 5) },
    },
    {
      name: 'the extra partition stays with the member that already holds more',
      members: [member('a', ['t'], tps('t', 0)), member('b', ['t'], tps('t', 1, 2))],
      counts: { t: 3 },
      expected: { a: tps('t', 0), b: tps('t', 1, 2) },
    },
    {
      name: 'more members than partitions: some get none',
      members: [member('a', ['t']), member('b', ['t']), member('c', ['t'])],
      counts: { t: 2 },
      expected: { a: tps('t', 0), b: tps('t', 1), c: [] },
    },
    {
      name: 'subscriptions differ: each topic is balanced among its own subscribers',
      members: [member('a', ['t', 'u']), member('b', ['t'])],
      counts: { t: 2, u: 3 },
      expected: { a: [...tps('t', 0), ...tps('u', 0, 1, 2)], b: tps('t', 1) },
    },
    {
      name: 'new partitions go to whoever is under quota',
      members: [member('a', ['t'], tps('t', 0)), member('b', ['t'], tps('t', 1))],
      counts: { t: 4 },
      expected: { a: tps('t', 0, 2), b: tps('t', 1, 3) },
    },
    {
      name: 'stale and duplicate claims are ignored: first claim wins, deleted topics vanish',
      members: [member('a', ['t', 'gone'], [...tps('t', 0, 9), ...tps('gone', 0)]), member('b', ['t'], tps('t', 0))],
      counts: { t: 2 },
      expected: { a: tps('t', 0), b: tps('t', 1) },
    },
  ])('$name', ({ members, counts: c, expected }) => {
    const result = assign(members, counts(c));
    expect(Object.fromEntries(result)).toEqual(expected);
    checkInvariants(members, counts(c), result);
  });

  test('is deterministic and a fixed point: assigning the result again changes nothing', () => {
    const members = [member('b', ['t']), member('a', ['t']), member('c', ['t'])];
    const first = assign(members, counts({ t: 7 }));
    expect(assign([...members].reverse(), counts({ t: 7 }))).toEqual(first);
    const again = assign(
      members.map((m) => ({ ...m, current: first.get(m.memberId)! })),
      counts({ t: 7 }),
    );
    expect(again).toEqual(first);
  });

  test('property: one owner per partition, balance within one, and members keep what balance allows', () => {
    const arb = fc.record({
      partitions: fc.integer({ min: 1, max: 24 }),
      before: fc.uniqueArray(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), { minLength: 1, maxLength: 6 }),
      after: fc.uniqueArray(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), { minLength: 1, maxLength: 6 }),
    });
    fc.assert(
      fc.property(arb, ({ partitions, before, after }) => {
        const c = counts({ t: partitions });
        const first = assign(before.map((id) => member(id, ['t'])), c);
        const members = after.map((id) => member(id, ['t'], first.get(id) ?? []));
        const second = assign(members, c);
        checkInvariants(members, c, second);
        // Stickiness: a member that stays keeps min(what it had, its new quota) of its partitions.
        const quotaLow = Math.floor(partitions / after.length);
        for (const id of after) {
          const had = new Set((first.get(id) ?? []).map(tpKey));
          const kept = second.get(id)!.filter((tp) => had.has(tpKey(tp))).length;
          expect(kept).toBeGreaterThanOrEqual(Math.min(had.size, quotaLow));
        }
      }),
      { numRuns: 300 },
    );
  });
});
