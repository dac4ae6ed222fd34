/**
 * GET /v1/topics/{topic}/events: one event per record, each event's id the cursor after it; a
 * reader that drops and reconnects with Last-Event-ID continues with no gap and no duplicate.
 */
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../src/core/clock.js';
import { Retention } from '../../src/core/retention.js';
import { startGateway } from '../helpers/gateway.js';
import { until } from '../helpers/until.js';
import { openEvents } from './sse-client.js';

async function setup(overrides: Parameters<typeof startGateway>[0] = {}, options: Parameters<typeof startGateway>[1] = {}) {
  const gw = await startGateway(overrides, options);
  return {
    ...gw,
    async createTopic(name: string, partitions: number, config?: object) {
      expect((await gw.json('POST', '/v1/topics', { name, partitions, ...(config ? { config } : {}) })).status).toBe(201);
    },
    async produce(topic: string, records: unknown[]) {
      const res = await gw.json('POST', `/v1/topics/${topic}/records`, { records });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    },
    events(topic: string, query = '', headers: Record<string, string> = {}) {
      return openEvents(`${gw.url}/v1/topics/${topic}/events${query ? '?' + query : ''}`, headers);
    },
  };
}

const key = (r: { partition: number; offset: number }) => `${r.partition}:${r.offset}`;

