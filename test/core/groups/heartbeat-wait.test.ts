/**
 * Heartbeats that wait for news (heartbeat's waitMs): a member that only waits for partitions another
 * member is releasing is answered when one is released, with it, instead of "nothing yet" and one more
 * round trip a heartbeat interval later. Real coordinator and SQLite store; a manual clock (no session
 * runs out here), and a heartbeat interval long enough that only a release, not the cap, ends a wait.
 */
import { describe, expect, onTestFinished, test } from 'vitest';
import { tpKey, type TopicPartition } from '../../../src/core/assignor.js';
import type { Membership } from '../../../src/core/groups.js';
import { openSqliteStore } from '../../../src/storage/sqlite/sqlite-store.js';
import { countListeners } from '../../helpers/abort-listeners.js';
import { tempDir } from '../../helpers/gateway.js';
import { until } from '../../helpers/until.js';
import { groupCoordinator, ManualClock } from '../../helpers/group-coordinator.js';

const LONG = 60_000;

async function setup(heartbeatIntervalMs = LONG) {
  const store = openSqliteStore({ dataDir: tempDir(), synchronous: 'NORMAL' });
  const { groups, log } = groupCoordinator(store, new ManualClock(), {
    groupHeartbeatIntervalMs: heartbeatIntervalMs,
    groupSessionTimeoutMs: 600_000,
  });
  await groups.start();
  onTestFinished(async () => {
    await groups.stop();
    await store.close();
  });
  await log.createTopic('t', 2);
  return { groups, log };
}

const keys = (list: TopicPartition[]) => list.map(tpKey).sort();

/** The promise's outcome so far, without waiting for it. */
function watch<T>(p: Promise<T>): { settled: () => boolean } {
  let done = false;
  p.then(
    () => (done = true),
    () => (done = true),
  );
  return { settled: () => done };
}

/** A holds t/0 and t/1; B joins: t/1 is B's target, still A's until A releases it. */
async function twoMembers(groups: Awaited<ReturnType<typeof setup>>['groups']) {
  const a = await groups.join('g', { topics: ['t'] });
  const b = await groups.join('g', { topics: ['t'] });
  expect(b.assignment).toEqual([]);
  return { a, b };
}

