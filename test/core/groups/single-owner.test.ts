/**
 * Consumer group safety as a property: whatever members join, leave and heartbeat, and however their
 * requests share turns (several joins and heartbeats handled in one draft), no partition is ever held by
 * two members, in the group's state nor in what the members were told. Members behave as Kafka's do:
 * each heartbeat lists the partitions of the last answer it got.
 */
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { tpKey, type TopicPartition } from '../../../src/core/assignor.js';
import type { Clock } from '../../../src/core/clock.js';
import type { GroupCoordinator } from '../../../src/core/groups.js';
import { openSqliteStore } from '../../../src/storage/sqlite/sqlite-store.js';
import { tempDir } from '../../helpers/gateway.js';
import { groupCoordinator } from '../../helpers/group-coordinator.js';

const PARTITIONS = 6;
const MAX_MEMBERS = 8;

/** Sessions never run out: the test is about membership turns, not expiry. */
const clock: Clock = { now: () => 1_700_000_000_000 };

async function open() {
  const store = openSqliteStore({ dataDir: tempDir(), synchronous: 'NORMAL' });
  const { groups, log } = groupCoordinator(store, clock, { groupHeartbeatIntervalMs: 1_000, groupMaxMembers: MAX_MEMBERS, groupMaxGroups: 10 });
  await log.createTopic('t', PARTITIONS);
  await groups.start();
  return {
    groups,
    close: async () => {
      await groups.stop();
      await store.close();
    },
  };
}

interface Client {
  id: string;
  epoch: number;
  owned: TopicPartition[];
}

/** One turn: `joins` new members and heartbeats from the members picked (by index, in that order), sent together; or one member leaving. */
type Step = { joins: number; beats: number[] } | { leave: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ joins: fc.nat({ max: 2 }), beats: fc.array(fc.nat({ max: MAX_MEMBERS - 1 }), { maxLength: 5 }) }) },
  { weight: 1, arbitrary: fc.record({ leave: fc.nat({ max: MAX_MEMBERS - 1 }) }) },
);

async function expectSingleOwners(groups: GroupCoordinator, clients: Client[]) {
  const d = await groups.describe('g');
  const held = d.members.flatMap((m) => [...m.assignment, ...m.revoking].map(tpKey));
  expect(new Set(held).size, JSON.stringify(d.members.map((m) => [m.memberId.slice(0, 4), m.assignment, m.revoking]))).toBe(held.length);
  // What the members were told: each reads the partitions of its last answer until a later answer takes them.
  const told = clients.flatMap((c) => c.owned.map(tpKey));
  expect(new Set(told).size, JSON.stringify(clients.map((c) => [c.id.slice(0, 4), c.owned]))).toBe(told.length);
}

test('no partition is ever held by, or told to, two members, whatever shares a turn', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 25 }), async (steps) => {
      const { groups, close } = await open();
      try {
        // The group exists from the first join on (describe answers GROUP_NOT_FOUND before).
        const first = await groups.join('g', { topics: ['t'] });
        const clients: Client[] = [{ id: first.memberId, epoch: first.memberEpoch, owned: first.assignment }];
        for (const s of steps) {
          if ('leave' in s) {
            const c = clients[s.leave % Math.max(1, clients.length)];
            if (!c) continue;
            await groups.leave('g', c.id);
            clients.splice(clients.indexOf(c), 1);
          } else {
            const beating = [...new Set(s.beats.filter((i) => i < clients.length))].map((i) => clients[i]!);
            const joins = Array.from({ length: Math.min(s.joins, MAX_MEMBERS - clients.length) }, () => groups.join('g', { topics: ['t'] }));
            const beats = beating.map((c) => groups.heartbeat('g', c.id, { memberEpoch: c.epoch, ownedPartitions: c.owned }));
            for (const j of await Promise.all(joins)) clients.push({ id: j.memberId, epoch: j.memberEpoch, owned: j.assignment });
            (await Promise.all(beats)).forEach((r, i) => Object.assign(beating[i]!, { epoch: r.memberEpoch, owned: r.assignment }));
          }
          await expectSingleOwners(groups, clients);
        }
        // And it converges: a few rounds of everyone's heartbeats make the group stable, each partition owned once.
        for (let round = 0; round < 3 && clients.length; round++) {
          const beats = clients.map((c) => groups.heartbeat('g', c.id, { memberEpoch: c.epoch, ownedPartitions: c.owned }));
          (await Promise.all(beats)).forEach((r, i) => Object.assign(clients[i]!, { epoch: r.memberEpoch, owned: r.assignment }));
          await expectSingleOwners(groups, clients);
        }
        if (clients.length) {
          expect((await groups.describe('g')).state).toBe('stable');
          expect(clients.flatMap((c) => c.owned.map((tp) => tp.partition)).sort((a, b) => a - b)).toEqual(Array.from({ length: PARTITIONS }, (_, p) => p));
        }
      } finally {
        await close();
      }
    }),
    { numRuns: 100 },
  );
}, 120_000);
