/**
 * The coordinator against a real SQLite store in a temp dir, with an injected clock so that
 * session timeouts are tested without sleeping (expireSessions() is what the timer calls).
 */
import { describe, expect, onTestFinished, test } from 'vitest';
import { tpKey, type TopicPartition } from '../../src/core/assignor.js';
import type { GroupCoordinator, MemberEvent } from '../../src/core/groups.js';
import type { GroupChange } from '../../src/storage/log-store.js';
import { openSqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import { tempDir } from '../helpers/gateway.js';
import { groupCoordinator, ManualClock, polledRecords } from '../helpers/group-coordinator.js';
import { intercept } from '../helpers/intercept.js';
import { until } from '../helpers/until.js';

const SESSION_MS = 1_000;

async function open(dataDir: string, clock: ManualClock, maxGroups = 100) {
  const raw = openSqliteStore({ dataDir, synchronous: 'NORMAL' });
  // Records group state writes, to check that a heartbeat that changes nothing writes nothing and that a
  // change writes only the members it changed. Every write still reaches the real store.
  // `gate`, when set, holds each write until it resolves (the group stays busy meanwhile).
  // `blockMs`, when set, makes each write hold the event loop that long first, as a slow fsync does.
  const writes = { saveGroup: 0, changes: [] as GroupChange[], gate: undefined as Promise<void> | undefined, held: 0, blockMs: 0 };
  const store = intercept(raw, {
    saveGroup: (saveGroup) => async (group, change) => {
      // A coordinator fences a group once as it takes its lease (leases.ts): not a membership write.
      if (Object.keys(change).every((k) => k === 'fence')) return saveGroup(group, change);
      for (const end = performance.now() + writes.blockMs; performance.now() < end; );
      if (writes.gate) {
        writes.held++;
        await writes.gate;
      }
      writes.saveGroup++;
      writes.changes.push(change);
      return saveGroup(group, change);
    },
  });
  // The test drives expiry itself (the helper's groupSessionCheckIntervalMs is an hour).
  const { groups, log, notifier } = groupCoordinator(store, clock, {
    groupSessionTimeoutMs: SESSION_MS,
    groupMaxSessionTimeoutMs: 60_000,
    groupMaxMembers: 3,
    groupMaxGroups: maxGroups,
  });
  await groups.start();
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await groups.stop();
    await raw.close();
  };
  onTestFinished(close);
  return { store: raw, log, groups, notifier, writes, close };
}

async function setup(partitions = 6, maxGroups?: number) {
  const clock = new ManualClock();
  const dataDir = tempDir();
  const env = await open(dataDir, clock, maxGroups);
  await env.log.createTopic('t', partitions);
  return { ...env, clock, dataDir };
}

const keys = (list: TopicPartition[]) => list.map(tpKey).sort();

/** No partition is granted to, or being revoked from, two members at once. */
async function expectSingleOwners(groups: GroupCoordinator, group: string) {
  const d = await groups.describe(group);
  const held = d.members.flatMap((m) => [...m.assignment, ...m.revoking].map(tpKey));
  expect(new Set(held).size).toBe(held.length);
  return d;
}

