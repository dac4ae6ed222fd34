/**
 * Two coordinators (two gateways) on one store: each group has one coordinating gateway at a time, through
 * the store's lease (leases.ts). Here both share one real SQLite store, whose leases and fences are the
 * store's own, as two gateway processes share a cluster; each has its own clock, so a test can make one
 * believe its lease is still good after the other took it (a paused or skewed gateway) and see the fence.
 */
import { expect, onTestFinished, test } from 'vitest';
import { tpKey, type TopicPartition } from '../../../src/core/assignor.js';
import type { Clock } from '../../../src/core/clock.js';
import { GroupCoordinator } from '../../../src/core/groups.js';
import { Log } from '../../../src/core/log.js';
import { Notifier } from '../../../src/core/notifier.js';
import type { LogStore } from '../../../src/storage/log-store.js';
import { openSqliteStore } from '../../../src/storage/sqlite/sqlite-store.js';
import { tempDir } from '../../helpers/gateway.js';

class ManualClock implements Clock {
  t = 1_700_000_000_000;
  now() {
    return this.t;
  }
}

const LEASE_MS = 60_000;

function coordinator(store: LogStore, clock: Clock, address: string) {
  const notifier = new Notifier();
  const log = new Log(store, notifier, { autoCreateTopics: false, defaultPartitions: 1, maxPartitions: 100, maxRecordBytes: 1_000_000, idempotencyWindowMs: 60_000 }, clock);
  const groups = new GroupCoordinator({
    store,
    log,
    notifier,
    clock,
    settings: {
      groupSessionTimeoutMs: 120_000,
      groupMinSessionTimeoutMs: 100,
      groupMaxSessionTimeoutMs: 600_000,
      groupHeartbeatIntervalMs: 100,
      groupMaxMembers: 10,
      groupMaxGroups: 100,
      groupSessionCheckIntervalMs: 3_600_000,
      groupCoordinatorLeaseMs: LEASE_MS,
      advertisedUrl: address,
    },
  });
  onTestFinished(() => groups.stop());
  return { groups, log };
}

async function setup() {
  const store = openSqliteStore({ dataDir: tempDir(), synchronous: 'NORMAL' });
  onTestFinished(() => store.close());
  const clockA = new ManualClock();
  const clockB = new ManualClock();
  const a = coordinator(store, clockA, 'http://a.example');
  const b = coordinator(store, clockB, 'http://b.example');
  await a.groups.start();
  await b.groups.start();
  await a.log.createTopic('t', 4);
  return { store, a: a.groups, b: b.groups, clockA, clockB };
}

const keys = (list: TopicPartition[]) => list.map(tpKey).sort();

test('the first gateway to serve a group coordinates it; another answers NOT_COORDINATOR naming it', async () => {
  const { a, b } = await setup();
  const m = await a.join('g', { topics: ['t'] });
  expect(await a.whoCoordinates('g')).toEqual({ self: true });
  expect(await b.whoCoordinates('g')).toEqual({ self: false, address: 'http://a.example' });
  for (const call of [
    () => b.join('g', { topics: ['t'] }),
    () => b.heartbeat('g', m.memberId, { memberEpoch: m.memberEpoch, ownedPartitions: m.assignment }),
    () => b.commit('g', { memberId: m.memberId, memberEpoch: m.memberEpoch, offsets: [{ topic: 't', partition: 0, offset: 0 }] }),
    () => b.describe('g'),
  ]) {
    await expect(call()).rejects.toMatchObject({ code: 'NOT_COORDINATOR', details: { group: 'g', coordinator: 'http://a.example' } });
  }
  // Another group is free: b takes it.
  await b.join('h', { topics: ['t'] });
  expect(await a.whoCoordinates('h')).toEqual({ self: false, address: 'http://b.example' });
  expect(b.list().map((g) => g.group)).toEqual(['h']);
  expect(a.list().map((g) => g.group)).toEqual(['g']);
});

