/**
 * Two coordinators (two gateways) on one store: each group has one coordinating gateway at a time, through
 * the store's lease (leases.ts). Here both share one real SQLite store, whose leases and fences are the
 * store's own, as two gateway processes share a cluster; each has its own clock, so a test can make one
 * believe its lease is still good after the other took it (a paused or skewed gateway) and see the fence.
 */
import { expect, onTestFinished, test } from 'vitest';
import { tpKey, type TopicPartition } from '../../../src/core/assignor.js';
import type { Clock } from '../../../src/core/clock.js';
import type { LogStore } from '../../../src/storage/log-store.js';
import { openSqliteStore } from '../../../src/storage/sqlite/sqlite-store.js';
import { tempDir } from '../../helpers/gateway.js';
import { groupCoordinator, ManualClock } from '../../helpers/group-coordinator.js';
import { intercept } from '../../helpers/intercept.js';

const LEASE_MS = 60_000;

function coordinator(store: LogStore, clock: Clock, address: string, shared = true) {
  // As on a cluster: this store is SQLite's, which one gateway alone would hold for good (shared).
  const { groups, log } = groupCoordinator(store, clock, { groupSessionTimeoutMs: 120_000, groupCoordinatorLeaseMs: LEASE_MS, advertisedUrl: address }, shared);
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
  expect(await b.whoCoordinates('g')).toEqual({ self: false, address: 'http://a.example', retryAfterSeconds: LEASE_MS / 1000 });
  for (const call of [
    () => b.join('g', { topics: ['t'] }),
    () => b.heartbeat('g', m.memberId, { memberEpoch: m.memberEpoch, ownedPartitions: m.assignment }),
    () => b.commit('g', { memberId: m.memberId, memberEpoch: m.memberEpoch, offsets: [{ topic: 't', partition: 0, offset: 0 }] }),
    () => b.describe('g'),
  ]) {
    // Retry-After: the lease's time left, after which another gateway may take the group if a is gone.
    await expect(call()).rejects.toMatchObject({ code: 'NOT_COORDINATOR', details: { group: 'g', coordinator: 'http://a.example', retryAfterSeconds: LEASE_MS / 1000 } });
  }
  // Another group is free: b takes it.
  await b.join('h', { topics: ['t'] });
  expect(await a.whoCoordinates('h')).toMatchObject({ self: false, address: 'http://b.example' });
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

test('asking about a group that does not exist claims nothing and stores nothing, on either gateway', async () => {
  const { store, a, b } = await setup();
  for (const gw of [a, b]) {
    expect(await gw.whoCoordinates('typo')).toEqual({ self: true });
    for (const call of [
      () => gw.describe('typo'),
      () => gw.offsets('typo'),
      () => gw.heartbeat('typo', 'm', { memberEpoch: 1, ownedPartitions: [] }),
      () => gw.poll('typo', 'm', { maxRecords: 1, maxBytes: 1_000, waitMs: 0 }),
      () => gw.leave('typo', 'm'),
      () => gw.commit('typo', { memberId: 'm', memberEpoch: 1, offsets: [{ topic: 't', partition: 0, offset: 0 }] }),
      () => gw.resetOffsets('typo', { to: 'earliest' }),
      () => gw.deleteGroup('typo'),
    ]) {
      await expect(call()).rejects.toMatchObject({ code: 'GROUP_NOT_FOUND' });
    }
  }
  expect(await store.readGroupLease('typo')).toBeUndefined();
  expect(await store.listGroups()).toEqual([]);
  expect(a.loadedGroups + b.loadedGroups).toBe(0);
});

test('an idle group\'s lease is let go after a lease time unused; a group with members keeps its lease however quiet', async () => {
  const { store, a, b, clockA } = await setup();
  const third = LEASE_MS / 3;
  const idle = await a.join('idle', { topics: ['t'] });
  await a.commit('idle', { memberId: idle.memberId, memberEpoch: idle.memberEpoch, offsets: [{ topic: 't', partition: 0, offset: 0 }] });
  await a.leave('idle', idle.memberId);
  const busy = await a.join('busy', { topics: ['t'] });

  // Used within the lease time: renewed.
  clockA.t += third;
  await a.renewLeases();
  expect(await store.readGroupLease('idle')).toMatchObject({ expiresAt: clockA.t + LEASE_MS });
  // Unused for a lease time: let go at once (expiresAt 0) and dropped from a's memory.
  for (let i = 0; i < 3; i++) {
    clockA.t += third;
    await a.renewLeases();
  }
  expect(await store.readGroupLease('idle')).toMatchObject({ expiresAt: 0, epoch: 1 });
  expect(a.list().map((g) => g.group)).toEqual(['busy']);
  // The member of 'busy' never called, yet its group's lease was renewed each time.
  expect(await store.readGroupLease('busy')).toMatchObject({ expiresAt: clockA.t + LEASE_MS, epoch: 1 });
  expect(await b.whoCoordinates('busy')).toMatchObject({ self: false });
  expect(busy.memberId).toBeTypeOf('string');

  // b (whose clock did not move) takes the idle group at once, from the store: its offsets are there.
  expect((await b.offsets('idle')).offsets.find((o) => o.partition === 0)).toMatchObject({ committedOffset: 0 });
  expect(await store.readGroupLease('idle')).toMatchObject({ epoch: 2 });
  expect(b.list().map((g) => g.group)).toEqual(['idle']);
  expect(a.list().map((g) => g.group)).toEqual(['busy']);
});

test('one gateway on its own store (SQLite) takes a group\'s lease once, for good: nothing to renew, nothing let go', async () => {
  const raw = openSqliteStore({ dataDir: tempDir(), synchronous: 'NORMAL' });
  onTestFinished(() => raw.close());
  let claims = 0;
  const store = intercept(raw, {
    claimGroupLease: (original) => (group, claim) => {
      claims++;
      return original(group, claim);
    },
  });
  const clock = new ManualClock();
  const { groups, log } = coordinator(store, clock, '', false);
  await groups.start();
  await log.createTopic('t', 1);
  const m = await groups.join('g', { topics: ['t'] });
  await groups.leave('g', m.memberId);
  expect(claims).toBe(1);
  expect((await store.readGroupLease('g'))!.expiresAt).toBeGreaterThan(clock.t + 1_000 * 365 * 24 * 3_600_000);
  // Ten lease times later, idle all along: still coordinated here, and never claimed again.
  for (let i = 0; i < 30; i++) {
    clock.t += LEASE_MS / 3;
    await groups.renewLeases();
  }
  expect((await groups.describe('g')).state).toBe('empty');
  expect(claims).toBe(1);
});