describe('Server-Sent Events', () => {
  it('streams every record as an event whose data is the record and whose id is the cursor after it', async () => {
    const gw = await setup();
    await gw.createTopic('t', 2);
    await gw.produce('t', [{ value: 'a', partition: 0 }, { value: { b: 1 }, partition: 1, headers: { h: 'v' } }]);
    const s = await gw.events('t', 'from=earliest');
    expect(s.status).toBe(200);
    expect(s.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(s.headers.get('cache-control')).toBe('no-cache');
    const records = await s.records(2);
    expect(records.map((r) => [r.partition, r.offset, r.value])).toEqual([
      [0, 0, 'a'],
      [1, 0, { b: 1 }],
    ]);
    expect(records[1]).toMatchObject({ topic: 't', key: null, headers: { h: 'v' } });
    // Each id continues a REST topic read right after its record.
    const first = s.events.find((e) => e.event === 'message')!;
    const rest = await gw.json('GET', `/v1/topics/t/records?cursor=${first.id}`);
    expect(rest.body.records.map(key)).toEqual(['1:0']);
    expect(s.retry).toBe(gw.gateway.config.sseRetryMs);
    s.close();
  });

  it('resumes with Last-Event-ID after a dropped connection: no gap, no duplicate, while a producer writes', async () => {
    const gw = await setup();
    await gw.createTopic('t', 3);
    const expected: string[] = [];
    let produced = 0;
    const produceSome = async (n: number) => {
      const records = Array.from({ length: n }, () => ({ value: produced++ }));
      const res = await gw.json('POST', '/v1/topics/t/records', { records });
      expected.push(...res.body.records.map(key));
    };
    await produceSome(30);
    const seen: string[] = [];
    let last: string | undefined;
    for (let round = 0; round < 4; round++) {
      const s = await gw.events('t', 'from=earliest', last ? { 'last-event-id': last } : {});
      expect(s.status).toBe(200);
      const want = seen.length + 10;
      await produceSome(10);
      const records = await s.records(want - seen.length);
      // Drop the connection mid-stream, keeping only what arrived; an EventSource resumes from its last id.
      s.close();
      const messages = s.events.filter((e) => e.event === 'message');
      seen.push(...records.map(key));
      last = messages[messages.length - 1]!.id;
    }
    const s = await gw.events('t', '', { 'last-event-id': last! });
    const rest = await s.records(expected.length - seen.length);
    seen.push(...rest.map(key));
    s.close();
    expect(seen.length).toBe(new Set(seen).size);
    expect([...seen].sort()).toEqual([...expected].sort());
    // In offset order within each partition.
    for (const p of [0, 1, 2]) {
      const offsets = seen.filter((k) => k.startsWith(`${p}:`)).map((k) => Number(k.split(':')[1]));
      expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
    }
  });

  it('from=latest: the first id is the start, so a stream dropped before any record still resumes without a gap', async () => {
    const gw = await setup();
    await gw.createTopic('t', 2);
    await gw.produce('t', [{ value: 'old' }]);
    const s = await gw.events('t');
    await until('the start position', () => s.lastEventId);
    s.close();
    await gw.produce('t', [{ value: 'while away' }]);
    const again = await gw.events('t', '', { 'last-event-id': s.lastEventId! });
    expect((await again.records(1)).map((r) => r.value)).toEqual(['while away']);
    again.close();
  });

  it('partitions= streams only those partitions, and its cursor resumes them', async () => {
    const gw = await setup();
    await gw.createTopic('t', 3);
    await gw.produce('t', [0, 1, 2, 0, 1, 2].map((p, i) => ({ value: i, partition: p })));
    const s = await gw.events('t', 'from=earliest&partitions=0,2');
    const records = await s.records(4);
    expect(records.map(key).sort()).toEqual(['0:0', '0:1', '2:0', '2:1']);
    s.close();
    await gw.produce('t', [{ value: 'x', partition: 1 }, { value: 'y', partition: 2 }]);
    const again = await gw.events('t', 'partitions=0,2', { 'last-event-id': s.lastEventId! });
    expect((await again.records(1)).map(key)).toEqual(['2:2']);
    again.close();
  });

  it('sends comment heartbeats while idle', async () => {
    const gw = await setup({ sseHeartbeatMs: 100 });
    await gw.createTopic('t', 1);
    const s = await gw.events('t');
    await until('two heartbeats', () => s.comments.filter((c) => c === 'heartbeat').length >= 2);
    s.close();
  });

  it('a position older than retention resumes at the log start with a reset event', async () => {
    let now = 1_700_000_000_000;
    const clock: Clock = { now: () => now };
    const gw = await setup({}, { clock });
    await gw.createTopic('t', 1, { retentionMs: 60_000 });
    const first = await gw.events('t', 'from=earliest');
    await until('the start position', () => first.lastEventId);
    first.close();
    await gw.produce('t', [{ value: 0 }, { value: 1 }]);
    now += 70_000;
    await gw.produce('t', [{ value: 2 }]);
    await new Retention(gw.gateway.store, clock).runOnce();
    const s = await gw.events('t', '', { 'last-event-id': first.lastEventId! });
    const reset = await s.next((e) => e.event === 'reset');
    expect(JSON.parse(reset.data)).toEqual({ partitions: [{ partition: 0, offset: 0, logStartOffset: 2 }] });
    expect((await s.records(1)).map((r) => r.value)).toEqual([2]);
    s.close();
  });

  it('refuses bad input with problem details before streaming', async () => {
    const gw = await setup();
    await gw.createTopic('t', 2);
    await gw.createTopic('u', 1);
    const other = await gw.events('u');
    await until('a cursor of u', () => other.lastEventId);
    other.close();
    const foreign = await gw.events('t', '', { 'last-event-id': other.lastEventId! });
    expect(foreign.status).toBe(400);
    expect(foreign.headers.get('content-type')).toMatch(/problem\+json/);
    expect((await gw.api('/v1/topics/t/events?from=nope')).status).toBe(400);
    expect((await gw.api('/v1/topics/t/events?partitions=0,0')).status).toBe(400);
    expect((await gw.json('GET', '/v1/topics/t/events?group=g&partitions=0')).body.errors[0].path).toBe('query/group');
    const missing = await gw.json('GET', '/v1/topics/t/events?partitions=5');
    expect(missing).toMatchObject({ status: 404, body: { code: 'PARTITION_NOT_FOUND' } });
    expect((await gw.json('GET', '/v1/topics/nope/events')).body.code).toBe('TOPIC_NOT_FOUND');
  });

  it('ends with a problem event when the topic is deleted', async () => {
    const gw = await setup({ sseHeartbeatMs: 60_000 });
    await gw.createTopic('t', 1);
    const s = await gw.events('t');
    await until('the stream to wait', () => gw.gateway.log.notifier.waiters.size === 1);
    expect((await gw.api('/v1/topics/t', { method: 'DELETE' })).status).toBe(204);
    const problem = await s.next((e) => e.event === 'problem');
    expect(JSON.parse(problem.data)).toMatchObject({ status: 404, code: 'TOPIC_NOT_FOUND' });
    await until('the stream to end', () => s.ended);
  });
});
