import { randomBytes } from 'node:crypto';
import http from 'node:http';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ConfigInput } from '../../src/config.js';
import type { Clock } from '../../src/core/clock.js';
import { partitionForKey } from '../../src/core/partitioner.js';
import { Retention } from '../../src/core/retention.js';
import { startGateway, type RunningGateway } from '../helpers/gateway.js';
import { expectProblem, rawRequest } from '../helpers/problem.js';
import { until } from '../helpers/until.js';

interface Position {
  partition: number;
  offset: number;
  timestamp: number;
}

async function setup(overrides: ConfigInput = {}, options: Parameters<typeof startGateway>[1] = {}) {
  const gw = await startGateway(overrides, options);
  return withHelpers(gw);
}

function withHelpers(gw: RunningGateway) {
  const { json } = gw;
  return {
    ...gw,
    async createTopic(name: string, partitions = 1, config?: object) {
      const res = await json('POST', '/v1/topics', { name, partitions, ...(config ? { config } : {}) });
      expect(res.status).toBe(201);
    },
    produce(topic: string, records: unknown[], headers: Record<string, string> = {}) {
      return json('POST', `/v1/topics/${topic}/records`, { records }, headers);
    },
    async produceOk(topic: string, records: unknown[], headers: Record<string, string> = {}): Promise<Position[]> {
      const res = await json('POST', `/v1/topics/${topic}/records`, { records }, headers);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.records;
    },
    fetchRecords(topic: string, partition: number, query = '') {
      return json('GET', `/v1/topics/${topic}/partitions/${partition}/records${query ? '?' + query : ''}`);
    },
    /** Every partition's [logStartOffset, highWatermark]. */
    async bounds(topic: string): Promise<[number, number][]> {
      const res = await json('GET', `/v1/topics/${topic}`);
      expect(res.status).toBe(200);
      return res.body.partitionOffsets.map((b: { logStartOffset: number; highWatermark: number }) => [b.logStartOffset, b.highWatermark]);
    },
  };
}

describe('produce', () => {
  it('answers each record’s position in request order; offsets are dense per partition', async () => {
    const gw = await setup();
    await gw.createTopic('t', 3);
    const before = Date.now();
    const res = await gw.produce('t', [
      { value: 'a', partition: 2 },
      { value: 'b', partition: 0 },
      { value: 'c', partition: 2 },
      { value: 'd', partition: 2, timestamp: 1234 },
    ]);
    const after = Date.now();
    expect(res.status).toBe(200);
    expect(res.body.topic).toBe('t');
    expect(res.body.records.map((p: Position) => [p.partition, p.offset])).toEqual([
      [2, 0],
      [0, 0],
      [2, 1],
      [2, 2],
    ]);
    for (const p of res.body.records.slice(0, 3)) {
      expect(p.timestamp).toBeGreaterThanOrEqual(before);
      expect(p.timestamp).toBeLessThanOrEqual(after);
    }
    expect(res.body.records[3].timestamp).toBe(1234);
    const more = await gw.produceOk('t', [{ value: 'e', partition: 2 }, { value: 'f', partition: 0 }]);
    expect(more.map((p) => [p.partition, p.offset])).toEqual([
      [2, 3],
      [0, 1],
    ]);
    expect(await gw.bounds('t')).toEqual([
      [0, 2],
      [0, 0],
      [0, 4],
    ]);
  });

  it("puts keyed records on the partition Kafka's default partitioner picks (murmur2 of the key bytes)", async () => {
    const gw = await setup();
    await gw.createTopic('t', 7);
    const keys = Array.from({ length: 60 }, (_, i) => `customer-${i}`).concat(['', 'ключ', '🚀', 'foobar']);
    const positions = await gw.produceOk(
      't',
      keys.map((key) => ({ key, value: key })),
    );
    positions.forEach((p, i) => expect(p.partition, keys[i]).toBe(partitionForKey(Buffer.from(keys[i]!, 'utf8'), 7)));
    // The same key always lands on the same partition.
    const again = await gw.produceOk('t', [{ key: 'customer-3', value: 1 }]);
    expect(again[0]!.partition).toBe(positions[3]!.partition);
    // A base64 key hashes the bytes it encodes.
    const bytes = Buffer.from([0x00, 0xff, 0x10, 0x80, 0x7f]);
    const [bin] = await gw.produceOk('t', [{ key: bytes.toString('base64'), keyEncoding: 'base64', value: null }]);
    expect(bin!.partition).toBe(partitionForKey(bytes, 7));
    const fetched = await gw.fetchRecords('t', bin!.partition, `offset=${bin!.offset}&limit=1`);
    expect(fetched.body.records[0]).toMatchObject({ key: bytes.toString('base64'), keyEncoding: 'base64' });
  });

  it('matches a value computed from Kafka’s published murmur2 vector', async () => {
    // murmur2("foobar") = -790332482 (Kafka's UtilsTest); toPositive -> 1357151166; % 50 = 16.
    const gw = await setup();
    await gw.createTopic('t', 50);
    const [p] = await gw.produceOk('t', [{ key: 'foobar', value: 1 }]);
    expect(p!.partition).toBe(16);
  });

  it('spreads keyless records evenly, within a request and across requests', async () => {
    const gw = await setup();
    await gw.createTopic('t', 3);
    const one = await gw.produceOk(
      't',
      Array.from({ length: 30 }, (_, i) => ({ value: i })),
    );
    const count = (ps: Position[]) => [0, 1, 2].map((p) => ps.filter((x) => x.partition === p).length);
    expect(count(one)).toEqual([10, 10, 10]);
    const singles: Position[] = [];
    for (let i = 0; i < 7; i++) singles.push(...(await gw.produceOk('t', [{ value: i }])));
    const c = count(singles);
    expect(Math.max(...c) - Math.min(...c)).toBeLessThanOrEqual(1);
  });

  it('honours an explicit partition over the key', async () => {
    const gw = await setup();
    await gw.createTopic('t', 4);
    const natural = partitionForKey(Buffer.from('k'), 4);
    const explicit = (natural + 1) % 4;
    const [p] = await gw.produceOk('t', [{ key: 'k', value: 1, partition: explicit }]);
    expect(p!.partition).toBe(explicit);
  });

  it('round-trips binary values byte-exact (every byte value, 0x00 and 0xff, random lengths)', async () => {
    const gw = await setup();
    await gw.createTopic('t', 1);
    const values = [
      Buffer.alloc(0),
      Buffer.from([0x00]),
      Buffer.from([0xff]),
      Buffer.from([0x00, 0xff, 0x00, 0xff]),
      Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
      ...Array.from({ length: 20 }, (_, i) => randomBytes(1 + i * 37)),
    ];
    await gw.produceOk(
      't',
      values.map((v) => ({ value: v.toString('base64'), valueEncoding: 'base64' })),
    );
    const res = await gw.fetchRecords('t', 0, 'offset=0');
    expect(res.body.records).toHaveLength(values.length);
    res.body.records.forEach((r: { value: string; valueEncoding?: string }, i: number) => {
      expect(r.valueEncoding).toBe('base64');
      expect(Buffer.from(r.value, 'base64').equals(values[i]!)).toBe(true);
    });
  });

  it('property: any JSON value, key and headers come back exactly', async () => {
    const gw = await setup();
    await gw.createTopic('t', 1);
    let expectedOffset = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            key: fc.option(fc.string({ maxLength: 10 }), { nil: null }),
            value: fc.jsonValue({ maxDepth: 3 }),
            headers: fc.dictionary(fc.string({ minLength: 1, maxLength: 5 }), fc.string({ maxLength: 10 }), { maxKeys: 3 }),
          }),
          { minLength: 1, maxLength: 5 },
        ),
        async (records) => {
          const positions = await gw.produceOk('t', records);
          expect(positions.map((p) => p.offset)).toEqual(records.map((_, i) => expectedOffset + i));
          const res = await gw.fetchRecords('t', 0, `offset=${expectedOffset}&limit=${records.length}`);
          expectedOffset += records.length;
          // JSON has one -0: it is written as 0.
          const normalise = (v: unknown) => JSON.parse(JSON.stringify(v));
          expect(res.body.records.map((r: any) => [r.key, r.value, r.headers])).toEqual(
            records.map((r) => [r.key, normalise(r.value), normalise(r.headers)]),
          );
        },
      ),
      { numRuns: 30 },
    );
  });

  it('delivers topic, partition, offset, timestamp, key, value and headers; absent value is null, absent headers {}', async () => {
    const gw = await setup();
    await gw.createTopic('t', 2);
    await gw.produceOk('t', [
      { key: 'k', value: { total: 42 }, headers: { source: 'checkout', 'trace-id': 'abc' }, partition: 1, timestamp: 99 },
      { partition: 1 },
    ]);
    const res = await gw.fetchRecords('t', 1);
    expect(res.body.records).toEqual([
      { topic: 't', partition: 1, offset: 0, timestamp: 99, key: 'k', value: { total: 42 }, headers: { source: 'checkout', 'trace-id': 'abc' } },
      { topic: 't', partition: 1, offset: 1, timestamp: expect.any(Number), key: null, value: null, headers: {} },
    ]);
  });
});