test('when the holder stops renewing, another takes over once the lease ran out: members keep ids, epochs and partitions; the old holder is fenced', async () => {
  const { a, b, clockB } = await setup();
  const m1 = await a.join('g', { topics: ['t'] });
  const m2 = await a.join('g', { topics: ['t'] });
  // Settle: m1 releases what goes to m2, m2 takes it.
  const m1b = await a.heartbeat('g', m1.memberId, { memberEpoch: m1.memberEpoch, ownedPartitions: m1.assignment });
  const m1c = await a.heartbeat('g', m1.memberId, { memberEpoch: m1b.memberEpoch, ownedPartitions: m1b.assignment });
  const m2b = await a.heartbeat('g', m2.memberId, { memberEpoch: m2.memberEpoch, ownedPartitions: [] });
  expect(keys([...m1c.assignment, ...m2b.assignment])).toEqual(keys([0, 1, 2, 3].map((partition) => ({ topic: 't', partition }))));
  await a.commit('g', { memberId: m1.memberId, memberEpoch: m1c.memberEpoch, offsets: [{ topic: 't', partition: m1c.assignment[0]!.partition, offset: 0 }] });

  // Not yet: the lease is a's until it runs out by the claimant's clock.
  clockB.t += LEASE_MS - 1;
  await expect(b.heartbeat('g', m1.memberId, { memberEpoch: m1c.memberEpoch, ownedPartitions: m1c.assignment })).rejects.toMatchObject({ code: 'NOT_COORDINATOR' });
  // a's clock stands still (a paused gateway): a still believes it coordinates. b's clock passes the lease.
  clockB.t += 1;
  const again1 = await b.heartbeat('g', m1.memberId, { memberEpoch: m1c.memberEpoch, ownedPartitions: m1c.assignment });
  const again2 = await b.heartbeat('g', m2.memberId, { memberEpoch: m2b.memberEpoch, ownedPartitions: m2b.assignment });
  expect(again1).toMatchObject({ memberId: m1.memberId, memberEpoch: m1c.memberEpoch });
  expect(keys(again1.assignment)).toEqual(keys(m1c.assignment));
  expect(keys(again2.assignment)).toEqual(keys(m2b.assignment));
  expect((await b.offsets('g')).offsets.find((o) => o.committedOffset !== null)).toMatchObject({ partition: m1c.assignment[0]!.partition, committedOffset: 0 });

  // The deposed a still answers from memory, but every write it tries is refused by the store's fence.
  await expect(
    a.commit('g', { memberId: m1.memberId, memberEpoch: m1c.memberEpoch, offsets: [{ topic: 't', partition: m1c.assignment[0]!.partition, offset: 0 }] }),
  ).rejects.toMatchObject({ code: 'NOT_COORDINATOR' });
  await expect(a.leave('g', m2.memberId)).rejects.toMatchObject({ code: 'NOT_COORDINATOR' });
  expect((await b.describe('g')).members.map((m) => m.memberId).sort()).toEqual([m1.memberId, m2.memberId].sort());

  // Commits go on through the new coordinator; a third member joins there and the partitions stay single-owned.
  await b.commit('g', { memberId: m2.memberId, memberEpoch: again2.memberEpoch, offsets: [{ topic: 't', partition: again2.assignment[0]!.partition, offset: 0 }] });
  await b.join('g', { topics: ['t'] });
  const d = await b.describe('g');
  const held = d.members.flatMap((m) => [...m.assignment, ...m.revoking].map(tpKey));
  expect(new Set(held).size).toBe(held.length);
});

test('a stopping gateway lets its leases go: another takes its groups at once', async () => {
  const { a, b } = await setup();
  const m = await a.join('g', { topics: ['t'] });
  await a.stop();
  const again = await b.heartbeat('g', m.memberId, { memberEpoch: m.memberEpoch, ownedPartitions: m.assignment });
  expect(again.memberId).toBe(m.memberId);
  expect(await b.whoCoordinates('g')).toEqual({ self: true });
});
