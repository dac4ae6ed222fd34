/**
 * Consumer groups over REST against a real gateway (port 0, SQLite in a temp dir).
 * Consumers here follow the cooperative protocol as a client would: poll, process, commit
 * the poll's nextOffsets, then heartbeat with the partitions still held.
 */
import { describe, expect, test } from 'vitest';
import type { Clock } from '../../src/core/clock.js';
import { startGateway, type RunningGateway } from '../helpers/gateway.js';
import { expectProblem, rawRequest } from '../helpers/problem.js';
import { until } from '../helpers/until.js';

interface TP {
  topic: string;
  partition: number;
}
const key = (tp: TP) => `${tp.topic}/${tp.partition}`;
const keys = (list: TP[]) => list.map(key).sort();

/** Small sessions may be asked for. Expiry tests run on a ManualClock and expire sessions explicitly. */
const SMALL_SESSIONS = { groupMinSessionTimeoutMs: 100 };

/**
 * Time moves only when a test says so: a GC or CI pause can never expel a member,
 * and an expiry happens exactly when the test calls expireSessions().
 */
class ManualClock implements Clock {
  t = 1_700_000_000_000;
  now() {
    return this.t;
  }
}

async function startWithClock() {
  const clock = new ManualClock();
  const g = await startGateway(SMALL_SESSIONS, { clock });
  return { g, clock };
}

/** Polls `check` until it returns a truthy value or the deadline passes. */

/** What the consumers processed, by topic/partition/offset: each must be seen exactly once. */
type Seen = Map<string, number>;

class Consumer {
  memberId = '';
  epoch = 0;
  assignment: TP[] = [];
  /** Every assignment this member was told, in order (join, heartbeats, polls). */
  readonly history: TP[][] = [];

  constructor(
    readonly g: RunningGateway,
    readonly group: string,
    readonly name: string,
    readonly seen: Seen,
  ) {}