describe('fetch', () => {
  async function seeded(n = 10, overrides: ConfigInput = {}) {
    const gw = await setup(overrides);
    await gw.createTopic('t', 2);
    if (n > 0) await gw.produceOk('t', Array.from({ length: n }, (_, i) => ({ value: `v${i}`, partition: 0 })));
    return gw;
  }

  it('reads from an offset with a limit, reporting nextOffset, highWatermark and logStartOffset', async () => {
    const gw = await seeded(10);
    const page = await gw.fetchRecords('t', 0, 'offset=3&limit=4');
    expect(page.status).toBe(200);
    expect(page.body.records.map((r: any) => [r.offset, r.value])).toEqual([
      [3, 'v3'],
      [4, 'v4'],
      [5, 'v5'],
      [6, 'v6'],
    ]);
    expect(page.body).toMatchObject({ nextOffset: 7, highWatermark: 10, logStartOffset: 0 });
    // Following nextOffset reads everything exactly once.
    const seen: number[] = [];
    let offset = 0;
    for (let i = 0; i < 20 && offset < 10; i++) {
      const res = await gw.fetchRecords('t', 0, `offset=${offset}&limit=3`);
      seen.push(...res.body.records.map((r: any) => r.offset));
      offset = res.body.nextOffset;
    }
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // At the end: empty, nextOffset stays.
    expect((await gw.fetchRecords('t', 0, 'offset=10')).body).toMatchObject({ records: [], nextOffset: 10, highWatermark: 10 });
    // Without offset: from the log start.
    expect((await gw.fetchRecords('t', 0)).body.records).toHaveLength(10);
    // An empty partition.
    expect((await gw.fetchRecords('t', 1)).body).toEqual({ records: [], nextOffset: 0, highWatermark: 0, logStartOffset: 0 });
  });

  it('caps limit at fetchMaxLimit and applies fetchDefaultLimit', async () => {
    const gw = await seeded(10, { fetchDefaultLimit: 4, fetchMaxLimit: 6 });
    expect((await gw.fetchRecords('t', 0, 'offset=0')).body.records).toHaveLength(4);
    expect((await gw.fetchRecords('t', 0, 'offset=0&limit=100')).body.records).toHaveLength(6);
  });

  it('stops at maxBytes, but always returns the first record', async () => {
    const gw = await seeded(5);
    // Each stored value is the JSON text "vN": 4 bytes.
    expect((await gw.fetchRecords('t', 0, 'offset=0&maxBytes=8')).body.records).toHaveLength(2);
    expect((await gw.fetchRecords('t', 0, 'offset=0&maxBytes=11')).body.records).toHaveLength(2);
    const one = await gw.fetchRecords('t', 0, 'offset=2&maxBytes=1');
    expect(one.body.records.map((r: any) => r.offset)).toEqual([2]);
    expect(one.body.nextOffset).toBe(3);
  });

  it('answers an offset outside [logStartOffset, highWatermark] with 416 naming the range', async () => {
    const gw = await seeded(5);
    const res = await gw.fetchRecords('t', 0, 'offset=6');
    expectProblem(res, 416, 'OFFSET_OUT_OF_RANGE', 'offset');
    expect(res.body).toMatchObject({ logStartOffset: 0, highWatermark: 5, offset: 6 });
    expect(res.body.detail).toMatch(/\b0\b.*\b5\b/);
    // highWatermark itself is valid (empty answer).
    expect((await gw.fetchRecords('t', 0, 'offset=5')).status).toBe(200);
  });

  it('validates the query and path, naming the parameter', async () => {
    const gw = await seeded(1);
    for (const [query, field] of [
      ['offset=-1', 'offset'],
      ['offset=abc', 'offset'],
      ['offset=1.5', 'offset'],
      ['limit=0', 'limit'],
      ['maxBytes=0', 'maxBytes'],
      ['waitMs=-5', 'waitMs'],
    ] as const) {
      expectProblem(await gw.fetchRecords('t', 0, query), 400, 'INVALID_REQUEST', field);
    }
    expectProblem(await gw.json('GET', '/v1/topics/t/partitions/-1/records'), 400, 'INVALID_REQUEST', 'partition');
    expectProblem(await gw.json('GET', '/v1/topics/t/partitions/x/records'), 400, 'INVALID_REQUEST', 'partition');
    expectProblem(await gw.fetchRecords('t', 2), 404, 'PARTITION_NOT_FOUND', /partitions 0-1/);
    expectProblem(await gw.fetchRecords('nope', 0), 404, 'TOPIC_NOT_FOUND', 'nope');
  });

  // These tests show what ended each wait by the notifier's waiter registry, never by timing: a
  // topic deletion removes the waiter before it is answered, a produce wakes it (after the
  // producer is answered, off the commit path), while a wait that simply ran out of waitMs would
  // still be registered.

  it('long-poll: a waiting fetch answers as soon as a record is produced', async () => {
    const gw = await seeded(2);
    const waiters = gw.gateway.log.notifier.waiters;
    let answered = false;
    const pending = gw.fetchRecords('t', 0, 'offset=2&waitMs=30000').finally(() => (answered = true));
    // Produce only once the fetch is actually waiting, so the test shows a wake-up, not a lucky read.
    await until('the long-poll to wait on the notifier', () => waiters.size === 1);
    expect(answered, 'the fetch answered before any record was produced').toBe(false);
    await gw.produceOk('t', [{ value: 'late', partition: 0 }]);
    const res = await pending;
    // The produce woke the waiter (a wait that ran out would still be parked for 30 s).
    expect(waiters.size).toBe(0);
    expect(res.status).toBe(200);
    expect(res.body.records.map((r: any) => [r.offset, r.value])).toEqual([[2, 'late']]);
    expect(res.body).toMatchObject({ nextOffset: 3, highWatermark: 3 });
  });

  it('long-poll: ignores records produced to another partition', async () => {
    const gw = await seeded(2);
    const waiters = gw.gateway.log.notifier.waiters;
    let answered = false;
    const pending = gw.fetchRecords('t', 0, 'offset=2&waitMs=30000').finally(() => (answered = true));
    await until('the long-poll to wait on the notifier', () => waiters.size === 1);
    // More records than partition 0 holds: partition 1's high watermark passes the waiting offset.
    await gw.produceOk('t', ['x', 'y', 'z'].map((value) => ({ value, partition: 1 })));
    // Still waiting after the other partition's produce was answered (and published): no waiter is queued for partition 1.
    expect(waiters.size).toBe(1);
    expect(answered, 'a record on partition 1 ended a wait on partition 0').toBe(false);
    // A record on its own partition then ends it, with that record only.
    await gw.produceOk('t', [{ value: 'here', partition: 0 }]);
    const res = await pending;
    expect(waiters.size).toBe(0);
    expect(res.body.records.map((r: any) => [r.partition, r.offset, r.value])).toEqual([[0, 2, 'here']]);
  });

  it('long-poll: answers empty when waitMs ends without a record', async () => {
    const gw = await seeded(2);
    const waitMs = 300;
    const started = Date.now();
    const res = await gw.fetchRecords('t', 0, `offset=2&waitMs=${waitMs}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ records: [], nextOffset: 2, highWatermark: 2, logStartOffset: 0 });
    // It did wait: a generous lower bound only (timers may fire a little early; never a bound on speed).
    expect(Date.now() - started).toBeGreaterThanOrEqual(waitMs / 2);
    expect(gw.gateway.log.notifier.waiters.size).toBe(0);
  });

  it('long-poll: deleting the topic ends the wait at once with 404', async () => {
    const gw = await seeded(1);
    const waiters = gw.gateway.log.notifier.waiters;
    const pending = gw.fetchRecords('t', 0, 'offset=1&waitMs=30000');
    await until('the long-poll to wait on the notifier', () => waiters.size === 1);
    expect((await gw.json('DELETE', '/v1/topics/t')).status).toBe(204);
    // The deletion released the waiter before it was answered.
    expect(waiters.size).toBe(0);
    expectProblem(await pending, 404, 'TOPIC_NOT_FOUND');
  });

  it('long-poll: many waiters on one partition all wake on one produce', async () => {
    const gw = await seeded(0);
    const registry = gw.gateway.log.notifier.waiters;
    const waiters = Array.from({ length: 20 }, () => gw.fetchRecords('t', 0, 'offset=0&waitMs=30000'));
    await until('all 20 long-polls to wait', () => registry.size === 20);
    await gw.produceOk('t', [{ value: 'x', partition: 0 }]);
    const results = await Promise.all(waiters);
    // One produce released all twenty.
    expect(registry.size).toBe(0);
    expect(results.every((r) => r.status === 200 && r.body.records.length === 1 && r.body.records[0].value === 'x')).toBe(true);
  });

  it('long-poll: with records already there, answers at once whatever waitMs', async () => {
    const gw = await seeded(3, { fetchMaxWaitMs: 60_000 });
    const res = await gw.fetchRecords('t', 0, 'offset=1&waitMs=60000');
    expect(res.body.records.map((r: any) => r.offset)).toEqual([1, 2]);
  });

  it('long-poll: a client that goes away releases its waiter', async () => {
    const gw = await seeded(1);
    const waiters = gw.gateway.log.notifier.waiters;
    // node:http, whose destroy() closes the socket at once (the server can only see a closed socket).
    const req = http.get(`${gw.url}/v1/topics/t/partitions/0/records?offset=1&waitMs=30000`);
    req.on('error', () => undefined);
    await until('the long-poll to wait on the notifier', () => waiters.size === 1);
    req.destroy();
    await until('the waiter to be released', () => waiters.size === 0);
    // And the server still answers.
    expect((await gw.fetchRecords('t', 0, 'offset=0')).body.records).toHaveLength(1);
  });
});

describe('offsets by time', () => {
  it("returns earliest, latest, and the first offset at or after a timestamp (Kafka's ListOffsets)", async () => {
    const gw = await setup();
    await gw.createTopic('t', 2);
    await gw.produceOk(
      't',
      [100, 200, 200, 300].map((timestamp) => ({ value: timestamp, timestamp, partition: 0 })),
    );
    const at = async (ts?: number) =>
      (await gw.json('GET', `/v1/topics/t/partitions/0/offsets${ts === undefined ? '' : `?timestamp=${ts}`}`)).body;
    expect(await at()).toEqual({ partition: 0, earliest: 0, latest: 4 });
    expect(await at(0)).toEqual({ partition: 0, earliest: 0, latest: 4, timestamp: 0, offset: 0 });
    expect((await at(150)).offset).toBe(1);
    expect((await at(200)).offset).toBe(1);
    expect((await at(300)).offset).toBe(3);
    // Every record older: the high watermark, where a consumer would wait.
    expect((await at(301)).offset).toBe(4);
    expect((await gw.json('GET', '/v1/topics/t/partitions/1/offsets?timestamp=0')).body.offset).toBe(0);
    expectProblem(await gw.json('GET', '/v1/topics/t/partitions/0/offsets?timestamp=soon'), 400, 'INVALID_REQUEST', 'timestamp');
    expectProblem(await gw.json('GET', '/v1/topics/t/partitions/9/offsets'), 404, 'PARTITION_NOT_FOUND');
  });
});

describe('Idempotency-Key', () => {
  it('a retry returns the same response with idempotent-replayed: true and appends nothing', async () => {
    const gw = await setup();
    await gw.createTopic('t', 3);
    const records = [{ value: 'a' }, { value: 'b' }, { key: 'k', value: 'c' }];
    const first = await gw.produce('t', records, { 'idempotency-key': 'req-1' });
    expect(first.status).toBe(200);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const boundsAfterFirst = await gw.bounds('t');

    await gw.produceOk('t', [{ value: 'other' }]); // moves the round-robin cursor and an offset
    const boundsBeforeRetry = await gw.bounds('t');
    const retry = await gw.produce('t', records, { 'idempotency-key': 'req-1' });
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body).toEqual(first.body);
    expect(await gw.bounds('t')).toEqual(boundsBeforeRetry);
    expect(boundsAfterFirst.reduce((n, [, hw]) => n + hw, 0)).toBe(3);
  });

  it('the same key with a different body is 422 and appends nothing', async () => {
    const gw = await setup();
    await gw.createTopic('t', 1);
    await gw.produceOk('t', [{ value: 'a' }], { 'idempotency-key': 'k' });
    for (const records of [[{ value: 'b' }], [{ value: 'a' }, { value: 'a' }], [{ value: 'a', key: 'x' }], [{ value: 'a', headers: { h: 'v' } }]]) {
      const res = await gw.produce('t', records, { 'idempotency-key': 'k' });
      expectProblem(res, 422, 'IDEMPOTENCY_KEY_REUSED', /Idempotency-Key/i);
    }
    expect(await gw.bounds('t')).toEqual([[0, 1]]);
  });

  it('keys are per topic; concurrent retries append once', async () => {
    const gw = await setup();
    await gw.createTopic('a', 1);
    await gw.createTopic('b', 1);
    await gw.produceOk('a', [{ value: 1 }], { 'idempotency-key': 'same' });
    await gw.produceOk('b', [{ value: 1 }], { 'idempotency-key': 'same' });
    expect(await gw.bounds('b')).toEqual([[0, 1]]);
    const results = await Promise.all(Array.from({ length: 10 }, () => gw.produce('a', [{ value: 2 }], { 'idempotency-key': 'burst' })));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(new Set(results.map((r) => JSON.stringify(r.body))).size).toBe(1);
    expect(results.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(9);
    expect(await gw.bounds('a')).toEqual([[0, 2]]);
  });

  it('concurrent requests with one key and different bodies: exactly one is appended, the rest are 422', async () => {
    const gw = await setup();
    await gw.createTopic('t', 1);
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => gw.produce('t', [{ value: i }], { 'idempotency-key': 'contested' })),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    for (const r of results.filter((r) => r.status !== 200)) expectProblem(r, 422, 'IDEMPOTENCY_KEY_REUSED');
    expect(await gw.bounds('t')).toEqual([[0, 1]]);
  });

  it('is remembered across a restart on the same data directory', async () => {
    const first = await setup({}, { keep: true });
    await first.createTopic('t', 1);
    const original = await first.produce('t', [{ value: 'x' }], { 'idempotency-key': 'durable' });
    await first.gateway.close();
    const second = await setup({}, { dataDir: first.dataDir });
    const retry = await second.produce('t', [{ value: 'x' }], { 'idempotency-key': 'durable' });
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body).toEqual(original.body);
    expect(await second.bounds('t')).toEqual([[0, 1]]);
  });

  it('is remembered for idempotencyWindowMs by the gateway clock, then the same request appends again', async () => {
    // A clock far from the wall clock shows which clock the window is measured by.
    let now = Date.UTC(2020, 0, 1);
    const gw = await setup({ idempotencyWindowMs: 60_000 }, { clock: { now: () => now } });
    await gw.createTopic('t', 1);
    await gw.produceOk('t', [{ value: 'x' }], { 'idempotency-key': 'k' });
    now += 59_000;
    const within = await gw.produce('t', [{ value: 'x' }], { 'idempotency-key': 'k' });
    expect(within.headers.get('idempotent-replayed')).toBe('true');
    expect(await gw.bounds('t')).toEqual([[0, 1]]);
    now += 2_000;
    const after = await gw.produce('t', [{ value: 'x' }], { 'idempotency-key': 'k' });
    expect(after.status).toBe(200);
    expect(after.headers.get('idempotent-replayed')).toBeNull();
    expect(after.body.records[0].offset).toBe(1);
    // And the new answer is remembered in turn.
    const retry = await gw.produce('t', [{ value: 'x' }], { 'idempotency-key': 'k' });
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body).toEqual(after.body);
  });

  it('validates the header', async () => {
    const gw = await setup();
    await gw.createTopic('t', 1);
    expectProblem(await gw.produce('t', [{ value: 1 }], { 'idempotency-key': 'x'.repeat(256) }), 400, 'INVALID_REQUEST', 'idempotency-key');
    expect(await gw.bounds('t')).toEqual([[0, 0]]);
  });
});

describe('concurrency', () => {
  it('concurrent produce under load keeps offsets dense per partition with no duplicates or losses', async () => {
    const gw = await setup();
    await gw.createTopic('t', 4);
    const clients = 24;
    const requestsPerClient = 8;
    const acked: { id: string; partition: number; offset: number }[] = [];
    await Promise.all(
      Array.from({ length: clients }, async (_, c) => {
        for (let r = 0; r < requestsPerClient; r++) {
          const n = 1 + ((c + r) % 4);
          const records = Array.from({ length: n }, (_, i) => {
            const id = `${c}-${r}-${i}`;
            // Mix keyed, keyless and explicit-partition records.
            return i % 3 === 0 ? { key: `k${c}`, value: id } : i % 3 === 1 ? { value: id } : { value: id, partition: (c + i) % 4 };
          });
          const positions = await gw.produceOk('t', records);
          positions.forEach((p, i) => acked.push({ id: records[i]!.value, partition: p.partition, offset: p.offset }));
        }
      }),
    );
    const bounds = await gw.bounds('t');
    expect(bounds.reduce((n, [, hw]) => n + hw, 0)).toBe(acked.length);
    for (let p = 0; p < 4; p++) {
      const mine = acked.filter((a) => a.partition === p).sort((a, b) => a.offset - b.offset);
      expect(mine.map((a) => a.offset)).toEqual(mine.map((_, i) => i));
      const res = await gw.fetchRecords('t', p, `offset=0&limit=10000`);
      // Each acknowledged record is at its acknowledged offset, exactly once.
      expect(res.body.records.map((r: any) => [r.offset, r.value])).toEqual(mine.map((a) => [a.offset, a.id]));
    }
  });
});

describe('model check', () => {
  it('property: random produces and fetches agree with a simple model of per-partition logs', async () => {
    const gw = await setup();
    const recordArb = fc.record(
      {
        key: fc.oneof(fc.constant(undefined), fc.string({ maxLength: 6 }), fc.uint8Array({ maxLength: 6 }).map((b) => ({ b64: Buffer.from(b).toString('base64') }))),
        value: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.uint8Array({ maxLength: 40 }).map((b) => ({ b64: Buffer.from(b).toString('base64') }))),
        partition: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }),
        headers: fc.option(fc.dictionary(fc.stringMatching(/^[a-z]{1,4}$/), fc.string({ maxLength: 4 }), { maxKeys: 2 }), { nil: undefined }),
      },
      { requiredKeys: [] },
    );
    const opArb = fc.oneof(
      fc.record({ kind: fc.constant('produce' as const), records: fc.array(recordArb, { minLength: 1, maxLength: 6 }) }),
      fc.record({
        kind: fc.constant('fetch' as const),
        partition: fc.integer({ min: 0, max: 2 }),
        offsetFraction: fc.double({ min: 0, max: 1, noNaN: true }),
        limit: fc.integer({ min: 1, max: 8 }),
        maxBytes: fc.integer({ min: 1, max: 200 }),
      }),
    );
    type Stored = { key: unknown; keyEncoding?: string; value: unknown; valueEncoding?: string; headers: Record<string, string>; bytes: number };
    const utf8 = (s: string) => Buffer.byteLength(s);
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 12 }), async (ops) => {
        const topic = `m${run++}`;
        await gw.createTopic(topic, 3);
        const model: Stored[][] = [[], [], []];
        for (const op of ops) {
          if (op.kind === 'produce') {
            const wire = op.records.map((r) => {
              const w: Record<string, unknown> = {};
              if (typeof r.key === 'string') w.key = r.key;
              else if (r.key) Object.assign(w, { key: r.key.b64, keyEncoding: 'base64' });
              const v = r.value as unknown;
              if (v && typeof v === 'object' && 'b64' in v && Object.keys(v).length === 1) Object.assign(w, { value: (v as { b64: string }).b64, valueEncoding: 'base64' });
              else w.value = v;
              if (r.partition !== undefined) w.partition = r.partition;
              if (r.headers !== undefined) w.headers = r.headers;
              return w;
            });
            const positions = await gw.produceOk(topic, wire);
            positions.forEach((p, i) => {
              const w = wire[i]!;
              expect(p.offset).toBe(model[p.partition]!.length);
              if (w.partition !== undefined) expect(p.partition).toBe(w.partition);
              else if (w.key !== undefined) {
                const bytes = w.keyEncoding ? Buffer.from(w.key as string, 'base64') : Buffer.from(w.key as string, 'utf8');
                expect(p.partition).toBe(partitionForKey(bytes, 3));
              }
              const keyBytes = w.key === undefined ? 0 : w.keyEncoding ? Buffer.from(w.key as string, 'base64').length : utf8(w.key as string);
              const valueBytes = w.valueEncoding ? Buffer.from(w.value as string, 'base64').length : utf8(JSON.stringify(w.value ?? null));
              const headers = (w.headers as Record<string, string> | undefined) ?? {};
              const headerBytes = Object.keys(headers).length ? utf8(JSON.stringify(headers)) : 0;
              model[p.partition]!.push({
                key: w.key ?? null,
                ...(w.keyEncoding ? { keyEncoding: 'base64' } : {}),
                value: w.valueEncoding ? w.value : JSON.parse(JSON.stringify(w.value ?? null)),
                ...(w.valueEncoding ? { valueEncoding: 'base64' } : {}),
                headers: JSON.parse(JSON.stringify(headers)),
                bytes: keyBytes + valueBytes + headerBytes,
              });
            });
          } else {
            const log = model[op.partition]!;
            const offset = Math.floor(op.offsetFraction * log.length);
            const res = await gw.fetchRecords(topic, op.partition, `offset=${offset}&limit=${op.limit}&maxBytes=${op.maxBytes}`);
            expect(res.status).toBe(200);
            // The model's answer: up to `limit`, stopping before the record that passes maxBytes, the first always.
            const expected: (Stored & { offset: number })[] = [];
            let bytes = 0;
            for (let o = offset; o < log.length && expected.length < op.limit; o++) {
              bytes += log[o]!.bytes;
              if (bytes > op.maxBytes && expected.length > 0) break;
              expected.push({ ...log[o]!, offset: o });
            }
            expect(res.body.records).toEqual(
              expected.map(({ bytes: _bytes, ...r }) => ({ topic, partition: op.partition, timestamp: expect.any(Number), ...r })),
            );
            expect(res.body.nextOffset).toBe(offset + expected.length);
            expect(res.body.highWatermark).toBe(log.length);
          }
        }
      }),
      { numRuns: 25 },
    );
  });
});

describe('a failing subscriber', () => {
  it('cannot turn a durable append into an error, nor starve the other waiters', async () => {
    const gw = await setup();
    await gw.createTopic('t', 1);
    // A subscriber (e.g. a socket session) with a bug: it throws when told of an append.
    const off = gw.gateway.log.notifier.onAppend('t', 0, () => {
      throw new Error('subscriber bug');
    });
    const waiter = gw.fetchRecords('t', 0, 'offset=0&waitMs=20000');
    await until('the long-poll to wait on the notifier', () => gw.gateway.log.notifier.waiters.size === 1);
    // The records are committed, so the producer must hear 200: a 500 would make it retry and duplicate them.
    const res = await gw.produce('t', [{ value: 'a' }]);
    expect(res.status).toBe(200);
    expect((await waiter).body.records.map((r: any) => r.value)).toEqual(['a']);
    expect(await gw.bounds('t')).toEqual([[0, 1]]);
    off();
  });
});

describe('produce racing topic deletion', () => {
  it('answers 200 or 404, never an error of its own, and each new topic starts dense from 0', async () => {
    const gw = await setup();
    await gw.createTopic('t', 2);
    const statuses = new Map<number, number>();
    let adminDone = false;
    // Producers keep going until the deletions are over, and once more after: a 404 is answered much
    // faster than a topic is deleted and made again (on a cluster, under load, by seconds), so a fixed
    // number of requests could all fall in the first gap. The last request finds the topic again.
    const producers = Array.from({ length: 6 }, async () => {
      for (let i = 0; ; i++) {
        const last = adminDone;
        const r = await gw.produce('t', [{ value: i }, { value: i, key: `k${i % 20}` }]);
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        if (last && i >= 20) break;
      }
    });
    const admin = (async () => {
      for (let i = 0; i < 5; i++) {
        expect((await gw.json('DELETE', '/v1/topics/t')).status).toBe(204);
        await gw.createTopic('t', 2);
      }
      adminDone = true;
    })();
    await Promise.all([...producers, admin]);
    expect([...statuses.keys()].every((s) => s === 200 || s === 404)).toBe(true);
    expect(statuses.get(200)).toBeGreaterThan(0);
    for (const [p, [start, hw]] of (await gw.bounds('t')).entries()) {
      expect(start).toBe(0);
      const res = await gw.fetchRecords('t', p, 'offset=0&limit=10000');
      expect(res.body.records.map((r: any) => r.offset)).toEqual(Array.from({ length: hw }, (_, i) => i));
    }
  });
});

describe('bad input changes nothing and the server keeps serving', () => {
  async function guarded(overrides: ConfigInput = {}) {
    const gw = await setup({ maxBodyBytes: 4096, maxRecordBytes: 256, maxRecordsPerRequest: 5, ...overrides });
    await gw.createTopic('t', 2);
    await gw.produceOk('t', [{ value: 'seed', partition: 0 }]);
    const before = await gw.bounds('t');
    return {
      ...gw,
      /** Asserts nothing changed and that a good request still works. */
      async expectUnchangedAndServing() {
        expect(await gw.bounds('t')).toEqual(before);
        expect((await gw.json('GET', '/v1/topics')).body.topics.map((t: any) => t.name)).toEqual(['t']);
        const ok = await gw.produce('t', [{ value: 'after', partition: 1 }]);
        expect(ok.status).toBe(200);
      },
    };
  }

  const invalidBodies: [string, unknown, string | RegExp][] = [
    ['records missing', {}, 'records'],
    ['records empty', { records: [] }, 'records'],
    ['records not an array', { records: { value: 1 } }, 'records'],
    ['unknown top-level field', { records: [{ value: 1 }], extra: 1 }, 'extra'],
    ['unknown record field', { records: [{ value: 1, vaule: 2 }] }, 'vaule'],
    ['key of the wrong type', { records: [{ key: 7, value: 1 }] }, 'records/0/key'],
    // A lone surrogate has no UTF-8 form: stored, it would come back as U+FFFD, not as sent.
    ['text key that is not well-formed Unicode', { records: [{ key: 'a\ud800b', value: 1 }] }, 'records/0/key'],
    ['header value not a string', { records: [{ value: 1, headers: { h: 1 } }] }, 'records/0/headers'],
    ['headers not an object', { records: [{ value: 1, headers: 'h' }] }, 'records/0/headers'],
    ['timestamp a string', { records: [{ value: 1, timestamp: '2024-01-01' }] }, 'records/0/timestamp'],
    ['timestamp negative', { records: [{ value: 1, timestamp: -1 }] }, 'records/0/timestamp'],
    ['partition a string', { records: [{ value: 1, partition: '1' }] }, 'records/0/partition'],
    ['partition fractional', { records: [{ value: 1, partition: 0.5 }] }, 'records/0/partition'],
    ['negative partition', { records: [{ value: 1, partition: -1 }] }, 'records/0/partition'],
    ['unknown valueEncoding', { records: [{ value: 'x', valueEncoding: 'hex' }] }, 'records/0/valueEncoding'],
    ['invalid base64 value', { records: [{ value: 'not base64!!', valueEncoding: 'base64' }] }, 'records/0/value'],
    ['base64 value not a string', { records: [{ value: 12, valueEncoding: 'base64' }] }, 'records/0/value'],
    ['invalid base64 key', { records: [{ key: '@@@', keyEncoding: 'base64', value: 1 }] }, 'records/0/key'],
    ['body is an array', [{ value: 1 }], 'body'],
    ['body is null', null, 'body'],
  ];

  it.each(invalidBodies)('400 for %s, naming the field', async (_name, body, field) => {
    const gw = await guarded();
    expectProblem(await gw.json('POST', '/v1/topics/t/records', body), 400, 'INVALID_REQUEST', field);
    await gw.expectUnchangedAndServing();
  });

  it('400 for a partition past the count, and the whole request is refused (atomic)', async () => {
    const gw = await guarded();
    const res = await gw.produce('t', [{ value: 'ok', partition: 0 }, { value: 'ok' }, { value: 'bad', partition: 2 }]);
    expectProblem(res, 400, 'INVALID_REQUEST', 'records/2/partition');
    expect(res.body.detail).toMatch(/0-1/);
    await gw.expectUnchangedAndServing();
  });

  it('400 for malformed JSON', async () => {
    const gw = await guarded();
    for (const text of ['{"records": [', 'not json', '{"records": [{"value": 1}]} trailing', '']) {
      const res = await rawRequest(`${gw.url}/v1/topics/t/records`, 'POST', text, { 'content-type': 'application/json' });
      expectProblem(res, 400, 'INVALID_REQUEST', 'body');
    }
    await gw.expectUnchangedAndServing();
  });

  it('400 (not 500) for a value nested deeper than can be stored, naming the record', async () => {
    const gw = await guarded({ maxBodyBytes: 1024 * 1024 });
    const depth = 200_000;
    const body = `{"records":[{"value":1},{"value":${'['.repeat(depth)}${']'.repeat(depth)}}]}`;
    const res = await rawRequest(`${gw.url}/v1/topics/t/records`, 'POST', body, { 'content-type': 'application/json' });
    expectProblem(res, 400, 'INVALID_REQUEST', 'records/1/value');
    await gw.expectUnchangedAndServing();
  });

  it('400 for more records than maxRecordsPerRequest', async () => {
    const gw = await guarded();
    const res = await gw.produce('t', Array.from({ length: 6 }, (_, i) => ({ value: i })));
    expectProblem(res, 400, 'INVALID_REQUEST', 'records');
    await gw.expectUnchangedAndServing();
  });

  it('404 for an unknown topic (auto-creation off by default), which is not created', async () => {
    const gw = await guarded();
    expectProblem(await gw.produce('nope', [{ value: 1 }]), 404, 'TOPIC_NOT_FOUND', 'nope');
    expectProblem(await gw.json('GET', '/v1/topics/nope'), 404, 'TOPIC_NOT_FOUND');
    await gw.expectUnchangedAndServing();
  });

  it('413 for a body over maxBodyBytes', async () => {
    const gw = await guarded();
    const res = await gw.produce('t', [{ value: 'x'.repeat(5000) }]);
    expectProblem(res, 413, 'PAYLOAD_TOO_LARGE', /4096/);
    // Also without a content-length (chunked upload).
    const big = JSON.stringify({ records: [{ value: 'y'.repeat(5000) }] });
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(big));
        controller.close();
      },
    });
    const chunked = await streamRequest(`${gw.url}/v1/topics/t/records`, stream);
    expectProblem(chunked, 413, 'PAYLOAD_TOO_LARGE');
    await gw.expectUnchangedAndServing();
  });

  it('413 for one record over maxRecordBytes; the other records are not appended', async () => {
    const gw = await guarded();
    const res = await gw.produce('t', [{ value: 'small' }, { value: 'x'.repeat(300) }, { value: 'small' }]);
    expectProblem(res, 413, 'RECORD_TOO_LARGE', 'records/1');
    await gw.expectUnchangedAndServing();
  });

  it('415 for a body that is not JSON by content type', async () => {
    const gw = await guarded();
    const body = JSON.stringify({ records: [{ value: 1 }] });
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) {
      expectProblem(await rawRequest(`${gw.url}/v1/topics/t/records`, 'POST', body, { 'content-type': type }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    }
    // fetch sends text/plain for a string body unless told otherwise; a Blob without a type sends none.
    expectProblem(await rawRequest(`${gw.url}/v1/topics/t/records`, 'POST', new Blob([body])), 415, 'UNSUPPORTED_MEDIA_TYPE');
    // application/json with a charset, and +json types, are JSON.
    const ok = await rawRequest(`${gw.url}/v1/topics/t/records`, 'POST', JSON.stringify({ records: [{ value: 1, partition: 1 }] }), {
      'content-type': 'application/json; charset=utf-8',
    });
    expect(ok.status).toBe(200);
    expect(await gw.bounds('t')).toEqual([
      [0, 1],
      [0, 1],
    ]);
  });

  it('a burst of bad requests mixed with good ones leaves only the good ones', async () => {
    const gw = await guarded();
    const bad = invalidBodies.map(([, body]) => gw.json('POST', '/v1/topics/t/records', body));
    const good = Array.from({ length: 10 }, (_, i) => gw.produce('t', [{ value: i, partition: 1 }]));
    const results = await Promise.all([...bad, ...good]);
    expect(results.slice(0, bad.length).every((r) => r.status === 400)).toBe(true);
    expect(results.slice(bad.length).every((r) => r.status === 200)).toBe(true);
    expect(await gw.bounds('t')).toEqual([
      [0, 1],
      [0, 10],
    ]);
  });
});

describe('auto-create topics', () => {
  it('creates a topic with defaultPartitions on first produce when enabled', async () => {
    const gw = await setup({ autoCreateTopics: true, defaultPartitions: 3 });
    const res = await gw.produce('fresh', [{ value: 1 }, { value: 2 }, { value: 3 }]);
    expect(res.status).toBe(200);
    const topic = await gw.json('GET', '/v1/topics/fresh');
    expect(topic.body.partitions).toBe(3);
    expect((await gw.bounds('fresh')).map(([, hw]) => hw)).toEqual([1, 1, 1]);
    // Concurrent first produces to one new topic all succeed into one topic.
    const burst = await Promise.all(Array.from({ length: 8 }, () => gw.produce('burst', [{ value: 1 }])));
    expect(burst.map((r) => r.status)).toEqual(new Array(8).fill(200));
    expect((await gw.bounds('burst')).reduce((n, [, hw]) => n + hw, 0)).toBe(8);
  });

  it('still refuses invalid names', async () => {
    const gw = await setup({ autoCreateTopics: true });
    expectProblem(await gw.produce('bad%20name', [{ value: 1 }]), 400, 'INVALID_REQUEST', 'topic');
    expectProblem(await gw.produce('x'.repeat(250), [{ value: 1 }]), 400, 'INVALID_REQUEST', 'topic');
    expect((await gw.json('GET', '/v1/topics')).body.topics).toEqual([]);
  });
});

describe('retention', () => {
  it('deletes records older than retentionMs, advances logStartOffset, and fetch below it is 416', async () => {
    let now = 1_700_000_000_000;
    const clock: Clock = { now: () => now };
    const gw = await setup({}, { clock });
    await gw.createTopic('t', 2, { retentionMs: 60_000 });
    await gw.createTopic('forever', 1);
    await gw.produceOk('t', [0, 1, 2].map((i) => ({ value: i, partition: 0 })));
    await gw.produceOk('forever', [{ value: 'old' }]);
    now += 50_000;
    await gw.produceOk('t', [3, 4].map((i) => ({ value: i, partition: 0 })));
    now += 20_000; // the first three are now 70 s old, the last two 20 s

    const retention = new Retention(gw.gateway.store, clock);
    const result = await retention.runOnce();
    expect(result.truncated).toBe(3);

    expect(await gw.bounds('t')).toEqual([
      [3, 5],
      [0, 0],
    ]);
    expect(await gw.bounds('forever')).toEqual([[0, 1]]);
    const below = await gw.fetchRecords('t', 0, 'offset=1');
    expectProblem(below, 416, 'OFFSET_OUT_OF_RANGE', 'offset');
    expect(below.body).toMatchObject({ logStartOffset: 3, highWatermark: 5 });
    const fromStart = await gw.fetchRecords('t', 0);
    expect(fromStart.body.records.map((r: any) => [r.offset, r.value])).toEqual([
      [3, 3],
      [4, 4],
    ]);
    expect(fromStart.body.logStartOffset).toBe(3);
    // Offsets continue after retention.
    const [next] = await gw.produceOk('t', [{ value: 5, partition: 0 }]);
    expect(next!.offset).toBe(5);

    // Everything expires: the partition is empty but keeps its high watermark.
    now += 120_000;
    await retention.runOnce();
    expect(await gw.bounds('t')).toEqual([
      [6, 6],
      [0, 0],
    ]);
    expect((await gw.fetchRecords('t', 0)).body).toEqual({ records: [], nextOffset: 6, highWatermark: 6, logStartOffset: 6 });
  });

  it('deletes the oldest records past retentionBytes per partition (keys, values, headers), keeping the newest that fit', async () => {
    const gw = await setup();
    await gw.createTopic('t', 2, { retentionBytes: 35 });
    // Each record is 10 bytes: the value '"abcdefgh"' as JSON text, no key, no headers. Two requests, so
    // two batches on the JetStream store.
    const value = (i: number) => `${i}`.padStart(8, '-');
    await gw.produceOk('t', [0, 1, 2, 3, 4, 5].map((i) => ({ value: value(i), partition: 0 })));
    await gw.produceOk('t', [6, 7, 8, 9].map((i) => ({ value: value(i), partition: 0 })));
    await gw.produceOk('t', [{ value: value(0), partition: 1 }]);

    const retention = new Retention(gw.gateway.store, { now: () => Date.now() });
    expect((await retention.runOnce()).truncated).toBe(7);
    expect(await gw.bounds('t')).toEqual([
      [7, 10],
      [0, 1],
    ]);
    const kept = await gw.fetchRecords('t', 0);
    expect(kept.body.records.map((r: any) => [r.offset, r.value])).toEqual([7, 8, 9].map((i) => [i, value(i)]));
    // Under the limit: nothing more goes.
    expect((await retention.runOnce()).truncated).toBe(0);
    // A record with a key and headers counts them: 1 + 10 + the headers' JSON text.
    await gw.produceOk('t', [{ key: 'k', value: value(10), headers: { h: 'x' }, partition: 0 }]);
    expect((await retention.runOnce()).truncated).toBe(2);
    expect(await gw.bounds('t')).toEqual([
      [9, 11],
      [0, 1],
    ]);
  });
});

/** POSTs a stream: sent with transfer-encoding chunked, so the server cannot trust a content-length. */
async function streamRequest(url: string, body: ReadableStream) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    duplex: 'half',
  } as RequestInit);
  return { status: res.status, headers: res.headers, body: JSON.parse(await res.text()) };
}
