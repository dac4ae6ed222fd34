/**
 * WebSocket and the one cursor (core/cursor.ts): every records frame carries the cursor after it,
 * `subscribed` the cursor of the start, and `from=cursor:<c>` (handshake query or subscribe command)
 * resumes there with no gap and no duplicate; a bad cursor is INVALID_CURSOR naming the field.
 */
import { describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../helpers/gateway.js';
import { openSocket, type TestSocket } from './ws-client.js';

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
  };
}

const key = (r: { partition: number; offset: number }) => `${r.partition}:${r.offset}`;
const values = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ({ value: from + i }));

/** Records of the socket's `records` messages up to and including message index `upTo`. */
function recordsThrough(s: TestSocket, upTo: number): string[] {
  return s.messages.slice(0, upTo + 1).flatMap((m) => (m.type === 'records' ? m.records.map(key) : []));
}

async function rejectCode(gw: RunningGateway, path: string) {
  const s = await openSocket(gw.url, path);
  const error = await s.next('error');
  return { error, closed: await s.closed };
}

describe('WebSocket cursors', () => {
  it('every records frame carries the cursor after it, and a new socket resumes there while a producer writes', async () => {
    const gw = await setup();
    await gw.createTopic('t', 3);
    const expected = await gw.produce('t', values(60));
    const a = await openSocket(gw.url, '/v1/topics/t/ws?from=earliest');
    expect((await a.next('subscribed')).cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    await a.until(() => a.records.length >= 20, 'some records');
    const frames = a.messages.filter((m) => m.type === 'records');
    expect(frames.every((m) => typeof m.cursor === 'string')).toBe(true);
    // Cut after the first records frame: what a client that dropped there would remember.
    const cutAt = a.messages.indexOf(frames[0]);
    const seen = recordsThrough(a, cutAt);
    a.ws.terminate();

    const producing = gw.produce('t', values(40, 60));
    const b = await openSocket(gw.url, `/v1/topics/t/ws?from=cursor:${frames[0].cursor}`);
    expected.push(...(await producing));
    await b.until(() => b.records.length >= expected.length - seen.length, 'the rest');
    const all = [...seen, ...b.records.map(key)];
    expect(all.length).toBe(expected.length);
    expect(new Set(all)).toEqual(new Set(expected));
    // The cursor after the last frame is a REST cursor with nothing left to read.
    const rest = await gw.json('GET', `/v1/topics/t/records?cursor=${b.messages.filter((m) => m.type === 'records').at(-1).cursor}`);
    expect(rest.status).toBe(200);
    expect(rest.body.records).toEqual([]);
  });

  it("subscribed's cursor lets a from=latest socket dropped before any record resume with no gap", async () => {
    const gw = await setup();
    await gw.createTopic('t', 2);
    await gw.produce('t', values(5));
    const a = await openSocket(gw.url, '/v1/topics/t/ws');
    const start = (await a.next('subscribed')).cursor;
    a.ws.terminate();
    const produced = await gw.produce('t', values(6, 5));
    const b = await openSocket(gw.url, `/v1/topics/t/ws?from=cursor:${start}`);
    expect((await b.next('subscribed')).partitions).toHaveLength(2);
    await b.until(() => b.records.length === 6, 'the six produced after the drop');
    expect(b.records.map(key).sort()).toEqual([...produced].sort());
  });

  it('a cursor from a REST topic read resumes over the multiplexed socket, and a socket cursor continues over REST', async () => {
    const gw = await setup();
    await gw.createTopic('t', 2);
    const expected = await gw.produce('t', values(10));
    const first = await gw.json('GET', '/v1/topics/t/records?from=earliest&limit=4');
    expect(first.body.records).toHaveLength(4);
    const s = await openSocket(gw.url, '/v1/ws');
    s.send({ type: 'subscribe', id: 'c', topic: 't', from: `cursor:${first.body.cursor}` });
    await s.next('subscribed', (m) => m.id === 'c');
    await s.until(() => s.records.length === 6, 'the other six');
    expect([...first.body.records.map(key), ...s.records.map(key)].sort()).toEqual([...expected].sort());
    const more = await gw.produce('t', values(3, 10));
    await s.until(() => s.records.length === 9, 'three live ones');
    const last = s.messages.filter((m) => m.type === 'records').at(-1).cursor;
    expect(more).toHaveLength(3);
    const rest = await gw.json('GET', `/v1/topics/t/records?cursor=${last}`);
    expect(rest.body.records).toEqual([]);
  });

  it('a cursor of every partition follows partitions added later; with partitions= it is narrowed', async () => {
    const gw = await setup();
    await gw.createTopic('t', 2);
    await gw.produce('t', values(4));
    const read = await gw.json('GET', '/v1/topics/t/records?from=earliest');
    const s = await openSocket(gw.url, `/v1/topics/t/ws?from=cursor:${read.body.cursor}`);
    await s.next('subscribed');
    expect((await gw.json('PATCH', '/v1/topics/t', { partitions: 3 })).status).toBe(200);
    await gw.produce('t', [{ value: 'new', partition: 2 }]);
    await s.until(() => s.records.length === 1, 'the record of the new partition');
    expect(key(s.records[0])).toBe('2:0');

    const narrowed = await openSocket(gw.url, `/v1/topics/t/ws?from=cursor:${read.body.cursor}&partitions=1`);
    expect((await narrowed.next('subscribed')).partitions).toEqual([{ partition: 1, offset: 2 }]);
  });

  it('a bad cursor on the URL is INVALID_CURSOR naming query/from, then close 4400', async () => {
    const gw = await setup();
    await gw.createTopic('t', 1);
    await gw.createTopic('other', 1);
    const malformed = await rejectCode(gw, '/v1/topics/t/ws?from=cursor:AAAA');
    expect(malformed.error).toMatchObject({ code: 'INVALID_CURSOR', errors: [{ path: 'query/from' }] });
    expect(malformed.closed.code).toBe(4400);

    const foreign = (await gw.json('GET', '/v1/topics/other/records?from=earliest')).body.cursor;
    const wrongTopic = await rejectCode(gw, `/v1/topics/t/ws?from=cursor:${foreign}`);
    expect(wrongTopic.error).toMatchObject({ code: 'INVALID_CURSOR', errors: [{ path: 'query/from', message: expect.stringContaining("not a cursor of topic 't'") }] });
    expect(wrongTopic.closed.code).toBe(4400);

    const notText = await rejectCode(gw, '/v1/topics/t/ws?from=cursor:a%20b');
    expect(notText.error).toMatchObject({ code: 'INVALID_REQUEST', errors: [{ path: 'query/from' }] });
  });

  it('a bad cursor in a subscribe command is an error naming message/from; the socket stays open', async () => {
    const gw = await setup();
    await gw.createTopic('t', 1);
    await gw.createTopic('other', 1);
    const foreign = (await gw.json('GET', '/v1/topics/other/records?from=earliest')).body.cursor;
    const s = await openSocket(gw.url, '/v1/ws');
    s.send({ type: 'subscribe', id: 1, topic: 't', from: `cursor:${foreign}` });
    expect(await s.next('error', (m) => m.id === 1)).toMatchObject({ code: 'INVALID_CURSOR', errors: [{ path: 'message/from' }] });
    s.send({ type: 'subscribe', id: 2, topic: 't', from: 'earliest' });
    expect(await s.next('subscribed', (m) => m.id === 2)).toMatchObject({ topic: 't' });
  });

  it('a group member is refused a cursor (it resumes from its commits) and its frames carry none', async () => {
    const gw = await setup();
    await gw.createTopic('t', 1);
    const cursor = (await gw.json('GET', '/v1/topics/t/records?from=earliest')).body.cursor;
    const refused = await rejectCode(gw, `/v1/topics/t/ws?group=g&from=cursor:${cursor}`);
    expect(refused.error).toMatchObject({ code: 'INVALID_REQUEST', errors: [{ path: 'query/group' }] });
    const member = await openSocket(gw.url, '/v1/topics/t/ws?group=g&from=earliest');
    await member.next('assigned');
    await gw.produce('t', values(2));
    await member.until(() => member.records.length === 2, 'two records');
    expect(member.messages.filter((m) => m.type === 'records').every((m) => m.cursor === undefined)).toBe(true);
  });
});