describe('GroupCoordinator', () => {
  test('a partition reaches its new owner only after the old owner released it', async () => {
    const { groups } = await setup();
    const a = await groups.join('g', { topics: ['t'] });
    expect(keys(a.assignment)).toHaveLength(6);
    const eventsA: MemberEvent[] = [];
    groups.onMemberChange('g', a.memberId, (e) => eventsA.push(e));

    const b = await groups.join('g', { topics: ['t'] });
    const eventsB: MemberEvent[] = [];
    groups.onMemberChange('g', b.memberId, (e) => eventsB.push(e));
    expect(b.assignment).toEqual([]); // all six are still A's
    expect(eventsA).toEqual([{ type: 'reconcile' }]); // A is told to heartbeat
    let d = await expectSingleOwners(groups, 'g');
    expect(d.state).toBe('reconciling');
    const revoked = d.members.find((m) => m.memberId === a.memberId)!.revoking;
    expect(revoked).toHaveLength(3);

    // A learns its smaller assignment but still lists the revoked ones: B gets nothing yet.
    const a2 = await groups.heartbeat('g', a.memberId, { memberEpoch: a.memberEpoch, ownedPartitions: a.assignment });
    expect(a2.assignment).toHaveLength(3);
    expect(a2.memberEpoch).toBe(a.memberEpoch + 1);
    expect((await groups.heartbeat('g', b.memberId, { memberEpoch: b.memberEpoch, ownedPartitions: [] })).assignment).toEqual([]);
    await expectSingleOwners(groups, 'g');

    // A may still commit what it processed of a partition being revoked.
    await groups.commit('g', { memberId: a.memberId, memberEpoch: a2.memberEpoch, offsets: [{ ...revoked[0]!, offset: 0 }] });

    // A releases them; B is told, and gets them at its heartbeat.
    expect(eventsB).toEqual([]);
    await groups.heartbeat('g', a.memberId, { memberEpoch: a2.memberEpoch, ownedPartitions: a2.assignment });
    expect(eventsB).toEqual([{ type: 'reconcile' }]);
    const b2 = await groups.heartbeat('g', b.memberId, { memberEpoch: b.memberEpoch, ownedPartitions: [] });
    expect(keys(b2.assignment)).toEqual(keys(revoked));
    expect(b2.memberEpoch).toBe(b.memberEpoch + 1);
    d = await expectSingleOwners(groups, 'g');
    expect(d.state).toBe('stable');
    expect([...keys(a2.assignment), ...keys(b2.assignment)].sort()).toEqual(keys(a.assignment));
  });

  test('heartbeats in one turn: a member granted a free partition first still holds the one it is releasing', async () => {
    const { groups, log } = await setup(2);
    // A holds both partitions; B joins: A keeps t/0, t/1 is revoked from A (B's target, not yet B's).
    const a = await groups.join('g', { topics: ['t'] });
    const b = await groups.join('g', { topics: ['t'] });
    // Two new partitions: one goes to A's target, one to B's; both are free.
    await log.updateTopic('t', { partitions: 4 });
    await expect.poll(async () => (await groups.describe('g')).members.every((m) => m.target.length === 2), { timeout: 15_000 }).toBe(true);
    const before = await expectSingleOwners(groups, 'g');
    expect(keys(before.members.find((m) => m.memberId === a.memberId)!.revoking)).toEqual(['t/1']);
    // Both heartbeat in one turn, A first. A still lists t/1 (it has not released it: it learns of the revocation
    // from this answer), and is granted its new free partition. B must not get t/1 in the same turn.
    const [a2, b2] = await Promise.all([
      groups.heartbeat('g', a.memberId, { memberEpoch: a.memberEpoch, ownedPartitions: a.assignment }),
      groups.heartbeat('g', b.memberId, { memberEpoch: b.memberEpoch, ownedPartitions: [] }),
    ]);
    expect(a2.assignment).toHaveLength(2);
    expect(keys(b2.assignment)).not.toContain('t/1');
    await expectSingleOwners(groups, 'g');
  });

  test('commits are fenced: stale epoch, foreign partition, departed member; nothing is stored', async () => {
    const { groups, log } = await setup(2);
    await log.produce('t', [{ key: null, value: '1', headers: null, partition: 0 }]);
    const a = await groups.join('g', { topics: ['t'] });
    const b = await groups.join('g', { topics: ['t'] });
    const a2 = await groups.heartbeat('g', a.memberId, { memberEpoch: a.memberEpoch, ownedPartitions: a.assignment });
    const a3 = await groups.heartbeat('g', a.memberId, { memberEpoch: a2.memberEpoch, ownedPartitions: a2.assignment });
    const b2 = await groups.heartbeat('g', b.memberId, { memberEpoch: b.memberEpoch, ownedPartitions: [] });
    const mine = a3.assignment[0]!;
    const theirs = b2.assignment[0]!;

    await expect(
      groups.commit('g', { memberId: a.memberId, memberEpoch: a3.memberEpoch - 1, offsets: [{ ...mine, offset: 0 }] }),
    ).rejects.toMatchObject({ code: 'FENCED_MEMBER' });
    await expect(
      groups.commit('g', { memberId: a.memberId, memberEpoch: a3.memberEpoch, offsets: [{ ...theirs, offset: 0 }] }),
    ).rejects.toMatchObject({ code: 'NOT_PARTITION_OWNER' });
    await expect(groups.commit('g', { offsets: [{ ...mine, offset: 0 }] })).rejects.toMatchObject({ code: 'GROUP_NOT_EMPTY' });
    await expect(
      groups.commit('g', { memberId: 'nobody', memberEpoch: 1, offsets: [{ ...mine, offset: 0 }] }),
    ).rejects.toMatchObject({ code: 'MEMBER_NOT_FOUND' });
    await expect(
      groups.commit('nogroup', { memberId: a.memberId, memberEpoch: 1, offsets: [{ ...mine, offset: 0 }] }),
    ).rejects.toMatchObject({ code: 'GROUP_NOT_FOUND' });
    expect((await groups.offsets('g')).offsets.every((o) => o.committedOffset === null)).toBe(true);

    await groups.leave('g', a.memberId);
    await expect(
      groups.commit('g', { memberId: a.memberId, memberEpoch: a3.memberEpoch, offsets: [{ ...mine, offset: 0 }] }),
    ).rejects.toMatchObject({ code: 'FENCED_MEMBER' });
    await expect(groups.heartbeat('g', a.memberId, { memberEpoch: a3.memberEpoch, ownedPartitions: [] })).rejects.toMatchObject({
      code: 'FENCED_MEMBER',
    });
    expect((await groups.offsets('g')).offsets.every((o) => o.committedOffset === null)).toBe(true);
  });

  test('a heartbeat that changes nothing writes nothing; a lost answer may be retried with the previous epoch', async () => {
    const { groups, writes } = await setup(2);
    const a = await groups.join('g', { topics: ['t'] });
    const before = writes.saveGroup;
    for (let i = 0; i < 5; i++) await groups.heartbeat('g', a.memberId, { memberEpoch: a.memberEpoch, ownedPartitions: a.assignment });
    expect(writes.saveGroup).toBe(before);

    const b = await groups.join('g', { topics: ['t'] });
    const a2 = await groups.heartbeat('g', a.memberId, { memberEpoch: a.memberEpoch, ownedPartitions: a.assignment });
    // Say that answer was lost: the member retries with what it knew.
    const retry = await groups.heartbeat('g', a.memberId, { memberEpoch: a.memberEpoch, ownedPartitions: a.assignment });
    expect(retry).toEqual(a2);
    // But an epoch older than that, or claiming partitions it never had, is fenced.
    await expect(groups.heartbeat('g', a.memberId, { memberEpoch: a.memberEpoch - 1, ownedPartitions: [] })).rejects.toMatchObject({
      code: 'FENCED_MEMBER',
    });
    await expect(
      groups.heartbeat('g', b.memberId, { memberEpoch: b.memberEpoch + 5, ownedPartitions: [] }),
    ).rejects.toMatchObject({ code: 'FENCED_MEMBER' });
  });

  test('a join or a heartbeat writes only the members it changed (issue 9: groups in O(change))', async () => {
    const { groups, writes } = await setup(6);
    /** What each write since the last call stored: member ids (in write order) and whether the group-wide part was in it. */
    let seen = 0;
    const written = () => {
      const out = writes.changes.slice(seen).map((c) => ({ members: (c.members ?? []).map((m) => m.memberId), meta: c.state !== undefined, removed: c.removedMembers ?? [] }));
      seen = writes.changes.length;
      return out;
    };
    const a = await groups.join('g', { topics: ['t'] });
    expect(written()).toEqual([{ members: [a.memberId], meta: true, removed: [] }]);

    // B joins: B is new, A loses three partitions (its row changes), the group epoch moves.
    const b = await groups.join('g', { topics: ['t'] });
    expect(written()).toEqual([{ members: expect.arrayContaining([a.memberId, b.memberId]), meta: true, removed: [] }]);
    expect(writes.changes.at(-1)!.members).toHaveLength(2);

    // A's heartbeat takes note of the revocation: only A's row.
    const a2 = await groups.heartbeat('g', a.memberId, { memberEpoch: a.memberEpoch, ownedPartitions: a.assignment });
    expect(written()).toEqual([{ members: [a.memberId], meta: false, removed: [] }]);
    // A releases them: only A's row again (B is told, but nothing of B's is stored until it heartbeats).
    const a3 = await groups.heartbeat('g', a.memberId, { memberEpoch: a2.memberEpoch, ownedPartitions: a2.assignment });
    expect(written()).toEqual([{ members: [a.memberId], meta: false, removed: [] }]);
    // B gets them: only B's row.
    const b2 = await groups.heartbeat('g', b.memberId, { memberEpoch: b.memberEpoch, ownedPartitions: [] });
    expect(b2.assignment).toHaveLength(3);
    expect(written()).toEqual([{ members: [b.memberId], meta: false, removed: [] }]);

    // Settled heartbeats write nothing.
    await groups.heartbeat('g', a.memberId, { memberEpoch: a3.memberEpoch, ownedPartitions: a3.assignment });
    await groups.heartbeat('g', b.memberId, { memberEpoch: b2.memberEpoch, ownedPartitions: b2.assignment });
    expect(written()).toEqual([]);

    // B leaves: its row goes, A's target grows (A's row), the group-wide part (epoch, fenced ids) is rewritten.
    await groups.leave('g', b.memberId);
    expect(written()).toEqual([{ members: [a.memberId], meta: true, removed: [b.memberId] }]);
  });

  test('a member joining a group with more members than partitions writes its own row only', async () => {
    const { groups, writes } = await setup(2);
    const a = await groups.join('g', { topics: ['t'] });
    const b = await groups.join('g', { topics: ['t'] });
    const a2 = await groups.heartbeat('g', a.memberId, { memberEpoch: a.memberEpoch, ownedPartitions: a.assignment });
    await groups.heartbeat('g', a.memberId, { memberEpoch: a2.memberEpoch, ownedPartitions: a2.assignment });
    await groups.heartbeat('g', b.memberId, { memberEpoch: b.memberEpoch, ownedPartitions: [] });
    expect((await groups.describe('g')).state).toBe('stable');
    const before = writes.changes.length;
    const c = await groups.join('g', { topics: ['t'] });
    expect(c.assignment).toEqual([]);
    expect(writes.changes.slice(before)).toEqual([{ members: [expect.objectContaining({ memberId: c.memberId })], removedMembers: [], fence: 1 }]);
  });

  test('joins and heartbeats arriving together are stored together, each answered as if alone', async () => {
    const { groups, writes } = await setup(6);
    // The first join's write is held open; three more queue up behind it (the setup's groupMaxMembers is 3).
    let release!: () => void;
    writes.gate = new Promise((resolve) => (release = resolve));
    const first = groups.join('g', { topics: ['t'] });
    await until('the first join to reach the store', () => writes.held === 1);
    const queued = [1, 2, 3].map(() => groups.join('g', { topics: ['t'] }));
    // Each queued join validates its topic first (a store call that SQLite answers at once): one turn of the event
    // loop lets all three reach the queue.
    await new Promise((resolve) => setImmediate(resolve));
    writes.gate = undefined;
    release();
    const joins = await Promise.allSettled([first, ...queued]);
    // The queued three are handled in one turn: two admitted, the third refused, one write for the two.
    expect(joins.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason)).toMatchObject([{ code: 'GROUP_FULL' }]);
    const members = joins.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    expect(members).toHaveLength(3);
    expect(writes.saveGroup).toBe(2);
    expect(writes.changes[1]!.members).toHaveLength(3); // the two new members, and the first losing partitions to them
    // The first joiner got the free partitions, the others none yet (nobody may hold a partition twice).
    const d = await expectSingleOwners(groups, 'g');
    expect(d.members.map((m) => m.memberId)).toEqual(members.map((m) => m.memberId));
    expect(d.members.map((m) => m.target.length)).toEqual([2, 2, 2]);

    // Everyone reconciles until stable; heartbeats sent together share writes, and a stale one is refused alone.
    let current = members.map((m) => ({ id: m.memberId, epoch: m.memberEpoch, owned: m.assignment }));
    for (let round = 0; round < 3; round++) {
      const stale = groups.heartbeat('g', current[0]!.id, { memberEpoch: current[0]!.epoch + 7, ownedPartitions: [] });
      const beats = current.map((m) => groups.heartbeat('g', m.id, { memberEpoch: m.epoch, ownedPartitions: m.owned }));
      await expect(stale).rejects.toMatchObject({ code: 'FENCED_MEMBER' });
      current = (await Promise.all(beats)).map((r) => ({ id: r.memberId, epoch: r.memberEpoch, owned: r.assignment }));
      await expectSingleOwners(groups, 'g');
    }
    expect((await groups.describe('g')).state).toBe('stable');
    expect(current.map((m) => m.owned.length)).toEqual([2, 2, 2]);
  });

  test('a join and a heartbeat arriving together share one write; the heartbeat is answered after the join', async () => {
    const { groups, writes } = await setup(6);
    const a = await groups.join('g', { topics: ['t'] });
    const before = writes.saveGroup;
    const [b, a2] = await Promise.all([
      groups.join('g', { topics: ['t'] }),
      groups.heartbeat('g', a.memberId, { memberEpoch: a.memberEpoch, ownedPartitions: a.assignment }),
    ]);
    expect(writes.saveGroup - before).toBe(1);
    // B's join revoked three partitions from A; A's heartbeat in the same turn already learns of it.
    expect(b.assignment).toEqual([]);
    expect(a2.assignment).toHaveLength(3);
    expect(a2.memberEpoch).toBe(a.memberEpoch + 1);
    await expectSingleOwners(groups, 'g');
  });

  test('joins that reach the gateway in one event-loop turn, each in its own callback, share one write', async () => {
    const { groups, writes } = await setup(6);
    // As HTTP requests parsed in one I/O phase: each join starts in its own callback, and the group is idle.
    const joins = await Promise.all(
      [1, 2, 3].map(
        () => new Promise<Awaited<ReturnType<typeof groups.join>>>((resolve, reject) => setImmediate(() => groups.join('g', { topics: ['t'] }).then(resolve, reject))),
      ),
    );
    expect(writes.saveGroup).toBe(1);
    expect(new Set(joins.map((j) => j.memberId)).size).toBe(3);
    const d = await expectSingleOwners(groups, 'g');
    expect(d.members.map((m) => m.target.length)).toEqual([2, 2, 2]);
    // Admitted in one turn, each got its target at once: nobody held anything before.
    expect(joins.map((j) => j.assignment.length)).toEqual([2, 2, 2]);
  });

  test('leaves arriving together share one write and one rebalance; each bad one gets its own error', async () => {
    const { groups, writes } = await setup(6);
    const [a, b, c] = await Promise.all([1, 2, 3].map(() => groups.join('g', { topics: ['t'] })));
    const before = writes.saveGroup;
    const leaves = await Promise.allSettled([
      groups.leave('g', a!.memberId),
      groups.leave('g', b!.memberId),
      groups.leave('g', 'nobody'),
      groups.leave('g', a!.memberId), // the same member again, in the same turn
    ]);
    expect(leaves.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'rejected']);
    expect(leaves.slice(2).map((r) => (r as PromiseRejectedResult).reason)).toMatchObject([{ code: 'MEMBER_NOT_FOUND' }, { code: 'FENCED_MEMBER' }]);
    // One write: both rows removed, C's target grown to every partition, the fenced ids stored.
    expect(writes.saveGroup - before).toBe(1);
    expect(writes.changes.at(-1)).toMatchObject({ removedMembers: [a!.memberId, b!.memberId], members: [{ memberId: c!.memberId }] });
    const d = await expectSingleOwners(groups, 'g');
    expect(d.members.map((m) => [m.memberId, m.target.length])).toEqual([[c!.memberId, 6]]);
    await expect(groups.heartbeat('g', b!.memberId, { memberEpoch: b!.memberEpoch, ownedPartitions: [] })).rejects.toMatchObject({ code: 'FENCED_MEMBER' });
  });

  test('joins that arrive one by one just after a slow write are admitted together in the next write', async () => {
    const { groups, writes } = await setup(6);
    // The first join's write holds the event loop for 40 ms, as a slow fsync does.
    writes.blockMs = 40;
    const a = await groups.join('g', { topics: ['t'] });
    writes.blockMs = 0;
    expect(writes.saveGroup).toBe(1);

    // Two more joins right after it, 5 ms apart: separate event-loop turns, so each would start a turn of its
    // own, and write, if the group did not leave the loop some time after a slow write before its next turn.
    const join = () => groups.join('g', { topics: ['t'] });
    const b = join();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const c = join();
    const later = await Promise.all([b, c]);
    expect(writes.saveGroup).toBe(2);
    expect(writes.changes[1]!.members!.map((m) => m.memberId)).toEqual(expect.arrayContaining(later.map((j) => j.memberId)));

    // One rebalance for both: every partition targeted once, two each, and members keep their ids.
    const d = await expectSingleOwners(groups, 'g');
    expect(d.members.map((m) => m.memberId)).toEqual([a.memberId, ...later.map((j) => j.memberId)]);
    const targets = d.members.flatMap((m) => m.target.map(tpKey));
    expect(targets.sort()).toEqual(Array.from({ length: 6 }, (_, p) => `t/${p}`).sort());
    expect(d.members.map((m) => m.target.length)).toEqual([2, 2, 2]);
  });

  test('a silent member is expelled after its session timeout and its partitions move', async () => {
    const { groups, clock } = await setup(4);
    const a = await groups.join('g', { topics: ['t'] });
    const b = await groups.join('g', { topics: ['t'] });
    const fenced: MemberEvent[] = [];
    groups.onMemberChange('g', a.memberId, (e) => fenced.push(e));
    const a2 = await groups.heartbeat('g', a.memberId, { memberEpoch: a.memberEpoch, ownedPartitions: a.assignment });
    await groups.heartbeat('g', a.memberId, { memberEpoch: a2.memberEpoch, ownedPartitions: a2.assignment });
    let bm = await groups.heartbeat('g', b.memberId, { memberEpoch: b.memberEpoch, ownedPartitions: [] });
    expect(bm.assignment).toHaveLength(2);

    // B keeps heartbeating, A goes silent.
    clock.t += SESSION_MS - 1;
    bm = await groups.heartbeat('g', b.memberId, { memberEpoch: bm.memberEpoch, ownedPartitions: bm.assignment });
    expect(await groups.expireSessions()).toEqual([]);
    clock.t += 2;
    expect(await groups.expireSessions()).toEqual([a.memberId]);
    expect(fenced).toEqual([{ type: 'fenced', reason: 'its session timed out' }]);
    bm = await groups.heartbeat('g', b.memberId, { memberEpoch: bm.memberEpoch, ownedPartitions: bm.assignment });
    expect(bm.assignment).toHaveLength(4);
    await expect(groups.poll('g', a.memberId, { maxRecords: 10, maxBytes: 1000, waitMs: 0 })).rejects.toMatchObject({
      code: 'FENCED_MEMBER',
    });
  });

  test('poll starts at the committed offset, else autoOffsetReset, advances, and long-polls', async () => {
    const { groups, log } = await setup(1);
    const produce = (v: number) => log.produce('t', [{ key: null, value: String(v), headers: null }]);
    for (let i = 0; i < 5; i++) await produce(i);
    const late = await groups.join('latest', { topics: ['t'] });
    expect((await groups.poll('latest', late.memberId, { maxRecords: 10, maxBytes: 1e6, waitMs: 0 })).recordCount).toBe(0);

    const m = await groups.join('g', { topics: ['t'], autoOffsetReset: 'earliest' });
    const p1 = await groups.poll('g', m.memberId, { maxRecords: 2, maxBytes: 1e6, waitMs: 0 });
    expect(polledRecords(p1).map((r) => r.value)).toEqual([0, 1]);
    expect(p1.nextOffsets).toEqual([{ topic: 't', partition: 0, offset: 2 }]);
    const p2 = await groups.poll('g', m.memberId, { maxRecords: 2, maxBytes: 1e6, waitMs: 0 });
    expect(polledRecords(p2).map((r) => r.value)).toEqual([2, 3]);
    await groups.commit('g', { memberId: m.memberId, memberEpoch: m.memberEpoch, offsets: p1.nextOffsets });
    await groups.leave('g', m.memberId);

    // A new member resumes at the commit (2), not where the old one had read to (4).
    const n = await groups.join('g', { topics: ['t'], autoOffsetReset: 'latest' });
    const p3 = await groups.poll('g', n.memberId, { maxRecords: 100, maxBytes: 1e6, waitMs: 0 });
    expect(polledRecords(p3).map((r) => r.value)).toEqual([2, 3, 4]);

    const waiting = groups.poll('g', n.memberId, { maxRecords: 100, maxBytes: 1e6, waitMs: 30_000 });
    await produce(5);
    const p4 = await waiting;
    expect(polledRecords(p4).map((r) => r.value)).toEqual([5]);
  });

  test('membership, epochs, assignments and offsets survive a restart; sessions restart in full', async () => {
    const { groups, clock, dataDir, close, log } = await setup(4);
    await log.produce('t', [{ key: null, value: '1', headers: null, partition: 0 }]);
    const a = await groups.join('g', { topics: ['t'] });
    const b = await groups.join('g', { topics: ['t'] });
    const a2 = await groups.heartbeat('g', a.memberId, { memberEpoch: a.memberEpoch, ownedPartitions: a.assignment });
    await groups.commit('g', { memberId: a.memberId, memberEpoch: a2.memberEpoch, offsets: [{ topic: 't', partition: 0, offset: 1 }] });
    const before = await groups.describe('g');
    await close();

    clock.t += 10 * SESSION_MS; // the gateway was down for longer than any session
    const reopened = await open(dataDir, clock);
    const after = await reopened.groups.describe('g');
    expect(after.members.map(({ sessionExpiresAt: _, ...m }) => m)).toEqual(before.members.map(({ sessionExpiresAt: _, ...m }) => m));
    expect(after.offsets).toEqual(before.offsets);
    expect(after.members.every((m) => m.sessionExpiresAt === clock.t + SESSION_MS)).toBe(true);
    expect(await reopened.groups.expireSessions()).toEqual([]);

    // A keeps going as if nothing happened: same id, epoch, partitions.
    const a3 = await reopened.groups.heartbeat('g', a.memberId, { memberEpoch: a2.memberEpoch, ownedPartitions: a2.assignment });
    expect(a3.memberEpoch).toBe(a2.memberEpoch);
    expect(a3.assignment).toEqual(a2.assignment);
    // B was silent since the restart: expelled one full session later.
    clock.t += SESSION_MS + 1;
    await reopened.groups.heartbeat('g', a.memberId, { memberEpoch: a3.memberEpoch, ownedPartitions: a3.assignment });
    expect(await reopened.groups.expireSessions()).toEqual([b.memberId]);
  });

  test('new partitions of a subscribed topic are assigned; a deleted topic’s are dropped', async () => {
    const { groups, log } = await setup(2);
    const a = await groups.join('g', { topics: ['t'] });
    const b = await groups.join('g', { topics: ['t'] });
    let am = await groups.heartbeat('g', a.memberId, { memberEpoch: a.memberEpoch, ownedPartitions: a.assignment });
    am = await groups.heartbeat('g', a.memberId, { memberEpoch: am.memberEpoch, ownedPartitions: am.assignment });
    let bm = await groups.heartbeat('g', b.memberId, { memberEpoch: b.memberEpoch, ownedPartitions: [] });
    await log.updateTopic('t', { partitions: 6 });
    await expect.poll(async () => (await groups.describe('g')).groupEpoch, { timeout: 15_000 }).toBeGreaterThan(2);
    am = await groups.heartbeat('g', a.memberId, { memberEpoch: am.memberEpoch, ownedPartitions: am.assignment });
    bm = await groups.heartbeat('g', b.memberId, { memberEpoch: bm.memberEpoch, ownedPartitions: bm.assignment });
    expect(am.assignment).toHaveLength(3);
    expect(bm.assignment).toHaveLength(3);
    await expectSingleOwners(groups, 'g');

    await log.deleteTopic('t');
    await expect.poll(async () => (await groups.describe('g')).members.every((m) => m.assignment.length === 0), { timeout: 15_000 }).toBe(true);

    // The topic comes back: its partitions are assigned again without any member rejoining.
    const epoch = (await groups.describe('g')).groupEpoch;
    await log.createTopic('t', 4);
    await expect.poll(async () => (await groups.describe('g')).groupEpoch, { timeout: 15_000 }).toBeGreaterThan(epoch);
    for (let i = 0; i < 2; i++) {
      am = await groups.heartbeat('g', a.memberId, { memberEpoch: am.memberEpoch, ownedPartitions: am.assignment });
      bm = await groups.heartbeat('g', b.memberId, { memberEpoch: bm.memberEpoch, ownedPartitions: bm.assignment });
    }
    expect([am.assignment.length, bm.assignment.length]).toEqual([2, 2]);
    await expectSingleOwners(groups, 'g');
  });

  test('poll counts maxBytes in UTF-8 bytes, as fetch does', async () => {
    const { groups, log } = await setup(2);
    // 100 two-byte characters: 102 UTF-16 units of JSON text, 202 UTF-8 bytes.
    const value = JSON.stringify('é'.repeat(100));
    for (const partition of [0, 1]) await log.produce('t', [{ key: null, value, headers: null, partition }]);
    expect((await log.read('t', 0, 0, 10, 150)).length).toBe(1);
    const m = await groups.join('g', { topics: ['t'], autoOffsetReset: 'earliest' });
    expect(m.assignment).toHaveLength(2);
    // The first partition's record (202 bytes) uses up the 150-byte budget: the other partition waits for the next poll.
    const first = await groups.poll('g', m.memberId, { maxRecords: 10, maxBytes: 150, waitMs: 0 });
    expect(first.recordCount).toBe(1);
    const second = await groups.poll('g', m.memberId, { maxRecords: 10, maxBytes: 150, waitMs: 0 });
    expect(second.recordCount).toBe(1);
    expect(new Set([...polledRecords(first), ...polledRecords(second)].map((r) => r.partition))).toEqual(new Set([0, 1]));
  });

  test('bad input changes nothing', async () => {
    const { groups, log } = await setup(1);
    await expect(groups.join('g', { topics: ['missing'] })).rejects.toMatchObject({ code: 'TOPIC_NOT_FOUND' });
    await expect(groups.join('g', { topics: ['t'], sessionTimeoutMs: 5 })).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    await expect(groups.commit('g', { offsets: [{ topic: 't', partition: 0, offset: 1 }] })).rejects.toMatchObject({
      code: 'INVALID_REQUEST', // past the high watermark (0)
    });
    await expect(groups.commit('g', { offsets: [{ topic: 't', partition: 3, offset: 0 }] })).rejects.toMatchObject({
      code: 'PARTITION_NOT_FOUND',
    });
    await expect(groups.commit('g', { offsets: [{ topic: 't', partition: 0, offset: -1 }] })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
    });
    await expect(groups.commit('g', { offsets: [{ topic: 't', partition: 0, offset: 0.5 }] })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
    });
    expect(groups.list()).toEqual([]);
    expect(groups.loadedGroups).toBe(0);
    await expect(groups.describe('g')).rejects.toMatchObject({ code: 'GROUP_NOT_FOUND' });

    // A commit queued behind a failing one on the same new group still creates it (the dropped runtime is not reused).
    const failing = groups.commit('q', { offsets: [{ topic: 'missing', partition: 0, offset: 0 }] });
    const good = groups.commit('q', { offsets: [{ topic: 't', partition: 0, offset: 0 }] });
    await expect(failing).rejects.toMatchObject({ code: 'TOPIC_NOT_FOUND' });
    await expect(good).resolves.toHaveLength(1);
    expect((await groups.offsets('q')).offsets.map((o) => o.committedOffset)).toEqual([0]);
    await groups.deleteGroup('q');
    expect(groups.loadedGroups).toBe(0);

    // Members limit (3 in this setup).
    for (let i = 0; i < 3; i++) await groups.join('full', { topics: ['t'] });
    await expect(groups.join('full', { topics: ['t'] })).rejects.toMatchObject({ code: 'GROUP_FULL', details: { maxMembers: 3 } });
    expect((await groups.describe('full')).members).toHaveLength(3);
    await log.produce('t', [{ key: null, value: '1', headers: null }]);
    await expect(groups.resetOffsets('full', { to: 'earliest', topics: ['t'] })).rejects.toMatchObject({ code: 'GROUP_NOT_EMPTY' });
    await expect(groups.deleteGroup('full')).rejects.toMatchObject({ code: 'GROUP_NOT_EMPTY' });
  });

  describe('groupMaxGroups', () => {
    const names = (groups: GroupCoordinator) => groups.list().map((x) => x.group);

    test('a new group beyond the cap is refused and changes nothing; existing groups are never refused by it', async () => {
      const { groups, log, writes } = await setup(2, 2);
      const a = await groups.join('a', { topics: ['t'] });
      await groups.commit('b', { offsets: [{ topic: 't', partition: 0, offset: 0 }] });
      const saves = writes.saveGroup;

      const refused = { code: 'TOO_MANY_GROUPS', details: { group: 'c', maxGroups: 2 } };
      await expect(groups.join('c', { topics: ['t'] })).rejects.toMatchObject(refused);
      await expect(groups.join('c', { topics: ['t'] })).rejects.toThrow(/groupMaxGroups/);
      await expect(groups.commit('c', { offsets: [{ topic: 't', partition: 0, offset: 0 }] })).rejects.toMatchObject(refused);
      expect(names(groups)).toEqual(['a', 'b']);
      expect(groups.loadedGroups).toBe(2);
      expect(writes.saveGroup).toBe(saves);
      await expect(groups.describe('c')).rejects.toMatchObject({ code: 'GROUP_NOT_FOUND' });

      // Validation still comes first: a bad request is told what is wrong with it, not that the gateway is full.
      await expect(groups.join('c', { topics: ['missing'] })).rejects.toMatchObject({ code: 'TOPIC_NOT_FOUND' });

      // At the cap, the existing groups take joins, member and administrator commits.
      await groups.commit('a', { memberId: a.memberId, memberEpoch: a.memberEpoch, offsets: [{ topic: 't', partition: 0, offset: 0 }] });
      const a2 = await groups.join('a', { topics: ['t'] });
      await groups.leave('a', a.memberId);
      await groups.leave('a', a2.memberId);
      await groups.commit('a', { offsets: [{ topic: 't', partition: 1, offset: 0 }] });
      await groups.join('b', { topics: ['t'] });

      // Deleting a group frees its slot.
      await groups.deleteGroup('a');
      expect(groups.loadedGroups).toBe(1);
      await groups.join('c', { topics: ['t'] });
      expect(names(groups)).toEqual(['b', 'c']);
      await expect(groups.commit('d', { offsets: [{ topic: 't', partition: 0, offset: 0 }] })).rejects.toMatchObject({
        code: 'TOO_MANY_GROUPS',
      });

      // A group holding only offsets of a deleted topic is gone (from the store too), and so is its slot.
      await groups.leave('b', (await groups.describe('b')).members[0]!.memberId);
      await groups.deleteGroup('b');
      await log.createTopic('u', 1);
      await groups.commit('only-u', { offsets: [{ topic: 'u', partition: 0, offset: 0 }] });
      expect(names(groups)).toEqual(['c', 'only-u']);
      await log.deleteTopic('u');
      expect(names(groups)).toEqual(['c']);
      await until('the offsets-only group to be dropped', () => groups.loadedGroups === 1);
      await groups.join('e', { topics: ['t'] });
      expect(names(groups)).toEqual(['c', 'e']);
      expect(groups.loadedGroups).toBe(2);
    });

    test('concurrent creations of N new groups with a cap of K create exactly K; the others change nothing', async () => {
      const { groups } = await setup(1, 3);
      const joins = Array.from({ length: 10 }, (_, i) => groups.join(`j${i}`, { topics: ['t'] }));
      const commits = Array.from({ length: 10 }, (_, i) => groups.commit(`c${i}`, { offsets: [{ topic: 't', partition: 0, offset: 0 }] }));
      const results = await Promise.allSettled([...joins, ...commits]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'TOO_MANY_GROUPS' });
      expect(groups.list()).toHaveLength(3);
      expect(groups.loadedGroups).toBe(3);
    });

    test('a creation that fails frees its slot; one in flight holds it', async () => {
      const { groups } = await setup(1, 1);
      // The first creation is in flight (not yet stored) when the second asks: the second is refused, never both stored.
      const failing = groups.commit('x', { offsets: [{ topic: 't', partition: 5, offset: 0 }] });
      const second = groups.commit('y', { offsets: [{ topic: 't', partition: 0, offset: 0 }] });
      await expect(second).rejects.toMatchObject({ code: 'TOO_MANY_GROUPS' });
      await expect(failing).rejects.toMatchObject({ code: 'PARTITION_NOT_FOUND' });
      expect(groups.loadedGroups).toBe(0);
      await groups.join('y', { topics: ['t'] });
      expect(names(groups)).toEqual(['y']);
    });

    test('groups stored beyond a lowered cap still load; only new ones are refused', async () => {
      const { groups, clock, dataDir, close } = await setup(1, 5);
      for (const name of ['a', 'b', 'c']) await groups.join(name, { topics: ['t'] });
      await close();
      const reopened = await open(dataDir, clock, 2);
      expect(names(reopened.groups)).toEqual(['a', 'b', 'c']);
      await reopened.groups.join('a', { topics: ['t'] });
      await expect(reopened.groups.join('d', { topics: ['t'] })).rejects.toMatchObject({ code: 'TOO_MANY_GROUPS' });
      const a = await reopened.groups.describe('a');
      for (const m of a.members) await reopened.groups.leave('a', m.memberId);
      await reopened.groups.deleteGroup('a');
      // Still at the cap of 2 (b, c): deleting one group below the old count does not free a slot yet.
      await expect(reopened.groups.join('d', { topics: ['t'] })).rejects.toMatchObject({ code: 'TOO_MANY_GROUPS' });
      expect(names(reopened.groups)).toEqual(['b', 'c']);
    });
  });
});
