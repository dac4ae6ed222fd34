/**
 * A gateway that coordinates a consumer group dies (kill -9 of its process): another gateway on the same
 * cluster takes the group over once the lease runs out, members keep their ids and epochs, commits go on,
 * and at no instant is a partition owned by two members. Three gateways are child processes on one
 * namespace, each advertising its URL; members talk to different gateways (the others forward to the
 * coordinator) and move to another gateway when theirs is gone. No NATS node is killed: the shared
 * cluster serves when CI has one.
 */
import { expect, it } from 'vitest';
import { freePorts } from '../../src/tools/free-ports.js';
import { requestJson, tempDir } from '../helpers/gateway.js';
import { freshNamespace, useNatsCluster } from '../helpers/nats-cluster.js';
import { startServerProcess, type ServerProcess } from '../helpers/process.js';
import { until } from '../helpers/until.js';

const cluster = useNatsCluster();

const LEASE_MS = 3_000;
const PARTITIONS = 6;
const MEMBERS = 4;

async function startClusterGateway(namespace: string): Promise<ServerProcess> {
  const port = (await freePorts(1))[0]!;
  return startServerProcess(
    tempDir(),
    {
      LOGWAY_STORE: 'jetstream',
      LOGWAY_NATS_URLS: cluster.urls.join(','),
      LOGWAY_NATS_NAMESPACE: namespace,
      LOGWAY_PORT: String(port),
      LOGWAY_ADVERTISED_URL: `http://127.0.0.1:${port}`,
      LOGWAY_GROUP_COORDINATOR_LEASE_MS: String(LEASE_MS),
    },
    60_000,
  );
}

interface Member {
  id: string;
  epoch: number;
  /** What the member holds now: the assignment of its last answered heartbeat. */
  owned: { topic: string; partition: number }[];
  /** Index into the gateways it tries, in turn, when one fails. */
  via: number;
  heartbeatsAfterKill: number;
  commitsAfterKill: number;
}

