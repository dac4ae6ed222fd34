/** GET /v1/topics/{topic}/ws against a real gateway: start positions, live tail, resume, errors, close codes. */
import { describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../helpers/gateway.js';
import { expectDense, openSocket, until } from './ws-client.js';

async function createTopic(gw: RunningGateway, name: string, partitions: number) {
  const res = await gw.json('POST', '/v1/topics', { name, partitions });
  expect(res.status).toBe(201);
}

async function produce(gw: RunningGateway, topic: string, records: unknown[]) {
  const res = await gw.json('POST', `/v1/topics/${topic}/records`, { records });
  expect(res.status).toBe(200);
  return res.body.records as { partition: number; offset: number; timestamp: number }[];
}

const numbered = (from: number, count: number, partition?: number) =>
  Array.from({ length: count }, (_, i) => ({ value: { n: from + i }, ...(partition === undefined ? {} : { partition }) }));

describe('start positions', () => {
  it('from=earliest delivers every stored record, then live ones', async () => {
    const gw = await startGateway();
    await createTopic(gw, 'orders', 2);
    await produce(gw, 'orders', [...numbered(0, 5, 0), ...numbered(5, 3, 1)]);
    const s = await openSocket(gw.url, '/v1/topics/orders/ws?from=earliest');
    const subscribed = await s.next('subscribed');
    expect(subscribed).toEqual({
      type: 'subscribed',
      topic: 'orders',
      cursor: expect.any(String),
      partitions: [
        { partition: 0, offset: 0 },
        { partition: 1, offset: 0 },
      ],
    });
    await s.until(() => s.records.length === 8, '8 stored records');
    await produce(gw, 'orders', numbered(8, 2, 1));
    await s.until(() => s.records.length === 10, '2 live records');
    const byPartition = expectDense(s.records, { 0: 0, 1: 0 });
    expect(byPartition.get(0)).toEqual([0, 1, 2, 3, 4]);
    expect(byPartition.get(1)).toEqual([0, 1, 2, 3, 4]);
    expect(s.records[0]).toEqual({ topic: 'orders', partition: 0, offset: 0, timestamp: expect.any(Number), key: null, value: { n: 0 }, headers: {} });
    expect(s.records.filter((r) => r.partition === 1).map((r) => r.value.n)).toEqual([5, 6, 7, 8, 9]);
  });

  it('from=latest (the default) delivers only records produced after subscribing', async () => {
    const gw = await startGateway();
    await createTopic(gw, 'news', 1);
    await produce(gw, 'news', numbered(0, 5));
    const s = await openSocket(gw.url, '/v1/topics/news/ws');
    expect((await s.next('subscribed')).partitions).toEqual([{ partition: 0, offset: 5 }]);
    await produce(gw, 'news', numbered(5, 3));
    await s.until(() => s.records.length === 3, '3 new records');
    expect(s.records.map((r) => r.offset)).toEqual([5, 6, 7]);
    expect(s.records.map((r) => r.value.n)).toEqual([5, 6, 7]);
  });

  it('from=<offset> starts at that offset in every selected partition', async () => {
    const gw = await startGateway();
    await createTopic(gw, 'logs', 1);
    await produce(gw, 'logs', numbered(0, 10));
    const s = await openSocket(gw.url, '/v1/topics/logs/ws?from=4');
    await s.until(() => s.records.length === 6, 'records 4..9');
    expect(s.records.map((r) => r.offset)).toEqual([4, 5, 6, 7, 8, 9]);
  });

  it('from=time:<ms> starts at the first record at or after that time', async () => {
    const gw = await startGateway();
    await createTopic(gw, 'ticks', 1);
    await produce(gw, 'ticks', Array.from({ length: 10 }, (_, i) => ({ value: i, timestamp: 1_000 + i * 10 })));
    const s = await openSocket(gw.url, '/v1/topics/ticks/ws?from=time:1045');
    expect((await s.next('subscribed')).partitions).toEqual([{ partition: 0, offset: 5 }]);
    await s.until(() => s.records.length === 5, 'records from offset 5');
    expect(s.records.map((r) => r.timestamp)).toEqual([1050, 1060, 1070, 1080, 1090]);
  });

  it('partitions=0,2 reads only those partitions', async () => {
    const gw = await startGateway();
    await createTopic(gw, 'three', 3);
    await produce(gw, 'three', [...numbered(0, 2, 0), ...numbered(0, 2, 1), ...numbered(0, 2, 2)]);
    const s = await openSocket(gw.url, '/v1/topics/three/ws?from=earliest&partitions=0,2');
    await s.until(() => s.records.length === 4, '4 records');
    await produce(gw, 'three', [...numbered(9, 1, 1), ...numbered(9, 1, 2)]);
    await s.until(() => s.records.length === 5, 'the live record of partition 2');
    expect(new Set(s.records.map((r) => r.partition))).toEqual(new Set([0, 2]));
  });
});

describe('live tail', () => {
  it('records produced concurrently arrive with no gap and no duplicate', async () => {
    const gw = await startGateway();
    await createTopic(gw, 'busy', 3);
    await produce(gw, 'busy', Array.from({ length: 300 }, (_, i) => ({ key: `k${i}`, value: i })));
    const sockets = await Promise.all([
      openSocket(gw.url, '/v1/topics/busy/ws?from=earliest'),
      openSocket(gw.url, '/v1/topics/busy/ws?from=earliest'),
    ]);
    // Producers race the catch-up reads and the switch to live delivery.
    const producers = Array.from({ length: 4 }, (_, p) =>
      (async () => {
        for (let b = 0; b < 25; b++) {
          await produce(gw, 'busy', Array.from({ length: 40 }, (_, i) => ({ key: `p${p}-${b}-${i}`, value: { p, b, i } })));
        }
      })(),
    );
    const late = openSocket(gw.url, '/v1/topics/busy/ws?from=earliest');
    await Promise.all(producers);
    sockets.push(await late);
    const total = 300 + 4 * 25 * 40;
    for (const s of sockets) {
      await s.until(() => s.records.length >= total, `${total} records`);
      const byPartition = expectDense(s.records, { 0: 0, 1: 0, 2: 0 });
      const count = [...byPartition.values()].reduce((n, list) => n + list.length, 0);
      expect(count).toBe(total);
    }
    // Nothing more trickles in: exactly once each.
    await produce(gw, 'busy', [{ value: 'last', partition: 0 }]);
    for (const s of sockets) {
      await s.until(() => s.records.length === total + 1, 'the final record');
      expectDense(s.records, { 0: 0, 1: 0, 2: 0 });
    }
  });

  it('resumes after a reconnect from the next offset per partition, without loss or duplicates', async () => {
    const gw = await startGateway();
    await createTopic(gw, 'resume', 2);
    await produce(gw, 'resume', Array.from({ length: 40 }, (_, i) => ({ value: i, partition: i % 2 })));
    const first = await openSocket(gw.url, '/v1/topics/resume/ws?from=earliest');
    await first.until(() => first.records.length === 40, 'the first 40');
    first.ws.close();
    await first.closed;
    const next: Record<number, number> = {};
    for (const r of first.records) next[r.partition] = r.offset + 1;
    await produce(gw, 'resume', Array.from({ length: 20 }, (_, i) => ({ value: 40 + i, partition: i % 2 })));
    const from = Object.entries(next).map(([p, o]) => `${p}:${o}`).join(',');
    const second = await openSocket(gw.url, `/v1/topics/resume/ws?from=${from}`);
    await second.until(() => second.records.length === 20, 'the 20 produced while away');
    await produce(gw, 'resume', [{ value: 60, partition: 1 }]);
    await second.until(() => second.records.length === 21, 'a live record after resuming');
    const all = [...first.records, ...second.records];
    expectDense(all, { 0: 0, 1: 0 });
    expect(all.map((r) => r.value).sort((a, b) => a - b)).toEqual(Array.from({ length: 61 }, (_, i) => i));
  });

  it("a topic URL's subscription comes before the client's first command", async () => {
    const gw = await startGateway();
    await createTopic(gw, 'first', 1);
    const s = await openSocket(gw.url, '/v1/topics/first/ws');
    s.send({ type: 'unsubscribe', id: 'u', topic: 'first' });
    await s.next('unsubscribed');
    expect(s.messages.map((m) => m.type)).toEqual(['subscribed', 'unsubscribed']);
  });

  it('follows partitions added to the topic', async () => {
    const gw = await startGateway();
    await createTopic(gw, 'grow', 1);
    const s = await openSocket(gw.url, '/v1/topics/grow/ws');
    await s.next('subscribed');
    expect((await gw.json('PATCH', '/v1/topics/grow', { partitions: 2 })).status).toBe(200);
    await produce(gw, 'grow', [{ value: 'new', partition: 1 }]);
    await s.until(() => s.records.length === 1, 'the record in the new partition');
    expect(s.records[0]).toMatchObject({ partition: 1, offset: 0, value: 'new' });
  });
});

describe('errors and close codes', () => {
  it('an unknown topic is an error message with the code, then close 4404', async () => {
    const gw = await startGateway();
    const s = await openSocket(gw.url, '/v1/topics/nope/ws?from=earliest');
    expect(await s.closed).toEqual({ code: 4404, reason: "topic 'nope' does not exist" });
    expect(s.messages).toEqual([{ type: 'error', code: 'TOPIC_NOT_FOUND', message: "topic 'nope' does not exist", topic: 'nope' }]);
  });

  it('a bad from closes 4400 naming the field; an offset out of range closes 4416 with the range', async () => {
    const gw = await startGateway();
    await createTopic(gw, 't', 1);
    const bad = await openSocket(gw.url, '/v1/topics/t/ws?from=yesterday');
    expect((await bad.closed).code).toBe(4400);
    expect(bad.messages[0]).toMatchObject({ type: 'error', code: 'INVALID_REQUEST', errors: [{ path: 'query/from' }] });

    const far = await openSocket(gw.url, '/v1/topics/t/ws?from=7');
    expect((await far.closed).code).toBe(4416);
    expect(far.messages[0]).toMatchObject({ code: 'OFFSET_OUT_OF_RANGE', logStartOffset: 0, highWatermark: 0 });

    const partition = await openSocket(gw.url, '/v1/topics/t/ws?partitions=3');
    expect((await partition.closed).code).toBe(4404);
    expect(partition.messages[0]).toMatchObject({ code: 'PARTITION_NOT_FOUND' });

    const groupOffset = await openSocket(gw.url, '/v1/topics/t/ws?group=g&from=5');
    expect((await groupOffset.closed).code).toBe(4400);
    expect(groupOffset.messages[0]).toMatchObject({ code: 'INVALID_REQUEST', errors: [{ path: 'query/group' }] });
    const groupPartitions = await openSocket(gw.url, '/v1/topics/t/ws?group=g&partitions=0');
    expect((await groupPartitions.closed).code).toBe(4400);
  });

  it('a plain GET on a socket endpoint is a problem, not a hang', async () => {
    const gw = await startGateway();
    const res = await gw.api('/v1/topics/t/ws');
    expect(res.status).toBe(426);
    expect(res.headers.get('upgrade')).toBe('websocket');
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect((await res.json()).detail).toMatch(/WebSocket endpoint/);
  });

  it('a deleted topic ends the stream with 4404', async () => {
    const gw = await startGateway();
    await createTopic(gw, 'doomed', 1);
    const s = await openSocket(gw.url, '/v1/topics/doomed/ws');
    await s.next('subscribed');
    expect((await gw.api('/v1/topics/doomed', { method: 'DELETE' })).status).toBe(204);
    expect((await s.closed).code).toBe(4404);
  });

  it('selects the logway.v1 subprotocol when offered, and echoes an offered one otherwise', async () => {
    const gw = await startGateway();
    await createTopic(gw, 't', 1);
    const a = await openSocket(gw.url, '/v1/topics/t/ws', ['logway.token.abc', 'logway.v1']);
    expect(a.ws.protocol).toBe('logway.v1');
    const b = await openSocket(gw.url, '/v1/topics/t/ws', ['something']);
    expect(b.ws.protocol).toBe('something');
  });

  it('refuses sockets over wsMaxConnections with 1013', async () => {
    const gw = await startGateway({ wsMaxConnections: 1 });
    await createTopic(gw, 't', 1);
    const first = await openSocket(gw.url, '/v1/topics/t/ws');
    await first.next('subscribed');
    const second = await openSocket(gw.url, '/v1/topics/t/ws');
    const closed = await second.closed;
    expect(closed.code).toBe(1013);
    expect(closed.reason).toMatch(/wsMaxConnections/);
    expect(first.ws.readyState).toBe(first.ws.OPEN);
  });

  it('closes with 1009 on an inbound frame over wsMaxMessageBytes', async () => {
    const gw = await startGateway({ wsMaxMessageBytes: 1024 });
    const s = await openSocket(gw.url, '/v1/ws');
    s.send({ type: 'credit', records: 1, padding: 'x'.repeat(2000) });
    expect((await s.closed).code).toBe(1009);
  });

  it('terminates a socket that stops answering pings, and frees it', async () => {
    const gw = await startGateway({ wsPingIntervalMs: 100 });
    await createTopic(gw, 't', 1);
    const s = await openSocket(gw.url, '/v1/topics/t/ws');
    await s.next('subscribed');
    expect(gw.gateway.sockets.size).toBe(1);
    const listeners = gw.gateway.log.notifier.listenerCount;
    (s.ws as any)._socket.pause(); // the client stops reading: pings go unanswered
    await until(() => gw.gateway.sockets.size === 0, 'the server to drop the silent socket');
    expect(gw.gateway.log.notifier.listenerCount).toBeLessThan(listeners);
  });

  it('closes every socket with 1001 when the gateway shuts down', async () => {
    const gw = await startGateway();
    await createTopic(gw, 't', 1);
    const s = await openSocket(gw.url, '/v1/topics/t/ws');
    await s.next('subscribed');
    await gw.gateway.close();
    expect(await s.closed).toEqual({ code: 1001, reason: 'the gateway is shutting down' });
  });
});
