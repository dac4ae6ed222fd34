/**
 * Group mode: two sockets and a REST member share a 6-partition topic through the same
 * coordinator. A socket is closed mid-stream with records it received but never
 * committed: its partitions move at once and those records are delivered again
 * (at-least-once); together the members process every record.
 */
import { describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../helpers/gateway.js';
import { openSocket, until, type TestSocket } from './ws-client.js';
import { until as waitFor } from '../helpers/until.js';

const GROUP = 'workers';
const TOPIC = 'jobs';

/** A socket member that commits after each records message (unless told to stop) and checks ordering per assignment. */
function socketWorker(s: TestSocket) {
  const state = {
    processed: new Set<number>(),
    committing: true,
    /** Values it processed that a commit the server confirmed covers. */
    confirmed: new Set<number>(),
    error: undefined as string | undefined,
    owned: new Set<number>(),
  };
  const expected = new Map<number, number>();
  /** What it processed, by partition then offset: a confirmed commit confirms every record below its offset. */
  const seen = new Map<number, Map<number, number>>();
  let nextId = 0;
  s.each((m) => {
    if (m.type === 'assigned') for (const p of m.partitions) {
      expected.set(p.partition, p.offset);
      state.owned.add(p.partition);
    }
    if (m.type === 'revoked') for (const p of m.partitions) {
      expected.delete(p.partition);
      state.owned.delete(p.partition);
    }
    // Offsets are cumulative: a later commit covers records whose own commit was refused (a stale epoch, say).
    if (m.type === 'committed') {
      for (const o of m.offsets) for (const [offset, v] of seen.get(o.partition) ?? []) if (offset < o.offset) state.confirmed.add(v);
    }
    if (m.type !== 'records') return;
    const partition = m.records[0].partition;
    for (const r of m.records) {
      // Within an assignment: in order from where it started, no gap, no duplicate.
      if (r.offset !== expected.get(partition)) state.error ??= `p${partition}: expected ${expected.get(partition)}, got ${r.offset}`;
      expected.set(partition, r.offset + 1);
      state.processed.add(r.value.n);
      if (!seen.has(partition)) seen.set(partition, new Map());
      seen.get(partition)!.set(r.offset, r.value.n);
    }
    if (!state.committing) return;
    const id = ++nextId;
    s.send({ type: 'commit', id, offsets: [{ topic: TOPIC, partition, offset: m.records.at(-1).offset + 1 }] });
  });
  return state;
}

/** A REST member: heartbeat, poll, commit, in a loop until stopped. */
function restWorker(gw: RunningGateway) {
  const state = { processed: new Set<number>(), stop: false, memberId: '', done: Promise.resolve() };
  state.done = (async () => {
    const joined = await gw.json('POST', `/v1/groups/${GROUP}/members`, { topics: [TOPIC], autoOffsetReset: 'earliest' });
    expect(joined.status).toBe(201);
    state.memberId = joined.body.memberId;
    let epoch = joined.body.memberEpoch;
    let owned = joined.body.assignment;
    const base = `/v1/groups/${GROUP}/members/${state.memberId}`;
    while (!state.stop) {
      const hb = await gw.json('POST', `${base}/heartbeat`, { memberEpoch: epoch, ownedPartitions: owned });
      expect(hb.status).toBe(200);
      epoch = hb.body.memberEpoch;
      owned = hb.body.assignment;
      const poll = await gw.json('GET', `${base}/records?limit=200&waitMs=50`);
      expect(poll.status).toBe(200);
      for (const r of poll.body.records) state.processed.add(r.value.n);
      if (poll.body.records.length) {
        const commit = await gw.json('POST', `/v1/groups/${GROUP}/offsets`, {
          memberId: state.memberId,
          memberEpoch: poll.body.memberEpoch,
          offsets: poll.body.nextOffsets,
        });
        // A partition taken away between poll and commit is refused: at-least-once, its new owner reads it again.
        expect([200, 409]).toContain(commit.status);
      }
    }
    expect((await gw.api(base, { method: 'DELETE' })).status).toBe(204);
  })();
  return state;
}

async function produce(gw: RunningGateway, from: number, count: number) {
  const records = Array.from({ length: count }, (_, i) => ({ key: `k${from + i}`, value: { n: from + i } }));
  expect((await gw.json('POST', `/v1/topics/${TOPIC}/records`, { records })).status).toBe(200);
}

async function describeGroup(gw: RunningGateway) {
  const res = await gw.json('GET', `/v1/groups/${GROUP}`);
  expect(res.status).toBe(200);
  return res.body;
}

describe('group mode', () => {
  it('two sockets and a REST member share partitions; a socket closing mid-stream loses nothing', async () => {
    // A long session timeout: partitions that move within the test moved because the socket left, not by expiry.
    const gw = await startGateway({ groupSessionTimeoutMs: 60_000, groupHeartbeatIntervalMs: 200 });
    expect((await gw.json('POST', '/v1/topics', { name: TOPIC, partitions: 6 })).status).toBe(201);
    await produce(gw, 0, 600);
    let produced = 600;

    const a = await openSocket(gw.url, `/v1/topics/${TOPIC}/ws?group=${GROUP}&from=earliest`);
    const aState = socketWorker(a);
    const subscribed = await a.next('subscribed');
    expect(subscribed).toMatchObject({ topic: TOPIC, group: GROUP, memberId: expect.any(String) });
    await a.until(() => aState.owned.size === 6, 'the lone member to get all 6 partitions');

    const rest = restWorker(gw);
    const b = await openSocket(gw.url, `/v1/topics/${TOPIC}/ws?group=${GROUP}&from=earliest`);
    const bState = socketWorker(b);

    // Records keep coming while the group rebalances and while a member leaves.
    let producing = true;
    const producer = (async () => {
      while (producing) {
        await produce(gw, produced, 50);
        produced += 50;
        await new Promise((r) => setTimeout(r, 10));
      }
    })();

    await until(() => aState.owned.size === 2 && bState.owned.size === 2, 'each socket to own 2 partitions');
    const stable = await describeGroup(gw);
    const owners = new Map<number, string>();
    for (const m of stable.members) {
      for (const tp of [...m.assignment, ...m.revoking]) {
        expect(owners.has(tp.partition), `partition ${tp.partition} owned twice`).toBe(false);
        owners.set(tp.partition, m.memberId);
      }
    }
    expect(stable.members).toHaveLength(3);

    // Socket A stops committing, keeps receiving a while, then goes away with uncommitted records.
    const confirmedBefore = aState.confirmed.size;
    aState.committing = false;
    const receivedAtStop = aState.processed.size;
    await a.until(() => aState.processed.size > receivedAtStop + 20, 'A to receive records it will never commit');
    a.ws.close();
    await a.closed;
    // It leaves the group at once (the session timeout is a minute).
    await until(() => gw.gateway.groups.list().find((g) => g.group === GROUP)?.members === 2, 'A to leave the group', 10_000);
    await until(() => bState.owned.size === 3, 'B to take one of A’s partitions');

    producing = false;
    await producer;
    // Everything is processed when the committed offsets reach the end of every partition.
    await waitFor('the group to commit every record (total lag 0)', async () => (await gw.json('GET', `/v1/groups/${GROUP}/offsets`)).body.totalLag === 0, {
      timeoutMs: 30_000,
    });
    rest.stop = true;
    await rest.done;

    console.log(`group: produced ${produced}; A confirmed ${aState.confirmed.size} of ${aState.processed.size}, B ${bState.processed.size}, REST ${rest.processed.size}`);
    const processed = new Set([...aState.confirmed, ...bState.processed, ...rest.processed]);
    const missing = Array.from({ length: produced }, (_, n) => n).filter((n) => !processed.has(n));
    expect(missing).toEqual([]);
    // A's uncommitted records were delivered again to the others (at-least-once, nothing lost).
    const uncommitted = [...aState.processed].filter((n) => !aState.confirmed.has(n));
    expect(uncommitted.length).toBeGreaterThan(0);
    for (const n of uncommitted) expect(bState.processed.has(n) || rest.processed.has(n)).toBe(true);
    expect(confirmedBefore).toBeGreaterThan(0);
    expect(rest.processed.size).toBeGreaterThan(0);
    expect(aState.error).toBeUndefined();
    expect(bState.error).toBeUndefined();
  });

  it('commit over the socket moves the committed offset; a commit for a partition it does not own is refused', async () => {
    const gw = await startGateway();
    expect((await gw.json('POST', '/v1/topics', { name: TOPIC, partitions: 2 })).status).toBe(201);
    await produce(gw, 0, 10);
    const s = await openSocket(gw.url, '/v1/ws');
    s.send({ type: 'subscribe', id: 's', topic: TOPIC, group: GROUP, from: 'earliest' });
    expect(await s.next('subscribed')).toMatchObject({ id: 's', group: GROUP });
    const assigned = await s.next('assigned');
    expect(assigned.partitions.map((p: any) => p.partition).sort()).toEqual([0, 1]);
    await s.until(() => s.records.length === 10, 'the 10 records');
    const last = new Map<number, number>();
    for (const r of s.records) last.set(r.partition, r.offset + 1);
    const offsets = [...last]
      .sort(([x], [y]) => x - y)
      .map(([partition, offset]) => ({ topic: TOPIC, partition, offset }));
    s.send({ type: 'commit', id: 'c1', offsets });
    expect(await s.next('committed')).toEqual({ type: 'committed', id: 'c1', group: GROUP, offsets });
    const lag = await gw.json('GET', `/v1/groups/${GROUP}/offsets`);
    expect(lag.body.totalLag).toBe(0);

    s.send({ type: 'commit', id: 'c2', offsets: [{ topic: TOPIC, partition: 0, offset: 999 }] });
    expect(await s.next('error', (m) => m.id === 'c2')).toMatchObject({ code: expect.stringMatching(/INVALID_REQUEST|OFFSET_OUT_OF_RANGE/) });

    // Closing the socket leaves the group at once.
    s.ws.close();
    await s.closed;
    await until(() => gw.gateway.groups.list().find((g) => g.group === GROUP)?.members === 0, 'the member to leave', 10_000);

    // Reconnecting as a member resumes from the committed offsets: only what came after.
    await produce(gw, 10, 4);
    const again = await openSocket(gw.url, `/v1/topics/${TOPIC}/ws?group=${GROUP}&from=earliest`);
    const reassigned = await again.next('assigned');
    expect(reassigned.partitions.sort((x: any, y: any) => x.partition - y.partition)).toEqual(offsets);
    await again.until(() => again.records.length === 4, 'the 4 new records');
    expect(again.records.map((r) => r.value.n).sort((x, y) => x - y)).toEqual([10, 11, 12, 13]);
  });

  it('a deleted topic stops a member socket\'s partitions at once; re-created, it streams the new topic from offset 0', async () => {
    // Regression: the coordinator drops a deleted topic's partitions without asking members to reconcile,
    // so the socket's feed stayed live at its old offset; when the topic came back it skipped the new
    // topic's records up to that offset (and the partition could be granted to another member meanwhile).
    // Heartbeats every 20 s: what happens within the test happens because of the deletion, not a periodic heartbeat.
    const gw = await startGateway({ groupSessionTimeoutMs: 60_000, groupHeartbeatIntervalMs: 20_000 });
    expect((await gw.json('POST', '/v1/topics', { name: TOPIC, partitions: 1 })).status).toBe(201);
    await produce(gw, 0, 5);
    const s = await openSocket(gw.url, `/v1/topics/${TOPIC}/ws?group=${GROUP}&from=earliest`);
    const first = await s.next('assigned');
    expect(first.partitions).toEqual([{ topic: TOPIC, partition: 0, offset: 0 }]);
    await s.until(() => s.records.length === 5, 'the first topic\'s 5 records');

    // Deleted and created again before any heartbeat.
    expect((await gw.api(`/v1/topics/${TOPIC}`, { method: 'DELETE' })).status).toBe(204);
    expect((await gw.json('POST', '/v1/topics', { name: TOPIC, partitions: 1 })).status).toBe(201);
    await produce(gw, 100, 3);
    const revoked = await s.next('revoked', undefined, 5_000);
    expect(revoked).toMatchObject({ group: GROUP, partitions: [{ topic: TOPIC, partition: 0 }] });
    const again = await s.next('assigned', (m) => m !== first, 5_000);
    expect(again.partitions).toEqual([{ topic: TOPIC, partition: 0, offset: 0 }]);
    await s.until(() => s.records.length === 8, 'the new topic\'s 3 records', 5_000);
    expect(s.records.slice(5).map((r) => [r.offset, r.value.n])).toEqual([[0, 100], [1, 101], [2, 102]]);
    // The socket stayed a member throughout; records never preceded their assignment.
    const types = s.messages.map((m) => m.type);
    expect(types.indexOf('revoked')).toBeLessThan(types.lastIndexOf('assigned'));
    expect(s.messages.findIndex((m) => m.type === 'records' && m.records[0].value.n === 100)).toBeGreaterThan(
      s.messages.lastIndexOf(again),
    );
    expect(s.messages.some((m) => m.type === 'error')).toBe(false);
    expect(gw.gateway.groups.list().find((g) => g.group === GROUP)?.members).toBe(1);
  });

  it('beyond groupMaxGroups a group socket gets the error frame and close 4409; a multiplexed subscribe gets the error and the socket stays', async () => {
    const gw = await startGateway({ groupMaxGroups: 1 });
    expect((await gw.json('POST', '/v1/topics', { name: TOPIC, partitions: 1 })).status).toBe(201);
    const first = await openSocket(gw.url, `/v1/topics/${TOPIC}/ws?group=${GROUP}`);
    await first.next('assigned');

    const over = await openSocket(gw.url, `/v1/topics/${TOPIC}/ws?group=other`);
    const closed = await over.closed;
    expect(closed.code).toBe(4409);
    expect(closed.reason).toMatch(/groupMaxGroups/);
    expect(over.messages).toEqual([expect.objectContaining({ type: 'error', code: 'TOO_MANY_GROUPS', group: 'other', maxGroups: 1 })]);

    const multi = await openSocket(gw.url, '/v1/ws');
    multi.send({ type: 'subscribe', id: 's1', topic: TOPIC, group: 'other' });
    expect(await multi.next('error', (m) => m.id === 's1')).toMatchObject({ code: 'TOO_MANY_GROUPS', maxGroups: 1 });
    // The socket goes on: joining the existing group is never refused by the limit.
    multi.send({ type: 'subscribe', id: 's2', topic: TOPIC, group: GROUP });
    expect(await multi.next('subscribed')).toMatchObject({ id: 's2', group: GROUP });
    expect(gw.gateway.groups.list().map((g) => [g.group, g.members])).toEqual([[GROUP, 2]]);
    expect(gw.gateway.groups.loadedGroups).toBe(1);
  });

  it('a member socket that stops answering pings is terminated and leaves the group', async () => {
    const gw = await startGateway({ wsPingIntervalMs: 100, groupSessionTimeoutMs: 60_000 });
    expect((await gw.json('POST', '/v1/topics', { name: TOPIC, partitions: 2 })).status).toBe(201);
    const s = await openSocket(gw.url, `/v1/topics/${TOPIC}/ws?group=${GROUP}`);
    await s.next('assigned');
    expect(gw.gateway.groups.list().find((g) => g.group === GROUP)?.members).toBe(1);
    (s.ws as any)._socket.pause();
    await until(() => gw.gateway.groups.list().find((g) => g.group === GROUP)?.members === 0, 'the silent member to leave', 10_000);
    expect(gw.gateway.sockets.size).toBe(0);
  });

  it('on gateway shutdown a member socket gets 1001 and its membership is gone after a restart', async () => {
    const first = await startGateway({}, { keep: true });
    expect((await first.json('POST', '/v1/topics', { name: TOPIC, partitions: 2 })).status).toBe(201);
    const s = await openSocket(first.url, `/v1/topics/${TOPIC}/ws?group=${GROUP}`);
    await s.next('assigned');
    await first.gateway.close();
    expect((await s.closed).code).toBe(1001);
    const second = await startGateway({}, { dataDir: first.dataDir });
    expect(second.gateway.groups.list().find((g) => g.group === GROUP)?.members ?? 0).toBe(0);
  });
});