  async join(body: Record<string, unknown>) {
    const res = await this.g.json('POST', `/v1/groups/${this.group}/members`, body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    this.memberId = res.body.memberId;
    this.#learn(res.body.memberEpoch, res.body.assignment);
    return res.body;
  }

  /** One round: poll, process, commit what was processed, heartbeat. */
  async step(options: { commit?: boolean } = {}) {
    const polled = await this.poll();
    if (options.commit !== false && polled.records.length) await this.commit(polled.nextOffsets);
    await this.heartbeat();
    return polled;
  }

  async poll(waitMs = 0) {
    const res = await this.g.json('GET', `/v1/groups/${this.group}/members/${this.memberId}/records?limit=7&waitMs=${waitMs}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const held = new Set(this.assignment.map(key));
    for (const r of res.body.records) {
      // It only ever reads partitions it was told it has.
      expect(held.has(key(r)), `${this.name} read ${key(r)} it does not own`).toBe(true);
      const id = `${key(r)}@${r.offset}`;
      this.seen.set(id, (this.seen.get(id) ?? 0) + 1);
    }
    return res.body as { records: (TP & { offset: number })[]; nextOffsets: (TP & { offset: number })[] };
  }

  async commit(offsets: (TP & { offset: number })[]) {
    const res = await this.g.json('POST', `/v1/groups/${this.group}/offsets`, { memberId: this.memberId, memberEpoch: this.epoch, offsets });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  }

  async heartbeat() {
    const res = await this.g.json('POST', `/v1/groups/${this.group}/members/${this.memberId}/heartbeat`, {
      memberEpoch: this.epoch,
      ownedPartitions: this.assignment,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    this.#learn(res.body.memberEpoch, res.body.assignment);
  }

  async leave() {
    const res = await this.g.json('DELETE', `/v1/groups/${this.group}/members/${this.memberId}`);
    expect(res.status).toBe(204);
    this.assignment = [];
  }

  #learn(epoch: number, assignment: TP[]) {
    this.epoch = epoch;
    this.assignment = assignment;
    this.history.push(assignment);
  }
}

/** What the consumers believe they own never overlaps, and neither does what the server says they hold. */
async function expectSingleOwners(g: RunningGateway, group: string, consumers: Consumer[]) {
  const believed = consumers.flatMap((c) => c.assignment.map(key));
  expect(new Set(believed).size, `overlap in ${believed}`).toBe(believed.length);
  const d = (await g.json('GET', `/v1/groups/${group}`)).body;
  const held = d.members.flatMap((m: { assignment: TP[]; revoking: TP[] }) => [...m.assignment, ...m.revoking].map(key));
  expect(new Set(held).size).toBe(held.length);
  return d;
}

/** Runs rounds over the consumers until the group is stable and each consumer holds its target. */
async function settle(g: RunningGateway, group: string, consumers: Consumer[]) {
  for (let round = 0; round < 50; round++) {
    for (const c of consumers) {
      await c.step();
      await expectSingleOwners(g, group, consumers);
    }
    const d = (await g.json('GET', `/v1/groups/${group}`)).body;
    const settled =
      d.state === 'stable' &&
      consumers.every((c) => {
        const m = d.members.find((x: { memberId: string }) => x.memberId === c.memberId);
        return m && JSON.stringify(keys(m.target)) === JSON.stringify(keys(c.assignment));
      });
    if (settled) return;
  }
  throw new Error('the group did not settle in 50 rounds');
}

/** Partitions a consumer held before and after a change must appear in every assignment it was told in between. */
function expectUninterrupted(c: Consumer, fromIndex: number) {
  const before = new Set(c.history[fromIndex - 1]!.map(key));
  const after = new Set(c.assignment.map(key));
  const kept = [...before].filter((k) => after.has(k));
  for (const a of c.history.slice(fromIndex)) {
    const now = new Set(a.map(key));
    for (const k of kept) expect(now.has(k), `${c.name} lost ${k} in the middle of a rebalance`).toBe(true);
  }
  return kept;
}

function expectBalanced(consumers: Consumer[], partitions: number) {
  const sizes = consumers.map((c) => c.assignment.length);
  expect(sizes.reduce((a, b) => a + b, 0)).toBe(partitions);
  expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
}

async function produce(g: RunningGateway, topic: string, n: number, produced: Set<string>) {
  const records = Array.from({ length: n }, (_, i) => ({ key: `k${produced.size + i}`, value: produced.size + i }));
  const res = await g.json('POST', `/v1/topics/${topic}/records`, { records });
  expect(res.status).toBe(200);
  for (const r of res.body.records) produced.add(`${topic}/${r.partition}@${r.offset}`);
}

describe('consumer groups over REST', () => {
  test('two, then three, then two members on six partitions: one owner each, balanced, sticky, every record exactly once', async () => {
    const g = await startGateway();
    expect((await g.json('POST', '/v1/topics', { name: 'orders', partitions: 6 })).status).toBe(201);
    const produced = new Set<string>();
    const seen: Seen = new Map();
    await produce(g, 'orders', 60, produced);

    const join = { topics: ['orders'], autoOffsetReset: 'earliest' };
    const a = new Consumer(g, 'workers', 'a', seen);
    const b = new Consumer(g, 'workers', 'b', seen);
    await a.join(join);
    await b.join(join);
    await settle(g, 'workers', [a, b]);
    expectBalanced([a, b], 6);

    // A third member joins while records keep arriving.
    const marks = [a.history.length, b.history.length];
    await produce(g, 'orders', 40, produced);
    const c = new Consumer(g, 'workers', 'c', seen);
    await c.join(join);
    await produce(g, 'orders', 40, produced);
    await settle(g, 'workers', [a, b, c]);
    expectBalanced([a, b, c], 6);
    expect(expectUninterrupted(a, marks[0]!)).toHaveLength(2);
    expect(expectUninterrupted(b, marks[1]!)).toHaveLength(2);

    // It leaves (after committing what it processed); its partitions move to the others.
    const marks2 = [a.history.length, b.history.length];
    await produce(g, 'orders', 40, produced);
    await c.step();
    await c.leave();
    await produce(g, 'orders', 40, produced);
    await settle(g, 'workers', [a, b]);
    expectBalanced([a, b], 6);
    expect(expectUninterrupted(a, marks2[0]!)).toHaveLength(2);
    expect(expectUninterrupted(b, marks2[1]!)).toHaveLength(2);

    // Drain: together they read every record exactly once.
    await until('every record read', async () => {
      await a.step();
      await b.step();
      return seen.size >= produced.size;
    });
    expect([...seen.keys()].sort()).toEqual([...produced].sort());
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    const offsets = (await g.json('GET', '/v1/groups/workers/offsets')).body;
    expect(offsets.totalLag).toBe(0);
    expect(offsets.offsets).toHaveLength(6);
  });

  test('a member that stops heartbeating is expelled; the new owner resumes at its last commit (at-least-once)', async () => {
    const { g, clock } = await startWithClock();
    await g.json('POST', '/v1/topics', { name: 'jobs', partitions: 4 });
    const produced = new Set<string>();
    const seen: Seen = new Map();
    await produce(g, 'jobs', 40, produced);
    const join = { topics: ['jobs'], autoOffsetReset: 'earliest', sessionTimeoutMs: 500 };
    const a = new Consumer(g, 'crash', 'a', seen);
    const b = new Consumer(g, 'crash', 'b', seen);
    expect((await a.join(join)).heartbeatIntervalMs).toBeLessThanOrEqual(500 / 3);
    await b.join({ ...join, sessionTimeoutMs: 60_000 });
    await settle(g, 'crash', [a, b]);
    await produce(g, 'jobs', 40, produced);

    // A processes a batch and commits it, then processes another and dies before committing.
    const committed = await a.step();
    expect(committed.records.length).toBeGreaterThan(0);
    const lost = await a.poll();
    expect(lost.records.length).toBeGreaterThan(0);
    const aPartitions = keys(a.assignment);
    const committedOffsets = (await g.json('GET', '/v1/groups/crash/offsets')).body.offsets;

    // A's session times out (B's is longer); B's next heartbeats get A's partitions.
    expect(await g.gateway.groups.expireSessions()).toEqual([]);
    clock.t += 501;
    expect(await g.gateway.groups.expireSessions()).toEqual([a.memberId]);
    await until('B owning everything', async () => {
      await b.heartbeat();
      return b.assignment.length === 4;
    });
    const d = (await g.json('GET', '/v1/groups/crash')).body;
    expect(d.members.map((m: { memberId: string }) => m.memberId)).toEqual([b.memberId]);

    // B starts A's partitions at A's last commit: the uncommitted batch comes again, nothing is lost.
    const firstRead = new Map<string, number>();
    await until('all records read', async () => {
      const polled = await b.poll();
      for (const r of polled.records) if (!firstRead.has(key(r))) firstRead.set(key(r), r.offset);
      if (polled.records.length) await b.commit(polled.nextOffsets);
      await b.heartbeat();
      return [...produced].every((id) => seen.has(id));
    });
    for (const p of aPartitions) {
      const c = committedOffsets.find((o: TP) => key(o) === p);
      if (firstRead.has(p)) expect(firstRead.get(p)).toBe(c.committedOffset ?? 0);
    }
    const duplicates = [...seen].filter(([, n]) => n > 1).map(([id]) => id).sort();
    const lostIds = lost.records.map((r) => `${key(r)}@${r.offset}`).sort();
    expect(duplicates).toEqual(lostIds);
  });

  test('fencing: an expelled member, a stale epoch or a foreign partition gets 409 and the committed offset stays', async () => {
    const { g, clock } = await startWithClock();
    await g.json('POST', '/v1/topics', { name: 'f', partitions: 2 });
    await g.json('POST', '/v1/topics/f/records', { records: Array.from({ length: 10 }, (_, i) => ({ value: i, partition: i % 2 })) });
    const join = { topics: ['f'], autoOffsetReset: 'earliest', sessionTimeoutMs: 500 };
    const seen: Seen = new Map();
    const a = new Consumer(g, 'fence', 'a', seen);
    const b = new Consumer(g, 'fence', 'b', seen);
    await a.join({ ...join, sessionTimeoutMs: 5_000 });
    await b.join(join);
    await settle(g, 'fence', [a, b]);
    const mine = a.assignment[0]!;
    const theirs = b.assignment[0]!;
    await a.commit([{ ...mine, offset: 2 }]);
    const before = (await g.json('GET', '/v1/groups/fence/offsets')).body;

    const commit = (c: Consumer, epoch: number, tp: TP, offset: number) =>
      g.json('POST', '/v1/groups/fence/offsets', { memberId: c.memberId, memberEpoch: epoch, offsets: [{ ...tp, offset }] });
    expectProblem(await commit(a, a.epoch - 1, mine, 5), 409, 'FENCED_MEMBER', /stale/);
    expectProblem(await commit(a, a.epoch + 1, mine, 5), 409, 'FENCED_MEMBER');
    expectProblem(await commit(a, a.epoch, theirs, 5), 409, 'NOT_PARTITION_OWNER', key(theirs));
    expectProblem(
      await g.json('POST', '/v1/groups/fence/offsets', { offsets: [{ ...mine, offset: 5 }] }),
      409,
      'GROUP_NOT_EMPTY',
    );

    // B goes silent and is expelled (A's session is longer); its commits and heartbeats are fenced from then on.
    clock.t += 501;
    expect(await g.gateway.groups.expireSessions()).toEqual([b.memberId]);
    expect((await g.json('GET', '/v1/groups/fence')).body.members).toHaveLength(1);
    expectProblem(await commit(b, b.epoch, theirs, 5), 409, 'FENCED_MEMBER', /expelled/);
    expectProblem(
      await g.json('POST', `/v1/groups/fence/members/${b.memberId}/heartbeat`, { memberEpoch: b.epoch, ownedPartitions: [] }),
      409,
      'FENCED_MEMBER',
    );
    expectProblem(await g.json('GET', `/v1/groups/fence/members/${b.memberId}/records`), 409, 'FENCED_MEMBER');
    expect((await g.json('GET', '/v1/groups/fence/offsets')).body.offsets).toEqual(before.offsets);
  });

  test('offsets, lag and membership survive a restart; a member keeps heartbeating with its id, epoch and partitions', async () => {
    const first = await startGateway({}, { keep: true });
    await first.json('POST', '/v1/topics', { name: 'durable', partitions: 3 });
    await produce(first, 'durable', 30, new Set());
    const seen: Seen = new Map();
    const a = new Consumer(first, 'keep', 'a', seen);
    const b = new Consumer(first, 'keep', 'b', seen);
    await a.join({ topics: ['durable'], autoOffsetReset: 'earliest' });
    await b.join({ topics: ['durable'], autoOffsetReset: 'earliest' });
    await settle(first, 'keep', [a, b]);
    // Both commit a position on every partition they hold, so every partition has a lag.
    for (const c of [a, b]) await c.commit((await c.poll()).nextOffsets);
    const before = (await first.json('GET', '/v1/groups/keep')).body;
    expect(before.offsets.every((o: { lag: number | null }) => o.lag !== null)).toBe(true);
    expect(before.totalLag).toBeLessThan(30);
    await first.gateway.close();

    const second = await startGateway({}, { dataDir: first.dataDir });
    const after = (await second.json('GET', '/v1/groups/keep')).body;
    const stable = (d: any) => ({
      ...d,
      members: d.members.map(({ sessionExpiresAt: _s, ...m }: any) => m),
    });
    expect(stable(after)).toEqual(stable(before));

    // The same members carry on against the new process: no rejoin, same epochs and partitions.
    for (const c of [a, b]) {
      const res = await second.json('POST', `/v1/groups/keep/members/${c.memberId}/heartbeat`, {
        memberEpoch: c.epoch,
        ownedPartitions: c.assignment,
      });
      expect(res.status).toBe(200);
      expect(res.body.memberEpoch).toBe(c.epoch);
      expect(keys(res.body.assignment)).toEqual(keys(c.assignment));
    }
    await produce(second, 'durable', 5, new Set());
    expect((await second.json('GET', '/v1/groups/keep/offsets')).body.totalLag).toBe(before.totalLag + 5);
  });

  test('bad input gets problem details naming the field, and changes nothing', async () => {
    const g = await startGateway();
    await g.json('POST', '/v1/topics', { name: 'b', partitions: 2 });
    await produce(g, 'b', 4, new Set());
    const a = new Consumer(g, 'bad', 'a', new Map());
    await a.join({ topics: ['b'] });
    const tp = a.assignment[0]!;
    const snapshot = async () => (await g.json('GET', '/v1/groups/bad')).body;
    const before = await snapshot();
    const commit = (offsets: unknown[], extra: Record<string, unknown> = {}) =>
      g.json('POST', '/v1/groups/bad/offsets', { memberId: a.memberId, memberEpoch: a.epoch, offsets, ...extra });

    expectProblem(await g.json('GET', '/v1/groups/nope'), 404, 'GROUP_NOT_FOUND', 'nope');
    expectProblem(await g.json('GET', '/v1/groups/nope/offsets'), 404, 'GROUP_NOT_FOUND');
    expectProblem(await g.json('DELETE', '/v1/groups/nope'), 404, 'GROUP_NOT_FOUND');
    expectProblem(await g.json('GET', '/v1/groups/bad%2Fx'), 400, 'INVALID_REQUEST', 'path/group');
    expectProblem(
      await g.json('POST', '/v1/groups/bad/members/who/heartbeat', { memberEpoch: 1, ownedPartitions: [] }),
      404,
      'MEMBER_NOT_FOUND',
      'who',
    );
    expectProblem(await g.json('DELETE', '/v1/groups/bad/members/who'), 404, 'MEMBER_NOT_FOUND');
    expectProblem(await g.json('GET', '/v1/groups/bad/members/who/records'), 404, 'MEMBER_NOT_FOUND');
    expectProblem(await commit([{ ...tp, offset: -1 }]), 400, 'INVALID_REQUEST', 'body/offsets/0/offset');
    expectProblem(await commit([{ ...tp, offset: 1.5 }]), 400, 'INVALID_REQUEST', 'body/offsets/0/offset');
    expectProblem(await commit([{ ...tp, offset: '1' }]), 400, 'INVALID_REQUEST', 'body/offsets/0/offset');
    expectProblem(await commit([{ ...tp, offset: 1000 }]), 400, 'INVALID_REQUEST', 'offsets/0/offset');
    expectProblem(await commit([{ ...tp, offset: 0 }, { ...tp, offset: 1 }]), 400, 'INVALID_REQUEST', 'offsets/1');
    expectProblem(await commit([]), 400, 'INVALID_REQUEST', 'body/offsets');
    expectProblem(await commit([{ topic: 'ghost', partition: 0, offset: 0 }]), 409, 'NOT_PARTITION_OWNER', 'ghost');
    expectProblem(await commit([{ ...tp, offset: 0 }], { memberEpoch: undefined }), 400, 'INVALID_REQUEST', 'memberEpoch');
    expectProblem(await commit([{ ...tp, offset: 0 }], { extra: true }), 400, 'INVALID_REQUEST', 'extra');
    expectProblem(await g.json('POST', '/v1/groups/bad/members', { topics: ['ghost'] }), 404, 'TOPIC_NOT_FOUND', 'ghost');
    expectProblem(await g.json('POST', '/v1/groups/bad/members', { topics: [] }), 400, 'INVALID_REQUEST', 'body/topics');
    expectProblem(
      await g.json('POST', '/v1/groups/bad/members', { topics: ['b'], sessionTimeoutMs: 10 }),
      400,
      'INVALID_REQUEST',
      'sessionTimeoutMs',
    );
    expectProblem(
      await g.json('POST', '/v1/groups/bad/members', { topics: ['b'], autoOffsetReset: 'sometimes' }),
      400,
      'INVALID_REQUEST',
      'body/autoOffsetReset',
    );
    expectProblem(
      await g.json('POST', `/v1/groups/bad/members/${a.memberId}/heartbeat`, { memberEpoch: -1, ownedPartitions: [] }),
      400,
      'INVALID_REQUEST',
      'body/memberEpoch',
    );
    expectProblem(
      await g.json('POST', `/v1/groups/bad/members/${a.memberId}/heartbeat`, { memberEpoch: a.epoch, ownedPartitions: [], waitMs: -1 }),
      400,
      'INVALID_REQUEST',
      'body/waitMs',
    );
    expectProblem(await g.json('GET', `/v1/groups/bad/members/${a.memberId}/records?limit=0`), 400, 'INVALID_REQUEST', 'query/limit');
    expectProblem(await rawRequest(`${g.url}/v1/groups/bad/offsets`, 'POST', '{nope', { 'content-type': 'application/json' }), 400, 'INVALID_REQUEST');
    expectProblem(await g.json('POST', '/v1/groups/bad/offsets/reset', { to: 'earliest' }), 409, 'GROUP_NOT_EMPTY');
    expectProblem(await g.json('DELETE', '/v1/groups/bad'), 409, 'GROUP_NOT_EMPTY');
    // An administrator's commit for a group that does not exist yet, past the high watermark: no group appears.
    expectProblem(
      await g.json('POST', '/v1/groups/fresh/offsets', { offsets: [{ topic: 'b', partition: 0, offset: 99 }] }),
      400,
      'INVALID_REQUEST',
      'offsets/0/offset',
    );
    expectProblem(
      await g.json('POST', '/v1/groups/fresh/offsets', { offsets: [{ topic: 'ghost', partition: 0, offset: 0 }] }),
      404,
      'TOPIC_NOT_FOUND',
      'ghost',
    );

    const after = await snapshot();
    expect({ ...after, members: after.members.map(({ sessionExpiresAt: _, ...m }: any) => m) }).toEqual({
      ...before,
      members: before.members.map(({ sessionExpiresAt: _, ...m }: any) => m),
    });
    expect((await g.json('GET', '/v1/groups')).body.groups.map((x: { group: string }) => x.group)).toEqual(['bad']);
  });

  test('a heartbeat with waitMs, waiting for a partition another member releases, is answered with it once released', async () => {
    // A heartbeat interval longer than the test: only the release can end B's wait.
    const g = await startGateway({ groupHeartbeatIntervalMs: 60_000 });
    await g.json('POST', '/v1/topics', { name: 'w', partitions: 2 });
    const a = (await g.json('POST', '/v1/groups/w/members', { topics: ['w'] })).body;
    const b = (await g.json('POST', '/v1/groups/w/members', { topics: ['w'] })).body;
    expect(b.assignment).toEqual([]);
    const beat = (m: { memberId: string }, body: Record<string, unknown>) => g.json('POST', `/v1/groups/w/members/${m.memberId}/heartbeat`, body);
    const waiting = beat(b, { memberEpoch: b.memberEpoch, ownedPartitions: [], waitMs: 60_000 });
    // A learns which partition it gives up, then releases it by no longer listing it.
    const a2 = (await beat(a, { memberEpoch: a.memberEpoch, ownedPartitions: a.assignment })).body;
    expect(a2.assignment).toHaveLength(1);
    expect((await beat(a, { memberEpoch: a2.memberEpoch, ownedPartitions: a2.assignment })).status).toBe(200);
    const b2 = await waiting;
    expect(b2.status).toBe(200);
    expect(keys([...a2.assignment, ...b2.body.assignment])).toEqual(['w/0', 'w/1']);
    expect(b2.body.memberEpoch).toBe(b.memberEpoch + 1);
    expect((await g.json('GET', '/v1/groups/w')).body.state).toBe('stable');
  });

  test('a full group answers 409 GROUP_FULL and keeps its members', async () => {
    const g = await startGateway({ groupMaxMembers: 2 });
    await g.json('POST', '/v1/topics', { name: 'cap', partitions: 2 });
    for (const name of ['a', 'b']) await new Consumer(g, 'cap', name, new Map()).join({ topics: ['cap'] });
    const res = await g.json('POST', '/v1/groups/cap/members', { topics: ['cap'] });
    expectProblem(res, 409, 'GROUP_FULL', 'groupMaxMembers');
    expect(res.body).toMatchObject({ group: 'cap', maxMembers: 2 });
    expect((await g.json('GET', '/v1/groups/cap')).body.members).toHaveLength(2);
  });

  test('groupMaxGroups: a new group beyond it gets 409 TOO_MANY_GROUPS and nothing is stored; existing groups carry on', async () => {
    const g = await startGateway({ groupMaxGroups: 2 });
    await g.json('POST', '/v1/topics', { name: 'many', partitions: 1 });
    const a = new Consumer(g, 'a', 'a', new Map());
    await a.join({ topics: ['many'] });
    expect((await g.json('POST', '/v1/groups/b/offsets', { offsets: [{ topic: 'many', partition: 0, offset: 0 }] })).status).toBe(200);
    const listed = async () => (await g.json('GET', '/v1/groups')).body.groups.map((x: { group: string }) => x.group);

    const join = await g.json('POST', '/v1/groups/c/members', { topics: ['many'] });
    expectProblem(join, 409, 'TOO_MANY_GROUPS', 'groupMaxGroups');
    expect(join.body).toMatchObject({ title: 'Too many groups', type: 'urn:logway:problem:too-many-groups', group: 'c', maxGroups: 2 });
    const commit = await g.json('POST', '/v1/groups/c/offsets', { offsets: [{ topic: 'many', partition: 0, offset: 0 }] });
    expectProblem(commit, 409, 'TOO_MANY_GROUPS', 'groupMaxGroups');
    expect(await listed()).toEqual(['a', 'b']);
    expect(g.gateway.groups.loadedGroups).toBe(2);
    expectProblem(await g.json('GET', '/v1/groups/c'), 404, 'GROUP_NOT_FOUND');

    // The existing groups still take joins and commits.
    await new Consumer(g, 'a', 'a2', new Map()).join({ topics: ['many'] });
    expect((await g.json('POST', '/v1/groups/b/offsets', { offsets: [{ topic: 'many', partition: 0, offset: 0 }] })).status).toBe(200);
    await new Consumer(g, 'b', 'b1', new Map()).join({ topics: ['many'] });

    // Deleting a group frees its slot.
    await g.json('DELETE', '/v1/groups/b/members/' + (await g.json('GET', '/v1/groups/b')).body.members[0].memberId);
    expect((await g.json('DELETE', '/v1/groups/b')).status).toBe(204);
    expect((await g.json('POST', '/v1/groups/c/members', { topics: ['many'] })).status).toBe(201);
    expect(await listed()).toEqual(['a', 'c']);
  });

  test('groupMaxGroups: concurrent joins to 12 new groups with a cap of 3 create exactly 3', async () => {
    const g = await startGateway({ groupMaxGroups: 3 });
    await g.json('POST', '/v1/topics', { name: 'rush', partitions: 1 });
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => g.json('POST', `/v1/groups/rush-${i}/members`, { topics: ['rush'] })),
    );
    const created = answers.filter((r) => r.status === 201);
    expect(created).toHaveLength(3);
    for (const r of answers.filter((x) => x.status !== 201)) expectProblem(r, 409, 'TOO_MANY_GROUPS', 'groupMaxGroups');
    expect((await g.json('GET', '/v1/groups')).body.groups).toHaveLength(3);
    expect(g.gateway.groups.loadedGroups).toBe(3);
  });

  test('failed commits and joins naming new groups leave nothing behind in memory (no runtime per random name)', async () => {
    const g = await startGateway();
    await g.json('POST', '/v1/topics', { name: 'leak', partitions: 1 });
    const loaded = g.gateway.groups.loadedGroups;
    for (let i = 0; i < 50; i++) {
      const group = `random-${i}-${Math.random().toString(36).slice(2)}`;
      expectProblem(
        await g.json('POST', `/v1/groups/${group}/offsets`, { offsets: [{ topic: 'ghost', partition: 0, offset: 0 }] }),
        404,
        'TOPIC_NOT_FOUND',
      );
      expectProblem(
        await g.json('POST', `/v1/groups/${group}/offsets`, { offsets: [{ topic: 'leak', partition: 0, offset: 5 }] }),
        400,
        'INVALID_REQUEST',
        'offsets/0/offset',
      );
      expectProblem(await g.json('POST', `/v1/groups/${group}/members`, { topics: ['ghost'] }), 404, 'TOPIC_NOT_FOUND');
    }
    expect(g.gateway.groups.loadedGroups).toBe(loaded);
    expect((await g.json('GET', '/v1/groups')).body.groups).toEqual([]);
    // A good commit still creates the group.
    expect((await g.json('POST', '/v1/groups/kept/offsets', { offsets: [{ topic: 'leak', partition: 0, offset: 0 }] })).status).toBe(200);
    expect(g.gateway.groups.loadedGroups).toBe(loaded + 1);
  });

  test('empty group administration: admin commit, reset to earliest/latest/timestamp/offset, delete', async () => {
    const g = await startGateway();
    await g.json('POST', '/v1/topics', { name: 'adm', partitions: 2 });
    const t0 = Date.now();
    const first = await g.json('POST', '/v1/topics/adm/records', {
      records: [0, 1, 2, 3].map((i) => ({ value: i, partition: i % 2, timestamp: t0 + i * 1000 })),
    });
    expect(first.status).toBe(200);

    const a = new Consumer(g, 'adm', 'a', new Map());
    await a.join({ topics: ['adm'], autoOffsetReset: 'earliest' });
    const polled = await a.poll();
    await a.commit(polled.nextOffsets);
    expect((await g.json('GET', '/v1/groups/adm/offsets')).body.totalLag).toBe(0);
    await a.leave();
    expect((await g.json('GET', '/v1/groups/adm')).body.state).toBe('empty');

    const reset = async (body: Record<string, unknown>) => {
      const res = await g.json('POST', '/v1/groups/adm/offsets/reset', body);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.offsets.map((o: { committedOffset: number }) => o.committedOffset);
    };
    expect(await reset({ to: 'earliest' })).toEqual([0, 0]);
    expect(await reset({ to: 'latest' })).toEqual([2, 2]);
    // Partition 0 has timestamps t0, t0+2000; partition 1 has t0+1000, t0+3000.
    expect(await reset({ to: 'timestamp', timestamp: t0 + 1500 })).toEqual([1, 1]);
    expect(await reset({ to: 'offset', offset: 1, topics: ['adm'] })).toEqual([1, 1]);
    expectProblem(await g.json('POST', '/v1/groups/adm/offsets/reset', { to: 'offset', offset: 3 }), 400, 'INVALID_REQUEST');
    expectProblem(await g.json('POST', '/v1/groups/adm/offsets/reset', { to: 'timestamp' }), 400, 'INVALID_REQUEST', 'timestamp');
    expectProblem(await g.json('POST', '/v1/groups/adm/offsets/reset', { to: 'earliest', topics: ['ghost'] }), 404, 'TOPIC_NOT_FOUND');
    expect((await g.json('GET', '/v1/groups/adm/offsets')).body.totalLag).toBe(2);

    const admin = await g.json('POST', '/v1/groups/adm/offsets', { offsets: [{ topic: 'adm', partition: 1, offset: 2 }] });
    expect(admin.status).toBe(200);
    expect((await g.json('GET', '/v1/groups/adm/offsets')).body.totalLag).toBe(1);

    // A new member resumes at the reset positions.
    const b = new Consumer(g, 'adm', 'b', new Map());
    await b.join({ topics: ['adm'] });
    const again = await b.poll();
    expect(again.records.map((r) => `${r.partition}@${r.offset}`)).toEqual(['0@1']);
    await b.leave();

    expect((await g.json('DELETE', '/v1/groups/adm')).status).toBe(204);
    expectProblem(await g.json('GET', '/v1/groups/adm'), 404, 'GROUP_NOT_FOUND');
    expect((await g.json('GET', '/v1/groups')).body.groups).toEqual([]);
  });

  test('a long poll is answered by a new record, and a poll keeps a member alive', async () => {
    const { g, clock } = await startWithClock();
    await g.json('POST', '/v1/topics', { name: 'lp', partitions: 1 });
    const a = new Consumer(g, 'lp', 'a', new Map());
    await a.join({ topics: ['lp'], sessionTimeoutMs: 200 });
    const expiresAt = async () => (await g.json('GET', '/v1/groups/lp')).body.members[0]?.sessionExpiresAt;
    // The poll's start is a sign of life: it moves the deadline, which tells the test the poll is in flight.
    clock.t += 100;
    const waiting = a.poll(20_000);
    await until('the poll in flight', async () => (await expiresAt()) === clock.t + 200);
    // A poll waiting longer than the session does not get its member expelled.
    clock.t += 1_000;
    expect(await g.gateway.groups.expireSessions()).toEqual([]);
    await produce(g, 'lp', 1, new Set());
    const polled = await waiting;
    expect(polled.records.map((r) => r.offset)).toEqual([0]);
    // Its end is a sign of life too; a full session later without one, the member is expelled.
    expect(await expiresAt()).toBe(clock.t + 200);
    expect(await g.gateway.groups.expireSessions()).toEqual([]);
    clock.t += 201;
    expect(await g.gateway.groups.expireSessions()).toEqual([a.memberId]);
  });
});
