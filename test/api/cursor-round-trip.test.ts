/**
 * One cursor across transports (api/topic-start.ts, core/cursor.ts): a reader hops between a REST
 * topic read, Server-Sent Events and WebSocket (topic URL and multiplexed subscribe), each hop starting
 * at the cursor the previous one ended with, while a producer writes. Every record arrives exactly
 * once, in order per partition.
 */
import { describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../helpers/gateway.js';
import { openEvents } from '../sse/sse-client.js';
import { openSocket } from '../ws/ws-client.js';

const key = (r: { partition: number; offset: number }) => `${r.partition}:${r.offset}`;

interface Hop {
  keys: string[];
  cursor: string;
}

/** A read over one transport: at least `want` records from `cursor` (when there are that many), and the cursor after them. */
type Transport = (gw: RunningGateway, topic: string, cursor: string, want: number) => Promise<Hop>;

const restRead: Transport = async (gw, topic, cursor, want) => {
  const res = await gw.json('GET', `/v1/topics/${topic}/records?cursor=${cursor}&limit=${Math.max(want, 1)}&waitMs=${want > 0 ? 5000 : 0}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return { keys: res.body.records.map(key), cursor: res.body.cursor };
};

/** `how`: resume with `from=cursor:` or as a reconnecting EventSource does, with Last-Event-ID. */
const sseRead =
  (how: 'from' | 'last-event-id'): Transport =>
  async (gw, topic, cursor, want) => {
    const url = `${gw.url}/v1/topics/${topic}/events${how === 'from' ? `?from=cursor:${cursor}` : ''}`;
    const s = await openEvents(url, how === 'last-event-id' ? { 'last-event-id': cursor } : {});
    expect(s.status).toBe(200);
    try {
      await s.records(want);
      // Stop here, keeping exactly what arrived: the last record event's id is the cursor after it.
      const messages = s.events.filter((e) => e.event === 'message');
      if (messages.length === 0) return { keys: [], cursor };
      return { keys: messages.map((e) => key(JSON.parse(e.data))), cursor: messages.at(-1)!.id! };
    } finally {
      s.close();
    }
  };

/** `how`: the topic URL with `from=cursor:`, or a `subscribe` command on the multiplexed socket. */
const wsRead =
  (how: 'url' | 'command'): Transport =>
  async (gw, topic, cursor, want) => {
    const s =
      how === 'url' ? await openSocket(gw.url, `/v1/topics/${topic}/ws?from=cursor:${cursor}`) : await openSocket(gw.url, '/v1/ws');
    try {
      if (how === 'command') s.send({ type: 'subscribe', topic, from: `cursor:${cursor}` });
      const subscribed = await s.next('subscribed');
      expect(subscribed.cursor).toBe(cursor);
      await s.until(() => s.records.length >= want, `${want} records`);
      // Stop after the last whole records message received so far; later ones are as if never sent.
      const frames = s.messages.filter((m) => m.type === 'records');
      if (frames.length === 0) return { keys: [], cursor };
      return { keys: frames.flatMap((m) => m.records.map(key)), cursor: frames.at(-1).cursor };
    } finally {
      s.ws.terminate();
    }
  };

describe('one cursor across REST, Server-Sent Events and WebSocket', () => {
  it('a reader hopping between transports while a producer writes gets every record exactly once, in order per partition', async () => {
    const gw = await startGateway();
    expect((await gw.json('POST', '/v1/topics', { name: 't', partitions: 3 })).status).toBe(201);
    const TOTAL = 300;
    const produced: string[] = [];
    const collected: string[] = [];
    let readerMoved: () => void = () => {};
    let producerMoved: () => void = () => {};

    // Keeps 1-20 records ahead of the reader, so every hop meets records written while it reads.
    const producer = (async () => {
      for (let n = 0; n < TOTAL; ) {
        if (produced.length - collected.length > 20) {
          await new Promise<void>((resolve) => (readerMoved = resolve));
          continue;
        }
        const records = Array.from({ length: Math.min(7, TOTAL - n) }, (_, i) => ({ value: n + i }));
        n += records.length;
        const res = await gw.json('POST', '/v1/topics/t/records', { records });
        expect(res.status).toBe(200);
        produced.push(...res.body.records.map(key));
        producerMoved();
      }
    })();

    const transports: [string, Transport][] = [
      ['rest', restRead],
      ['sse from=cursor:', sseRead('from')],
      ['ws topic url', wsRead('url')],
      ['sse Last-Event-ID', sseRead('last-event-id')],
      ['ws subscribe command', wsRead('command')],
    ];
    const first = await gw.json('GET', '/v1/topics/t/records?from=earliest&limit=1&waitMs=5000');
    collected.push(...first.body.records.map(key));
    let cursor: string = first.body.cursor;
    const used = new Map<string, number>();
    let hop = 0;
    while (collected.length < TOTAL) {
      if (produced.length === collected.length) {
        // Caught up: wait for the producer, so every hop has records to carry.
        await new Promise<void>((resolve) => (producerMoved = resolve));
        continue;
      }
      const [name, read] = transports[hop++ % transports.length]!;
      // Records already acknowledged and not yet read lie beyond the cursor; wait for a few of them.
      const want = Math.min(5, produced.length - collected.length);
      const result = await read(gw, 't', cursor, want);
      collected.push(...result.keys);
      cursor = result.cursor;
      if (result.keys.length > 0) used.set(name, (used.get(name) ?? 0) + 1);
      readerMoved();
      expect(hop, 'hops').toBeLessThan(2000);
    }
    await producer;

    expect(collected).toHaveLength(TOTAL);
    expect(new Set(collected).size).toBe(TOTAL);
    expect(new Set(collected)).toEqual(new Set(produced));
    const byPartition = new Map<number, number[]>();
    for (const k of collected) {
      const [p, o] = k.split(':').map(Number) as [number, number];
      byPartition.set(p, [...(byPartition.get(p) ?? []), o]);
    }
    for (const offsets of byPartition.values()) expect(offsets).toEqual(offsets.map((_, i) => i));
    // Every transport carried records at least once, so every pairing of "read on one, continue on another" happened.
    expect([...used.keys()].sort()).toEqual(transports.map(([name]) => name).sort());
    // The final cursor continues over REST with nothing left.
    expect((await gw.json('GET', `/v1/topics/t/records?cursor=${cursor}`)).body.records).toEqual([]);
  });
});
