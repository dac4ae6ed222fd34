/**
 * Consumer groups' coordinator leases on the 3-node cluster, with two gateways on one namespace (each its own
 * connection to the cluster, as two machines): asking about a group that does not exist leaves nothing in the
 * cluster, every gateway lists every group, and an idle group's lease is let go, so another gateway serves the
 * group directly afterwards. docs/cluster.md "Consumer groups across gateways".
 */
import { expect, onTestFinished, test } from 'vitest';
import WebSocket from 'ws';
import { Logway } from '../../client/src/logway.js';
import { freePorts } from '../../src/tools/free-ports.js';
import { startGateway } from '../helpers/gateway.js';
import { freshNamespace, openTestStore, useNatsCluster } from '../helpers/nats-cluster.js';
import { until } from '../helpers/until.js';

const cluster = useNatsCluster();

/** The shortest lease the setting allows: an idle group is let go within a few seconds. */
const LEASE_MS = 1_000;

async function twoGateways() {
  const namespace = freshNamespace();
  const [portA, portB] = await freePorts(2);
  const gateway = async (port: number) =>
    startGateway(
      { port, advertisedUrl: `http://127.0.0.1:${port}`, groupCoordinatorLeaseMs: LEASE_MS },
      { store: await openTestStore(cluster.urls, namespace) },
    );
  const a = await gateway(portA!);
  const b = await gateway(portB!);
  // A third connection to look at the cluster's entries directly.
  const probe = await openTestStore(cluster.urls, namespace);
  expect((await a.json('POST', '/v1/topics', { name: 't', partitions: 2 })).status).toBe(201);
  await until('b to know the topic', async () => (await b.json('GET', '/v1/topics/t')).status === 200, { timeoutMs: 30_000 });
  return { a, b, probe };
}

test('a request for a group that does not exist answers 404 through any gateway and leaves no lease or group entry in the cluster', async () => {
  const { a, b, probe } = await twoGateways();
  try {
    for (const gw of [a, b]) {
      for (const [method, path, body] of [
        ['GET', '/v1/groups/typo', undefined],
        ['GET', '/v1/groups/typo/offsets', undefined],
        ['POST', '/v1/groups/typo/members/m/heartbeat', { memberEpoch: 1, ownedPartitions: [] }],
        ['DELETE', '/v1/groups/typo', undefined],
      ] as const) {
        const answer = await gw.json(method, path, body);
        expect(answer.status, `${method} ${path}`).toBe(404);
        expect(answer.body.code).toBe('GROUP_NOT_FOUND');
      }
    }
    expect(await probe.readGroupLease('typo')).toBeUndefined();
    expect(await probe.listGroups()).toEqual([]);
    expect(a.gateway.groups.loadedGroups + b.gateway.groups.loadedGroups).toBe(0);
  } finally {
    await probe.close();
  }
});

test('every gateway lists every group in the cluster, whichever coordinates it', async () => {
  const { a, b, probe } = await twoGateways();
  try {
    expect((await a.json('POST', '/v1/groups/ga/members', { topics: ['t'] })).status).toBe(201);
    expect((await b.json('POST', '/v1/groups/gb/members', { topics: ['t'] })).status).toBe(201);
    // Coordinated one each...
    expect(a.gateway.groups.list().map((g) => g.group)).toEqual(['ga']);
    expect(b.gateway.groups.list().map((g) => g.group)).toEqual(['gb']);
    // ...listed by both, with their members.
    for (const gw of [a, b]) {
      const listed = await gw.json('GET', '/v1/groups');
      expect(listed.status).toBe(200);
      expect(listed.body.groups).toEqual([
        { group: 'ga', state: 'stable', groupEpoch: 1, members: 1 },
        { group: 'gb', state: 'stable', groupEpoch: 1, members: 1 },
      ]);
    }
  } finally {
    await probe.close();
  }
});

test('an idle group\'s lease is let go: its coordinator stops renewing it, and another gateway then serves the group itself', async () => {
  const { a, b, probe } = await twoGateways();
  try {
    const joined = await a.json('POST', '/v1/groups/g/members', { topics: ['t'] });
    expect(joined.status).toBe(201);
    const commit = await a.json('POST', '/v1/groups/g/offsets', {
      memberId: joined.body.memberId,
      memberEpoch: joined.body.memberEpoch,
      offsets: [{ topic: 't', partition: joined.body.assignment[0].partition, offset: 0 }],
    });
    expect(commit.status).toBe(200);
    // While a coordinates g, b forwards to it (and does not take the group).
    expect((await b.json('GET', '/v1/groups/g')).status).toBe(200);
    expect(b.gateway.groups.list()).toEqual([]);
    expect((await a.json('DELETE', `/v1/groups/g/members/${joined.body.memberId}`)).status).toBe(204);

    // No member and no request: a lets the lease go (expiresAt 0), and forgets the group.
    const released = await until('a to let the idle group\'s lease go', async () => {
      const lease = await probe.readGroupLease('g');
      return lease?.expiresAt === 0 && lease;
    });
    expect(released.epoch).toBe(1);
    expect(a.gateway.groups.list()).toEqual([]);
    // b now serves g itself, from the cluster's state: the commit is there.
    const offsets = await b.json('GET', '/v1/groups/g/offsets');
    expect(offsets.status).toBe(200);
    expect(offsets.body.offsets.find((o: { committedOffset: number | null }) => o.committedOffset === 0)).toBeDefined();
    expect(b.gateway.groups.list().map((g) => g.group)).toEqual(['g']);
    expect(await probe.readGroupLease('g')).toMatchObject({ epoch: 2, address: `http://127.0.0.1:${b.port}` });
  } finally {
    await probe.close();
  }
});