it('moves coordination off a killed gateway: no partition owned twice at any instant, members keep ids and epochs, commits go on', async () => {
  const namespace = freshNamespace();
  const gateways: ServerProcess[] = [];
  for (let i = 0; i < 3; i++) gateways.push(await startClusterGateway(namespace));
  const alive = new Set(gateways);
  const call = (gw: ServerProcess, method: string, path: string, body?: unknown) => requestJson(gw.url + path, method, body);

  expect((await call(gateways[0]!, 'POST', '/v1/topics', { name: 't', partitions: PARTITIONS })).status).toBe(201);
  for (const gw of gateways) await until('every gateway to know the topic', async () => (await call(gw, 'GET', '/v1/topics/t')).status === 200, { timeoutMs: 30_000 });
  // Records to commit positions in.
  const records = Array.from({ length: PARTITIONS * 20 }, (_, i) => ({ value: i, partition: i % PARTITIONS }));
  expect((await call(gateways[0]!, 'POST', '/v1/topics/t/records', { records })).status).toBe(200);

  // The first join goes to gateway 0, which takes the group's lease; the others join through gateways 1 and 2 (forwarded).
  const members: Member[] = [];
  for (let i = 0; i < MEMBERS; i++) {
    const via = i % 3;
    const res = await call(gateways[via]!, 'POST', '/v1/groups/g/members', { topics: ['t'], sessionTimeoutMs: 60_000, autoOffsetReset: 'earliest' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    members.push({ id: res.body.memberId, epoch: res.body.memberEpoch, owned: res.body.assignment, via, heartbeatsAfterKill: 0, commitsAfterKill: 0 });
  }

  /** The check, at every change of any member's holdings: no partition in two members' hands. */
  const violations: string[] = [];
  /** Checks of every member's holdings, one at each change of any member's (holdings change only there). */
  let samples = 0;
  let samplesAfterKill = 0;
  const checkSingleOwners = () => {
    samples++;
    if (killed) samplesAfterKill++;
    const holder = new Map<number, string>();
    for (const m of members) {
      for (const tp of m.owned) {
        const other = holder.get(tp.partition);
        if (other !== undefined) violations.push(`partition ${tp.partition} held by ${other} and ${m.id}`);
        holder.set(tp.partition, m.id);
      }
    }
  };

  let killed = false;
  /** For the log: when the kill happened and when the first heartbeat after it was answered (not asserted). */
  let killedAt: number;
  let firstAnsweredAt = 0;
  let running = true;
  const unexpected: string[] = [];
  const loops = members.map(async (m) => {
    let round = 0;
    while (running) {
      round++;
      const gw = gateways[m.via]!;
      try {
        const beat = await call(gw, 'POST', `/v1/groups/g/members/${m.id}/heartbeat`, { memberEpoch: m.epoch, ownedPartitions: m.owned });
        if (beat.status === 200) {
          m.epoch = beat.body.memberEpoch;
          m.owned = beat.body.assignment;
          checkSingleOwners();
          if (killed && !firstAnsweredAt) firstAnsweredAt = Date.now();
          if (killed) m.heartbeatsAfterKill++;
          if (m.owned.length) {
            const offsets = m.owned.map((tp) => ({ ...tp, offset: round % 20 }));
            const commit = await call(gw, 'POST', '/v1/groups/g/offsets', { memberId: m.id, memberEpoch: m.epoch, offsets });
            if (commit.status === 200 && killed) m.commitsAfterKill++;
            else if (commit.status !== 200 && !(commit.status === 503 && ['NOT_COORDINATOR', 'UNAVAILABLE'].includes(commit.body.code))) {
              unexpected.push(`commit ${commit.status} ${JSON.stringify(commit.body)}`);
            }
          }
        } else if (!(beat.status === 503 && ['NOT_COORDINATOR', 'UNAVAILABLE'].includes(beat.body.code))) {
          unexpected.push(`heartbeat ${beat.status} ${JSON.stringify(beat.body)}`);
        }
      } catch {
        // The gateway is gone (connection refused or reset): try the next one.
        m.via = (m.via + 1) % gateways.length;
      }
      if (!alive.has(gateways[m.via]!)) m.via = (m.via + 1) % gateways.length;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });

  try {
    // Settled: the coordinator says stable and every member holds what it was given (a member's view lags its
    // heartbeats: right after the joins the first one still holds all six from its join answer).
    const coordinator = gateways[0]!;
    const sameSet = (a: { partition: number }[], b: { partition: number }[]) => JSON.stringify(a.map((tp) => tp.partition).sort()) === JSON.stringify(b.map((tp) => tp.partition).sort());
    let before = await call(gateways[1]!, 'GET', '/v1/groups/g');
    await until('the group to settle', async () => {
      before = await call(gateways[1]!, 'GET', '/v1/groups/g');
      if (before.status !== 200 || before.body.state !== 'stable') return false;
      const described = before.body.members as { memberId: string; assignment: { partition: number }[] }[];
      return members.every((m) => sameSet(m.owned, described.find((d) => d.memberId === m.id)?.assignment ?? []));
    }, { timeoutMs: 60_000, intervalMs: 200 });
    const epochsBefore = new Map(before.body.members.map((d: { memberId: string; memberEpoch: number }) => [d.memberId, d.memberEpoch]));

    console.log(`group-coordinator-failover: stable (${samples} samples), killing the coordinating gateway`);
    killedAt = Date.now();
    coordinator.kill('SIGKILL');
    await coordinator.exited;
    alive.delete(coordinator);
    killed = true;

    await until(
      'every member to heartbeat, and every member holding partitions to commit, through the new coordinator',
      () => members.every((m) => m.heartbeatsAfterKill >= 3 && (m.owned.length === 0 || m.commitsAfterKill >= 3)),
      { timeoutMs: 90_000, intervalMs: 100 },
    );
    console.log(`group-coordinator-failover: first heartbeat answered ${firstAnsweredAt - killedAt} ms after the kill (lease ${LEASE_MS} ms)`);
    console.log(`group-coordinator-failover: taken over; heartbeats after the kill ${members.map((m) => m.heartbeatsAfterKill)}, commits ${members.map((m) => m.commitsAfterKill)}`);
    // Everyone still a member with the same id; no one was expelled or moved to a new epoch by the takeover alone.
    const after = await call(gateways[2]!, 'GET', '/v1/groups/g');
    expect(after.status).toBe(200);
    expect(after.body.members.map((d: { memberId: string }) => d.memberId).sort()).toEqual(members.map((m) => m.id).sort());
    for (const d of after.body.members as { memberId: string; memberEpoch: number }[]) expect(d.memberEpoch).toBe(epochsBefore.get(d.memberId));
  } finally {
    running = false;
    await Promise.all(loops);
  }
  expect(unexpected).toEqual([]);
  expect(violations).toEqual([]);
  expect(samplesAfterKill, 'holdings checked after the kill').toBeGreaterThan(0);
  expect(members.reduce((n, m) => n + m.owned.length, 0)).toBe(PARTITIONS);
}, 300_000);
