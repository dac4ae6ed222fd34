/** GET /v1/ws: commands with ids on one socket, credit, and one serialization per live batch. */
import { describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../helpers/gateway.js';
import { expectDense, openSocket } from './ws-client.js';

async function createTopic(gw: RunningGateway, name: string, partitions = 1) {
  expect((await gw.json('POST', '/v1/topics', { name, partitions })).status).toBe(201);
}

async function produce(gw: RunningGateway, topic: string, records: unknown[]) {
  const res = await gw.json('POST', `/v1/topics/${topic}/records`, { records });
  expect(res.status).toBe(200);
}

describe('multiplexed socket', () => {
  it('subscribes to several topics, produces with an ack carrying offsets, echoes ids', async () => {
    const gw = await startGateway();
    await createTopic(gw, 'a', 2);
    await createTopic(gw, 'b');
    await produce(gw, 'a', [{ value: 'a0', partition: 0 }]);
    const s = await openSocket(gw.url, '/v1/ws');
    s.send({ type: 'subscribe', id: 1, topic: 'a', from: 'earliest' });
    s.send({ type: 'subscribe', id: 'sub-b', topic: 'b' });
    expect(await s.next('subscribed', (m) => m.id === 1)).toEqual({
      type: 'subscribed',
      id: 1,
      topic: 'a',
      cursor: expect.any(String),
      partitions: [
        { partition: 0, offset: 0 },
        { partition: 1, offset: 0 },
      ],
    });
    await s.next('subscribed', (m) => m.id === 'sub-b');
    s.send({ type: 'produce', id: 'p1', topic: 'b', records: [{ key: 'k', value: { x: 1 } }, { value: 2 }] });
    const ack = await s.next('ack');
    expect(ack).toEqual({
      type: 'ack',
      id: 'p1',
      topic: 'b',
      records: [
        { partition: 0, offset: 0, timestamp: expect.any(Number) },
        { partition: 0, offset: 1, timestamp: expect.any(Number) },
      ],
    });
    await s.until(() => s.records.length === 3, 'a0 and the two produced records');
    expect(s.records.filter((r) => r.topic === 'b').map((r) => r.value)).toEqual([{ x: 1 }, 2]);
    expect(s.records.find((r) => r.topic === 'a')).toMatchObject({ partition: 0, offset: 0, value: 'a0' });
  });

  it('answers bad commands with an error naming the field and keeps the socket open', async () => {
    const gw = await startGateway();
    await createTopic(gw, 'a');
    const s = await openSocket(gw.url, '/v1/ws');
    s.send({ type: 'subscribe', id: 7, topic: 'missing' });
    expect(await s.next('error', (m) => m.id === 7)).toMatchObject({ code: 'TOPIC_NOT_FOUND', topic: 'missing' });
    s.ws.send('{not json');
    expect(await s.next('error', (m) => m.code === 'INVALID_REQUEST' && /JSON/.test(m.message))).toBeDefined();
    s.send({ type: 'subscribe', id: 8, topic: 'a', from: 'soon' });
    expect(await s.next('error', (m) => m.id === 8)).toMatchObject({ code: 'INVALID_REQUEST', errors: [{ path: 'message/from' }] });
    s.send({ type: 'dance', id: 9 });
    expect(await s.next('error', (m) => m.id === 9)).toMatchObject({ code: 'INVALID_REQUEST', errors: [{ path: 'message/type' }] });
    s.send({ type: 'produce', id: 10, topic: 'a', records: [{ value: 1, partition: 5 }] });
    expect(await s.next('error', (m) => m.id === 10)).toMatchObject({ code: 'INVALID_REQUEST', errors: [{ path: 'message/records/0/partition' }] });
    s.send({ type: 'commit', id: 11, offsets: [{ topic: 'a', partition: 0, offset: 0 }] });
    expect(await s.next('error', (m) => m.id === 11)).toMatchObject({ code: 'INVALID_REQUEST' });
    s.send({ type: 'unsubscribe', id: 12, topic: 'a' });
    expect(await s.next('error', (m) => m.id === 12)).toMatchObject({ code: 'INVALID_REQUEST' });
    // Nothing was appended by the refused produce, and the socket still works.
    s.send({ type: 'subscribe', id: 13, topic: 'a', from: 'earliest' });
    expect((await s.next('subscribed', (m) => m.id === 13)).partitions).toEqual([{ partition: 0, offset: 0 }]);
    expect(s.ws.readyState).toBe(s.ws.OPEN);
  });

  it('handles commands in order: replies come in command order, even when sent all at once', async () => {
    const gw = await startGateway();
    await createTopic(gw, 'a', 3);
    const s = await openSocket(gw.url, '/v1/ws');
    s.send({ type: 'subscribe', id: 'sub', topic: 'a' });
    s.send({ type: 'unsubscribe', id: 'unsub', topic: 'a' });
    for (let i = 0; i < 200; i++) s.send({ type: 'produce', id: i, topic: 'a', records: [{ key: `k${i}`, value: i }] });
    await s.until(() => s.messages.filter((m) => m.type === 'ack').length === 200, '200 acks');
    const replies = s.messages.filter((m) => m.type !== 'records');
    expect(replies.slice(0, 2).map((m) => [m.type, m.id])).toEqual([
      ['subscribed', 'sub'],
      ['unsubscribed', 'unsub'],
    ]);
    expect(replies.slice(2).map((m) => m.id)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(s.records).toEqual([]);
  });

  it('a binary frame closes the socket with 1003', async () => {
    const gw = await startGateway();
    const s = await openSocket(gw.url, '/v1/ws');
    s.ws.send(Buffer.from([1, 2, 3]));
    expect((await s.closed).code).toBe(1003);
  });

  it('unsubscribe stops the records of that topic', async () => {
    const gw = await startGateway();
    await createTopic(gw, 'a');
    await createTopic(gw, 'b');
    const s = await openSocket(gw.url, '/v1/ws');
    s.send({ type: 'subscribe', topic: 'a' });
    s.send({ type: 'subscribe', topic: 'b' });
    await s.until(() => s.messages.filter((m) => m.type === 'subscribed').length === 2, 'two subscriptions');
    s.send({ type: 'unsubscribe', id: 'u', topic: 'a' });
    expect(await s.next('unsubscribed')).toEqual({ type: 'unsubscribed', id: 'u', topic: 'a' });
    await produce(gw, 'a', [{ value: 'not for us' }]);
    await produce(gw, 'b', [{ value: 'barrier' }]);
    await s.until(() => s.records.length === 1, 'the barrier record');
    expect(s.records.map((r) => r.topic)).toEqual(['b']);
    expect(gw.gateway.log.notifier.listenerCount).toBeGreaterThan(0);
  });

  it('with explicit credit, sends exactly what was granted', async () => {
    const gw = await startGateway();
    await createTopic(gw, 'c');
    await produce(gw, 'c', Array.from({ length: 20 }, (_, i) => ({ value: i })));
    const s = await openSocket(gw.url, '/v1/ws?credit=5');
    s.send({ type: 'subscribe', topic: 'c', from: 'earliest' });
    await s.until(() => s.records.length === 5, 'the first 5');
    // A reply to a later command is a barrier: anything sent before it has arrived.
    s.send({ type: 'produce', id: 'barrier', topic: 'c', records: [{ value: 20 }] });
    await s.next('ack');
    expect(s.records.length).toBe(5);
    s.send({ type: 'credit', records: 10 });
    await s.until(() => s.records.length === 15, '10 more');
    s.send({ type: 'produce', id: 'barrier2', topic: 'c', records: [{ value: 21 }] });
    await s.next('ack', (m) => m.id === 'barrier2');
    expect(s.records.length).toBe(15);
    s.send({ type: 'credit', records: 1000 });
    await s.until(() => s.records.length === 22, 'the rest, live ones included');
    expectDense(s.records, { 0: 0 });
  });

  it('a live batch is serialized once for every socket at the same position', async () => {
    const gw = await startGateway();
    await createTopic(gw, 'fan');
    const sockets = await Promise.all(Array.from({ length: 5 }, () => openSocket(gw.url, '/v1/topics/fan/ws')));
    for (const s of sockets) await s.next('subscribed');
    // Each socket's first catch-up read finds nothing and goes live; wait until all are.
    await produce(gw, 'fan', [{ value: 'warm-up' }]);
    for (const s of sockets) await s.until(() => s.records.length === 1, 'the warm-up record');
    const before = gw.gateway.sockets.frames.built;
    await produce(gw, 'fan', Array.from({ length: 50 }, (_, i) => ({ value: i })));
    for (const s of sockets) await s.until(() => s.records.length === 51, 'the batch');
    expect(gw.gateway.sockets.frames.built - before).toBe(1);
    for (const s of sockets) expectDense(s.records, { 0: 0 });
  });
});