describe('heartbeat waitMs', () => {
  test('a member waiting for a partition being released is answered when it is released, with it', async () => {
    const { groups } = await setup();
    const { a, b } = await twoMembers(groups);
    const waiting = groups.heartbeat('g', b.memberId, { memberEpoch: b.memberEpoch, ownedPartitions: [] }, { waitMs: LONG });
    const bAnswer = watch(waiting);

    // A learns that t/1 is revoked but still lists it: nothing is released, B still waits.
    const a2 = await groups.heartbeat('g', a.memberId, { memberEpoch: a.memberEpoch, ownedPartitions: a.assignment });
    expect(keys(a2.assignment)).toEqual(['t/0']);
    await groups.describe('g'); // one more turn of the group, after which B's answer would be out were it not waiting
    expect(bAnswer.settled()).toBe(false);

    // A releases t/1: B's waiting heartbeat is answered with it, one epoch on, and the group is stable.
    await groups.heartbeat('g', a.memberId, { memberEpoch: a2.memberEpoch, ownedPartitions: a2.assignment });
    const b2 = await waiting;
    expect(keys(b2.assignment)).toEqual(['t/1']);
    expect(b2.memberEpoch).toBe(b.memberEpoch + 1);
    const d = await groups.describe('g');
    expect(d.state).toBe('stable');
    expect(d.members.flatMap((m) => [...m.assignment, ...m.revoking].map(tpKey)).sort()).toEqual(['t/0', 't/1']);
  });

  test('the answer a waiting heartbeat gets can be lost: a retry naming the epoch it was sent with is answered again', async () => {
    const { groups } = await setup();
    const { a, b } = await twoMembers(groups);
    const waiting = groups.heartbeat('g', b.memberId, { memberEpoch: b.memberEpoch, ownedPartitions: [] }, { waitMs: LONG });
    const a2 = await groups.heartbeat('g', a.memberId, { memberEpoch: a.memberEpoch, ownedPartitions: a.assignment });
    await groups.heartbeat('g', a.memberId, { memberEpoch: a2.memberEpoch, ownedPartitions: a2.assignment });
    const lost: Membership = await waiting;
    const retried = await groups.heartbeat('g', b.memberId, { memberEpoch: b.memberEpoch, ownedPartitions: [] });
    expect(retried.memberEpoch).toBe(lost.memberEpoch);
    expect(keys(retried.assignment)).toEqual(['t/1']);
  });

  test('a heartbeat with news is answered at once: the old owner learning of a revocation, a settled member', async () => {
    const { groups } = await setup();
    const { a } = await twoMembers(groups);
    // A is told t/1 is revoked (a new epoch): answered at once, whatever it would wait.
    const a2 = await groups.heartbeat('g', a.memberId, { memberEpoch: a.memberEpoch, ownedPartitions: a.assignment }, { waitMs: LONG });
    expect(keys(a2.assignment)).toEqual(['t/0']);
    // A still lists t/1 and is told nothing new, but it is releasing, not waiting: answered at once too.
    const a3 = await groups.heartbeat('g', a.memberId, { memberEpoch: a2.memberEpoch, ownedPartitions: a.assignment }, { waitMs: LONG });
    expect(a3.memberEpoch).toBe(a2.memberEpoch);
    // Released: A holds its target and was told so, nothing to wait for.
    const a4 = await groups.heartbeat('g', a.memberId, { memberEpoch: a3.memberEpoch, ownedPartitions: a3.assignment }, { waitMs: LONG });
    expect(keys(a4.assignment)).toEqual(['t/0']);
  });

  test('a waiting member is answered, unchanged, once its heartbeat interval has passed at most', async () => {
    const { groups } = await setup(50);
    const { b } = await twoMembers(groups);
    const b2 = await groups.heartbeat('g', b.memberId, { memberEpoch: b.memberEpoch, ownedPartitions: [] }, { waitMs: LONG });
    expect(b2).toMatchObject({ memberEpoch: b.memberEpoch, assignment: [] });
  });

  test('a wait ends when its signal aborts (the client went away), with the answer it had', async () => {
    const { groups } = await setup();
    const { b } = await twoMembers(groups);
    const gone = new AbortController();
    const waiting = groups.heartbeat('g', b.memberId, { memberEpoch: b.memberEpoch, ownedPartitions: [] }, { waitMs: LONG, signals: [gone.signal] });
    gone.abort();
    expect(await waiting).toMatchObject({ memberEpoch: b.memberEpoch, assignment: [] });
  });

  test('a waiting member that leaves the group meanwhile gets FENCED_MEMBER', async () => {
    const { groups } = await setup();
    const { b } = await twoMembers(groups);
    const waiting = groups.heartbeat('g', b.memberId, { memberEpoch: b.memberEpoch, ownedPartitions: [] }, { waitMs: LONG });
    const outcome = waiting.catch((err: unknown) => err);
    await groups.leave('g', b.memberId);
    expect(await outcome).toMatchObject({ code: 'FENCED_MEMBER' });
  });

  test('waiting heartbeats put one listener on the shutdown signal however many wait, and none once answered', async () => {
    const { groups, log } = await setup();
    await log.createTopic('wide', 10);
    const holder = await groups.join('g', { topics: ['wide'] });
    const joiners = [];
    for (let i = 0; i < 9; i++) joiners.push(await groups.join('g', { topics: ['wide'] }));
    const shutdown = new AbortController();
    const shutdownListeners = countListeners(shutdown.signal);
    // Each waits for its partition, which the holder never releases; each with its own client signal too.
    const waits = joiners.map((m) => {
      const client = new AbortController();
      const listening = countListeners(client.signal);
      const answer = groups.heartbeat('g', m.memberId, { memberEpoch: m.memberEpoch, ownedPartitions: [] }, { waitMs: LONG, signals: [client.signal, shutdown.signal] });
      return { answer, listening };
    });
    await until('every heartbeat waiting', () => waits.every((w) => w.listening() === 1));
    expect(shutdownListeners()).toBe(1);
    shutdown.abort();
    for (const w of waits) expect((await w.answer).assignment).toEqual([]);
    expect(shutdownListeners()).toBe(0);
    expect(waits.every((w) => w.listening() === 0)).toBe(true);
    expect(holder.assignment).toHaveLength(10);
  });
});