test('an event-stream member on a gateway that does not coordinate its group is forwarded to the coordinator and streams from there', async () => {
  const { a, b, probe } = await twoGateways();
  try {
    expect((await a.json('POST', '/v1/groups/g/members', { topics: ['t'] })).status).toBe(201);
    const stop = new AbortController();
    const stream = await fetch(`${b.url}/v1/topics/t/events?group=g&from=earliest`, { signal: stop.signal });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    while (!text.includes('event: joined')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    const joined = JSON.parse(/event: joined\ndata: (.*)\n/.exec(text)![1]!) as { group: string; memberId: string };
    // The member is a's: b holds no group, and a counts two members.
    expect(b.gateway.groups.list()).toEqual([]);
    expect((await a.json('GET', '/v1/groups/g')).body.members.map((m: { memberId: string }) => m.memberId)).toContain(joined.memberId);
    // Ending the stream at b ends it at a: the member leaves.
    stop.abort();
    await until('the streamed member to leave', async () => (await a.json('GET', '/v1/groups/g')).body.members.length === 1);
  } finally {
    await probe.close();
  }
});

test('a WebSocket member on a gateway that does not coordinate its group is refused naming the coordinator, and the client goes there', async () => {
  const { a, b, probe } = await twoGateways();
  try {
    expect((await a.json('POST', '/v1/topics/t/records', { records: [0, 1, 2].map((i) => ({ value: i, partition: 0 })) })).status).toBe(200);
    expect((await a.json('POST', '/v1/groups/g/offsets', { offsets: [{ topic: 't', partition: 0, offset: 1 }] })).status).toBe(200);
    // A member on another topic keeps the group busy at a (an idle group's 1 s lease would be let go meanwhile).
    expect((await a.json('POST', '/v1/topics', { name: 'u', partitions: 1 })).status).toBe(201);
    await until('b to know topic u', async () => (await b.json('GET', '/v1/topics/u')).status === 200, { timeoutMs: 30_000 });
    const other = await a.json('POST', '/v1/groups/g/members', { topics: ['u'] });
    expect(other.status).toBe(201);

    const raw = new WebSocket(`${b.url.replace(/^http/, 'ws')}/v1/topics/t/ws?group=g`, ['logway']);
    const frames: Record<string, unknown>[] = [];
    raw.on('message', (data) => frames.push(JSON.parse(data.toString()) as Record<string, unknown>));
    expect(await new Promise<number>((resolve) => raw.on('close', (code) => resolve(code)))).toBe(4503);
    expect(frames).toEqual([
      expect.objectContaining({ type: 'error', code: 'NOT_COORDINATOR', group: 'g', coordinator: `http://127.0.0.1:${a.port}`, retryAfterSeconds: expect.any(Number) }),
    ]);

    // The client (on ws's WebSocket, the browser's API) pointed at b becomes a member at a.
    const globals = globalThis as { WebSocket?: unknown };
    const before = globals.WebSocket;
    globals.WebSocket = WebSocket;
    onTestFinished(() => {
      globals.WebSocket = before;
    });
    const sub = new Logway({ url: b.url }).subscribe<number>('t', { group: 'g', reconnect: { initialDelayMs: 10, maxDelayMs: 100 } });
    onTestFinished(() => sub.close());
    const values: number[] = [];
    const opened: { memberId?: string }[] = [];
    sub.on('open', (info) => opened.push(info));
    sub.on('records', (records) => {
      values.push(...records.map((r) => r.value));
    });
    await until('the client to stream the group from a', () => values.length === 2, { timeoutMs: 30_000 });
    expect(values).toEqual([1, 2]);
    const members = (await a.json('GET', '/v1/groups/g')).body.members.map((m: { memberId: string }) => m.memberId);
    expect(members.sort()).toEqual([other.body.memberId, opened[0]!.memberId].sort());
    expect(b.gateway.groups.list()).toEqual([]);
  } finally {
    await probe.close();
  }
});
