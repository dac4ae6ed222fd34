/**
 * GET /v1/topics/{topic}/events?group=: each stream is a member of the group. Partitions are split
 * among streams (and REST members) through the same coordinator, what a stream sent is committed
 * automatically, and a stream that ends leaves the group at once.
 */
import { describe, expect, it } from 'vitest';
import { startGateway } from '../helpers/gateway.js';
import { until } from '../helpers/until.js';
import { openEvents, type SseStream } from './sse-client.js';

async function setup() {
  const gw = await startGateway();
  return {
    ...gw,
    async createTopic(name: string, partitions: number) {
      expect((await gw.json('POST', '/v1/topics', { name, partitions })).status).toBe(201);
    },
    async produce(topic: string, records: unknown[]): Promise<string[]> {
      const res = await gw.json('POST', `/v1/topics/${topic}/records`, { records });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.records.map(key);
    },
    member(topic: string, query: string) {
      return openEvents(`${gw.url}/v1/topics/${topic}/events?${query}`);
    },
    async totalLag(group: string): Promise<number> {
      const res = await gw.json('GET', `/v1/groups/${group}/offsets`);
      return res.status === 200 && res.body.offsets.every((o: any) => o.committedOffset !== null) ? res.body.totalLag : -1;
    },
  };
}

const key = (r: { partition: number; offset: number }) => `${r.partition}:${r.offset}`;
const values = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ({ value: from + i }));
const data = (s: SseStream, event: string) => s.events.filter((e) => e.event === event).map((e) => JSON.parse(e.data));
/** Partitions a stream holds now: assigned minus revoked, in event order. */
function held(s: SseStream): Set<number> {
  const partitions = new Set<number>();
  for (const e of s.events) {
    if (e.event === 'assigned') for (const p of JSON.parse(e.data).partitions) partitions.add(p.partition);
    if (e.event === 'revoked') for (const p of JSON.parse(e.data).partitions) partitions.delete(p.partition);
  }
  return partitions;
}

describe('Server-Sent Events as a consumer group member', () => {
  it('two streams split the partitions, each record goes to one of them, and what they sent is committed', async () => {
    const gw = await setup();
    await gw.createTopic('t', 4);
    const a = await gw.member('t', 'group=g&from=earliest');
    expect(a.status).toBe(200);
    const joined = await a.next((e) => e.event === 'joined');
    expect(JSON.parse(joined.data)).toEqual({ group: 'g', memberId: expect.any(String) });
    await until('a holds every partition', () => held(a).size === 4);
    const b = await gw.member('t', 'group=g&from=earliest');
    await until('the partitions split between the two', () => held(a).size > 0 && held(b).size > 0 && held(a).size + held(b).size === 4);
    expect([...held(a)].some((p) => held(b).has(p))).toBe(false);
    expect(data(a, 'revoked').length).toBeGreaterThan(0);

    const produced = await gw.produce('t', values(40));
    await until('every record delivered', () => data(a, 'message').length + data(b, 'message').length >= 40);
    const got = [...data(a, 'message'), ...data(b, 'message')].map(key);
    expect(got.sort()).toEqual([...produced].sort());
    // Records carry no ids: a member resumes from its group's commits, not from Last-Event-ID.
    expect(a.events.filter((e) => e.event === 'message').every((e) => e.id === undefined || e.id === '')).toBe(true);
    await until('everything sent committed', async () => (await gw.totalLag('g')) === 0);
    a.close();
    b.close();
  });

  it('a stream that ends leaves at once; the next member continues from the commits', async () => {
    const gw = await setup();
    await gw.createTopic('t', 2);
    const first = await gw.produce('t', values(10));
    const a = await gw.member('t', 'group=g&from=earliest');
    await a.records(10);
    await until('the ten committed', async () => (await gw.totalLag('g')) === 0);
    const b = await gw.member('t', 'group=g&from=earliest');
    await b.next((e) => e.event === 'joined');
    a.close();
    await until('b holds both partitions', () => held(b).size === 2);
    await until('a left the group', async () => (await gw.json('GET', '/v1/groups/g')).body.members.length === 1);
    const more = await gw.produce('t', values(5, 10));
    const records = await b.records(5);
    expect(records.map(key).sort()).toEqual([...more].sort());
    expect(records.map(key).some((k) => first.includes(k))).toBe(false);
    b.close();
    await until('b left the group', async () => (await gw.json('GET', '/v1/groups/g')).body.members.length === 0);
  });

  it('refuses group with a cursor, a time or partitions, naming query/group', async () => {
    const gw = await setup();
    await gw.createTopic('t', 2);
    for (const query of ['group=g&from=time:0', 'group=g&partitions=0', 'group=g&from=cursor:AQ']) {
      const res = await gw.json('GET', `/v1/topics/t/events?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.errors[0].path).toBe('query/group');
    }
    expect((await gw.json('GET', '/v1/topics/nope/events?group=g')).status).toBe(404);
    expect((await gw.json('GET', '/v1/groups/g')).status).toBe(404);
  });

  it('with authentication, needs read on the group as well as on the topic', async () => {
    const ADMIN = { authorization: 'Bearer test-admin-key-0123456789' };
    const gw = await startGateway({ adminKey: 'test-admin-key-0123456789' });
    expect((await gw.json('POST', '/v1/topics', { name: 't', partitions: 1 }, ADMIN)).status).toBe(201);
    const keyWith = async (permissions: unknown[]) =>
      (await gw.json('POST', '/v1/keys', { name: 'sse', permissions }, ADMIN)).body.key as string;
    const topicOnly = await keyWith([{ resource: 'topic:t', actions: ['read'] }]);
    const both = await keyWith([
      { resource: 'topic:t', actions: ['read'] },
      { resource: 'group:g', actions: ['read'] },
    ]);
    const open = (key: string) => openEvents(`${gw.url}/v1/topics/t/events?group=g`, { authorization: `Bearer ${key}` });
    expect((await openEvents(`${gw.url}/v1/topics/t/events?group=g`)).status).toBe(401);
    expect((await open(topicOnly)).status).toBe(403);
    const member = await open(both);
    expect(member.status).toBe(200);
    await member.next((e) => e.event === 'joined');
    member.close();
  });
});
