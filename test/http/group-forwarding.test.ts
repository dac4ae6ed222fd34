/**
 * A group's REST requests on a gateway that does not coordinate the group: forwarded to the coordinator's
 * advertised URL, or refused with 503 NOT_COORDINATOR naming it. Two in-process gateways share one SQLite
 * store (its leases are the store's, as on a cluster), so the first to serve a group coordinates it.
 */
import { expect, test } from 'vitest';
import { openSqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import { freePorts } from '../../src/tools/free-ports.js';
import { startGateway, tempDir } from '../helpers/gateway.js';
import { intercept } from '../helpers/intercept.js';

async function twoGateways(advertise: boolean) {
  // SQLite's leases stand in for the cluster's; told it is shared, each gateway renews and lets go as on a cluster.
  const store = intercept(openSqliteStore({ dataDir: tempDir(), synchronous: 'NORMAL' }), { singleGateway: () => false });
  const port = (await freePorts(1))[0]!;
  const a = await startGateway({ port, ...(advertise ? { advertisedUrl: `http://127.0.0.1:${port}` } : {}) }, { store });
  const b = await startGateway({}, { store });
  expect((await a.json('POST', '/v1/topics', { name: 't', partitions: 2 })).status).toBe(201);
  return { a, b };
}

test('forwards every group operation to the coordinating gateway and relays its answers, long-polls included', async () => {
  const { a, b } = await twoGateways(true);
  const first = await a.json('POST', '/v1/groups/g/members', { topics: ['t'], autoOffsetReset: 'earliest' });
  expect(first.status).toBe(201);

  // Through b: the member joins a's group (b holds no group of its own).
  const joined = await b.json('POST', '/v1/groups/g/members', { topics: ['t'], autoOffsetReset: 'earliest' });
  expect(joined.status, JSON.stringify(joined.body)).toBe(201);
  expect(joined.headers.get('location')).toBe(`/v1/groups/g/members/${joined.body.memberId}`);
  expect(b.gateway.groups.list()).toEqual([]);
  const described = await a.json('GET', '/v1/groups/g');
  expect(described.body.members.map((m: { memberId: string }) => m.memberId).sort()).toEqual([first.body.memberId, joined.body.memberId].sort());

  // Settle through b: the first member releases what goes to the second, which takes it.
  const m1 = await b.json('POST', `/v1/groups/g/members/${first.body.memberId}/heartbeat`, { memberEpoch: first.body.memberEpoch, ownedPartitions: first.body.assignment });
  expect(m1.status).toBe(200);
  await b.json('POST', `/v1/groups/g/members/${first.body.memberId}/heartbeat`, { memberEpoch: m1.body.memberEpoch, ownedPartitions: m1.body.assignment });
  const m2 = await b.json('POST', `/v1/groups/g/members/${joined.body.memberId}/heartbeat`, { memberEpoch: joined.body.memberEpoch, ownedPartitions: [] });
  expect(m2.body.assignment).toHaveLength(1);
  const partition = m2.body.assignment[0].partition;

  // A long-poll through b waits at a and answers the record produced meanwhile.
  const poll = b.json('GET', `/v1/groups/g/members/${joined.body.memberId}/records?waitMs=10000`);
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect((await a.json('POST', '/v1/topics/t/records', { records: [{ value: 'x', partition }] })).status).toBe(200);
  const polled = await poll;
  expect(polled.status).toBe(200);
  expect(polled.body.records.map((r: { value: unknown }) => r.value)).toEqual(['x']);

  const commit = await b.json('POST', '/v1/groups/g/offsets', { memberId: joined.body.memberId, memberEpoch: m2.body.memberEpoch, offsets: [{ topic: 't', partition, offset: 1 }] });
  expect(commit.status, JSON.stringify(commit.body)).toBe(200);
  expect((await a.json('GET', '/v1/groups/g/offsets')).body.offsets.find((o: { partition: number }) => o.partition === partition).committedOffset).toBe(1);

  // Errors are relayed as the coordinator gave them.
  const unknown = await b.json('POST', '/v1/groups/g/members/nobody/heartbeat', { memberEpoch: 1, ownedPartitions: [] });
  expect(unknown.status).toBe(404);
  expect(unknown.body.code).toBe('MEMBER_NOT_FOUND');

  // A request already forwarded once is never forwarded again: refused instead.
  const again = await b.json('GET', '/v1/groups/g', undefined, { 'logway-forwarded-by': 'http://elsewhere' });
  expect(again.status).toBe(503);
  expect(again.body).toMatchObject({ code: 'NOT_COORDINATOR', group: 'g', coordinator: `${a.url}` });
});

test('without an advertised URL the other gateway answers 503 NOT_COORDINATOR with Retry-After, and changes nothing', async () => {
  const { a, b } = await twoGateways(false);
  expect((await a.json('POST', '/v1/groups/g/members', { topics: ['t'] })).status).toBe(201);
  const refused = await b.json('POST', '/v1/groups/g/members', { topics: ['t'] });
  expect(refused.status).toBe(503);
  // Retry-After: the seconds left of a's lease (10 s by default), after which another may take the group if a is gone.
  const retryAfter = Number(refused.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(10);
  expect(refused.body).toMatchObject({ code: 'NOT_COORDINATOR', group: 'g', coordinator: null, retryAfterSeconds: retryAfter });
  expect((await a.json('GET', '/v1/groups/g')).body.members).toHaveLength(1);
  // Another group is b's to coordinate.
  expect((await b.json('POST', '/v1/groups/h/members', { topics: ['t'] })).status).toBe(201);
});
