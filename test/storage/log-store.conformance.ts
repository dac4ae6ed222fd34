/**
 * The LogStore conformance suite: the behaviour every storage backend must have.
 * A backend's test file calls `logStoreConformance(name, factory)`; the factory
 * makes a fresh, empty storage each call, whose `open()` may be called again after
 * `close()` to reopen the same data (for persistence checks).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ErrorCode, GatewayError } from '../../src/errors.js';
import { recordsToJson } from '../../src/core/record-codec.js';
import { parseEncoded } from '../helpers/encoded.js';
import { keysConformance, sizeLimitConformance } from './keys.conformance.js';
import { snapshotLeasesConformance } from './snapshot-leases.conformance.js';
import type { AppendRequest, LogStore, RecordToAppend, StoredRecord } from '../../src/storage/log-store.js';

export interface StoreHarness {
  /** Opens the storage (again, after a close: same data). */
  open(): Promise<LogStore>;
  /** For a store with `backup`: opens what it wrote to `file` as a store of its own (a restore). */
  openBackup?(file: string): Promise<LogStore>;
}

export type StoreFactory = () => StoreHarness;

export interface ConformanceOptions {
  /**
   * Scales the runs of the properties that create a topic per run: a cluster store spends ~0.3 s
   * on each topic (one replicated stream per partition), so it runs fewer cases within the timeout.
   */
  topicPerRunFactor?: number;
  /**
   * Set (to the reason) for a store that compacts whole appended batches only (see keysConformance): its
   * compaction tests append one record at a time.
   */
  compactsWholeBatches?: string;
  /**
   * Set (to the reason) for a store whose partitionSizes are its storage bytes, with framing, rather
   * than exactly the records' keys, values and headers: its suite checks bounds instead of equality.
   */
  sizesAreStorageBytes?: string;
}

const BIG = { maxRecords: 1_000_000, maxBytes: Number.MAX_SAFE_INTEGER };

function rec(partition: number, value: string | Uint8Array, extra: Partial<RecordToAppend> = {}): RecordToAppend {
  return { partition, timestamp: 1_000, key: null, value, headers: null, ...extra };
}

const json = (v: unknown) => JSON.stringify(v);

async function expectCode(p: Promise<unknown>, code: string): Promise<void> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GatewayError);
  expect((err as GatewayError).code).toBe(code);
}

/** A JSON string value of exactly `n` bytes (n >= 2). */
const valueOfSize = (n: number) => '"' + 'v'.repeat(n - 2) + '"';

/**
 * The offsets a read from `from` must return over records of these sizes (record i at offset i):
 * up to maxRecords, stopping before the record that would pass maxBytes, but never returning none.
 */
function offsetsWithinBudget(sizes: readonly number[], from: number, maxRecords: number, maxBytes: number): number[] {
  const offsets: number[] = [];
  let bytes = 0;
  for (let o = from; o < sizes.length && offsets.length < maxRecords; o++) {
    bytes += sizes[o]!;
    if (bytes > maxBytes && offsets.length > 0) break;
    offsets.push(o);
  }
  return offsets;
}

const bytesOf = (v: string | Uint8Array | null) => (v === null ? null : typeof v === 'string' ? v : Buffer.from(v));

export function logStoreConformance(name: string, factory: StoreFactory, options: ConformanceOptions = {}): void {
  const topicRuns = (n: number) => Math.max(5, Math.round(n * (options.topicPerRunFactor ?? 1)));
  describe(`LogStore conformance: ${name}`, () => {
    /** A fresh empty store, closed when the test ends. */
    async function fresh(): Promise<{ store: LogStore; harness: StoreHarness }> {
      const harness = factory();
      const store = await harness.open();
      onTestFinished(() => store.close());
      return { store, harness };
    }

    async function appendOne(store: LogStore, request: AppendRequest) {
      const [outcome] = await store.append([request]);
      return outcome!;
    }

    describe('topics', () => {
      it('creates, lists (by name), gets, updates and deletes topics', async () => {
        const { store } = await fresh();
        const before = Date.now();
        const created = await store.createTopic('orders', 3, { retentionMs: 60_000 });
        expect(created).toMatchObject({ name: 'orders', partitions: 3, config: { retentionMs: 60_000 } });
        expect(created.createdAt).toBeGreaterThanOrEqual(before - 1000);
        await store.createTopic('audit', 1, {});

        expect((await store.listTopics()).map((t) => t.name)).toEqual(['audit', 'orders']);
        expect(await store.getTopic('orders')).toEqual(created);
        expect(await store.getTopic('nope')).toBeUndefined();
        expect(await store.offsets('orders')).toEqual([0, 1, 2].map((p) => ({ partition: p, logStartOffset: 0, highWatermark: 0 })));

        const grown = await store.updateTopic('orders', { partitions: 5 });
        expect(grown.partitions).toBe(5);
        expect(grown.config).toEqual({ retentionMs: 60_000 });
        expect((await store.offsets('orders')).map((b) => b.partition)).toEqual([0, 1, 2, 3, 4]);

        const reconfigured = await store.updateTopic('orders', { config: { retentionMs: null } });
        expect(reconfigured).toMatchObject({ partitions: 5, config: { retentionMs: null } });
        expect((await store.getTopic('orders'))!.config).toEqual({ retentionMs: null });

        await store.deleteTopic('orders');
        expect(await store.getTopic('orders')).toBeUndefined();
        expect((await store.listTopics()).map((t) => t.name)).toEqual(['audit']);
      });

      it('refuses duplicates, shrinking, and unknown topics with their codes', async () => {
        const { store } = await fresh();
        await store.createTopic('t', 2, {});
        await expectCode(store.createTopic('t', 4, {}), ErrorCode.TOPIC_ALREADY_EXISTS);
        await expectCode(store.updateTopic('t', { partitions: 1 }), ErrorCode.INVALID_PARTITIONS);
        expect((await store.getTopic('t'))!.partitions).toBe(2);
        await expectCode(store.updateTopic('missing', { partitions: 3 }), ErrorCode.TOPIC_NOT_FOUND);
        await expectCode(store.deleteTopic('missing'), ErrorCode.TOPIC_NOT_FOUND);
        await expectCode(store.offsets('missing'), ErrorCode.TOPIC_NOT_FOUND);
      });

      it('returns copies: mutating a returned topic does not change the store', async () => {
        const { store } = await fresh();
        const t = await store.createTopic('t', 1, { retentionMs: 5 });
        t.config.retentionMs = 99;
        t.partitions = 7;
        const bounds = await store.offsets('t');
        bounds[0]!.highWatermark = 42;
        expect(await store.getTopic('t')).toMatchObject({ partitions: 1, config: { retentionMs: 5 } });
        expect((await store.offsets('t'))[0]!.highWatermark).toBe(0);
      });

      it('records appended to new partitions start at offset 0', async () => {
        const { store } = await fresh();
        await store.createTopic('t', 1, {});
        await store.append([{ topic: 't', records: [rec(0, '1'), rec(0, '2')] }]);
        await store.updateTopic('t', { partitions: 2 });
        const out = await appendOne(store, { topic: 't', records: [rec(1, '3')] });
        expect(out).toEqual({ status: 'appended', positions: [{ partition: 1, offset: 0, timestamp: 1000 }] });
      });
    });

    describe('append', () => {
      it('assigns dense offsets per partition, in request order then record order, across batches', async () => {
        const { store } = await fresh();
        await store.createTopic('t', 2, {});
        const outcomes = await store.append([
          { topic: 't', records: [rec(0, '"a"'), rec(1, '"b"'), rec(0, '"c"')] },
          { topic: 't', records: [rec(1, '"d"'), rec(0, '"e"')] },
        ]);
        expect(outcomes).toEqual([
          {
            status: 'appended',
            positions: [
              { partition: 0, offset: 0, timestamp: 1000 },
              { partition: 1, offset: 0, timestamp: 1000 },
              { partition: 0, offset: 1, timestamp: 1000 },
            ],
          },
          {
            status: 'appended',
            positions: [
              { partition: 1, offset: 1, timestamp: 1000 },
              { partition: 0, offset: 2, timestamp: 1000 },
            ],
          },
        ]);
        const next = await appendOne(store, { topic: 't', records: [rec(0, '"f"')] });
        expect(next).toEqual({ status: 'appended', positions: [{ partition: 0, offset: 3, timestamp: 1000 }] });
        expect((await store.read('t', 0, 0, BIG)).map((r) => r.value)).toEqual(['"a"', '"c"', '"e"', '"f"']);
        expect((await store.read('t', 1, 0, BIG)).map((r) => r.value)).toEqual(['"b"', '"d"']);
        expect((await store.offsets('t')).map((b) => b.highWatermark)).toEqual([4, 2]);
      });

      it('keeps each request of a group commit atomic: a rejected one appends nothing and others are unaffected', async () => {
        const { store } = await fresh();
        await store.createTopic('t', 2, {});
        const outcomes = await store.append([
          { topic: 't', records: [rec(0, '1')] },
          // Its first record is fine, its second names a partition that does not exist: none may land.
          { topic: 't', records: [rec(0, 'bad-1'), rec(2, 'bad-2')] },
          { topic: 'gone', records: [rec(0, 'bad-3')] },
          { topic: 't', records: [rec(0, '2'), rec(1, '3')] },
        ]);
        expect(outcomes[1]).toEqual({ status: 'rejected', reason: 'partition-not-found' });
        expect(outcomes[2]).toEqual({ status: 'rejected', reason: 'topic-not-found' });
        expect(outcomes[0]).toEqual({ status: 'appended', positions: [{ partition: 0, offset: 0, timestamp: 1000 }] });
        expect(outcomes[3]).toEqual({
          status: 'appended',
          positions: [
            { partition: 0, offset: 1, timestamp: 1000 },
            { partition: 1, offset: 0, timestamp: 1000 },
          ],
        });
        expect((await store.read('t', 0, 0, BIG)).map((r) => [r.offset, r.value])).toEqual([
          [0, '1'],
          [1, '2'],
        ]);
        expect(await store.getTopic('gone')).toBeUndefined();
      });

      it('rejects a negative partition without appending', async () => {
        const { store } = await fresh();
        await store.createTopic('t', 1, {});
        expect(await appendOne(store, { topic: 't', records: [rec(-1, '1')] })).toEqual({
          status: 'rejected',
          reason: 'partition-not-found',
        });
        expect((await store.offsets('t'))[0]!.highWatermark).toBe(0);
      });

      it('round-trips text and binary keys and values byte-exact, with headers and timestamps', async () => {
        const { store } = await fresh();
        await store.createTopic('t', 1, {});
        const allBytes = Uint8Array.from({ length: 256 }, (_, i) => i);
        const records: RecordToAppend[] = [
          rec(0, json({ a: [1, 2, { b: null }] }), { key: 'customer-7', headers: json({ source: 'x' }), timestamp: 5 }),
          rec(0, allBytes, { key: new Uint8Array([0x00, 0xff, 0x80, 0x00]) }),
          rec(0, new Uint8Array([0x00])),
          rec(0, new Uint8Array(0), { key: new Uint8Array(0) }),
          rec(0, json('snowman ☃, emoji 🚀, nul \u0000 inside'), { key: 'ключ ☃ 🚀' }),
          rec(0, '', { key: '' }),
          rec(0, Buffer.from('{"looks":"like json"}'), { timestamp: 0 }),
        ];
        const out = await appendOne(store, { topic: 't', records });
        expect(out.status).toBe('appended');
        const back = await store.read('t', 0, 0, BIG);
        expect(back).toHaveLength(records.length);
        back.forEach((r: StoredRecord, i) => {
          const sent = records[i]!;
          expect(r.offset).toBe(i);
          expect(r.timestamp).toBe(sent.timestamp);
          expect(r.headers).toBe(sent.headers);
          // Text stays text and bytes stay bytes: the type records the encoding.
          expect(typeof r.key).toBe(typeof sent.key);
          expect(typeof r.value).toBe(typeof sent.value);
          if (sent.key instanceof Uint8Array) expect(r.key).toBeInstanceOf(Uint8Array);
          if (sent.value instanceof Uint8Array) expect(r.value).toBeInstanceOf(Uint8Array);
          expect(bytesOf(r.key)).toEqual(bytesOf(sent.key));
          expect(bytesOf(r.value)).toEqual(bytesOf(sent.value));
        });
      });

      it('property: random batches keep dense per-partition offsets and read back exactly', async () => {
        const recordArb = fc.record({
          partition: fc.integer({ min: 0, max: 2 }),
          value: fc.oneof(fc.string({ maxLength: 20 }).map(json), fc.uint8Array({ maxLength: 20 })),
          key: fc.oneof(fc.constant(null), fc.string({ maxLength: 8 }), fc.uint8Array({ maxLength: 8 })),
          timestamp: fc.integer({ min: 0, max: 2 ** 45 }),
        });
        const batchesArb = fc.array(fc.array(fc.array(recordArb, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 4 }), {
          minLength: 1,
          maxLength: 4,
        });
        let run = 0;
        const { store } = await fresh();
        await fc.assert(
          fc.asyncProperty(batchesArb, async (batches) => {
            const topic = `p${run++}`;
            await store.createTopic(topic, 3, {});
            const expected: RecordToAppend[][] = [[], [], []];
            for (const batch of batches) {
              const requests = batch.map((records) => ({ topic, records: records.map((r) => ({ ...r, headers: null })) }));
              const outcomes = await store.append(requests);
              outcomes.forEach((o, i) => {
                expect(o.status).toBe('appended');
                if (o.status !== 'appended') return;
                requests[i]!.records.forEach((r, j) => {
                  expect(o.positions[j]).toEqual({ partition: r.partition, offset: expected[r.partition]!.length, timestamp: r.timestamp });
                  expected[r.partition]!.push(r);
                });
              });
            }
            for (let p = 0; p < 3; p++) {
              const back = await store.read(topic, p, 0, BIG);
              expect(back.map((r) => r.offset)).toEqual(expected[p]!.map((_, i) => i));
              expect(back.map((r) => [bytesOf(r.key), bytesOf(r.value), r.timestamp])).toEqual(
                expected[p]!.map((r) => [bytesOf(r.key), bytesOf(r.value), r.timestamp]),
              );
            }
            expect((await store.offsets(topic)).map((b) => b.highWatermark)).toEqual(expected.map((e) => e.length));
          }),
          { numRuns: topicRuns(40) },
        );
      });
    });

    describe('idempotency keys', () => {
      const NOW = 1_000_000;
      const idem = (key: string, fingerprint: string, expiresAt = NOW + 60_000, now = NOW) => ({ key, fingerprint, expiresAt, now });

      it('replays the original positions for the same key and fingerprint, appending nothing', async () => {
        const { store } = await fresh();
        await store.createTopic('t', 2, {});
        const first = await appendOne(store, { topic: 't', records: [rec(0, '1'), rec(1, '2')], idempotency: idem('k1', 'f1') });
        expect(first.status).toBe('appended');
        await store.append([{ topic: 't', records: [rec(0, '3')] }]);
        const again = await appendOne(store, { topic: 't', records: [rec(0, '1'), rec(1, '2')], idempotency: idem('k1', 'f1') });
        expect(again).toEqual({ status: 'replayed', positions: (first as { positions: unknown }).positions });
        expect((await store.offsets('t')).map((b) => b.highWatermark)).toEqual([2, 1]);
      });

      it('answers key-reused for the same key with a different fingerprint, appending nothing', async () => {
        const { store } = await fresh();
        await store.createTopic('t', 1, {});
        await appendOne(store, { topic: 't', records: [rec(0, '1')], idempotency: idem('k', 'f1') });
        expect(await appendOne(store, { topic: 't', records: [rec(0, '2')], idempotency: idem('k', 'f2') })).toEqual({
          status: 'key-reused',
        });
        expect((await store.offsets('t'))[0]!.highWatermark).toBe(1);
      });

      it('treats a repeat within one group commit as a replay', async () => {
        const { store } = await fresh();
        await store.createTopic('t', 1, {});
        const [a, b, c] = await store.append([
          { topic: 't', records: [rec(0, '1')], idempotency: idem('k', 'f') },
          { topic: 't', records: [rec(0, '1')], idempotency: idem('k', 'f') },
          { topic: 't', records: [rec(0, '9')], idempotency: idem('k', 'other') },
        ]);
        expect(a).toEqual({ status: 'appended', positions: [{ partition: 0, offset: 0, timestamp: 1000 }] });
        expect(b).toEqual({ status: 'replayed', positions: [{ partition: 0, offset: 0, timestamp: 1000 }] });
        expect(c).toEqual({ status: 'key-reused' });
        expect((await store.offsets('t'))[0]!.highWatermark).toBe(1);
      });

      it('scopes keys per topic', async () => {
        const { store } = await fresh();
        await store.createTopic('a', 1, {});
        await store.createTopic('b', 1, {});
        await appendOne(store, { topic: 'a', records: [rec(0, '1')], idempotency: idem('k', 'f') });
        expect((await appendOne(store, { topic: 'b', records: [rec(0, '1')], idempotency: idem('k', 'f') })).status).toBe('appended');
      });

      it('measures expiry by the request’s `now`, not a clock of its own: at expiresAt the request appends again', async () => {
        const { store } = await fresh();
        await store.createTopic('t', 1, {});
        await appendOne(store, { topic: 't', records: [rec(0, '1')], idempotency: idem('k', 'f', NOW + 100) });
        expect((await appendOne(store, { topic: 't', records: [rec(0, '1')], idempotency: idem('k', 'f', NOW + 200, NOW + 99) })).status).toBe(
          'replayed',
        );
        const again = await appendOne(store, { topic: 't', records: [rec(0, '1')], idempotency: idem('k', 'f', NOW + 300, NOW + 100) });
        expect(again).toEqual({ status: 'appended', positions: [{ partition: 0, offset: 1, timestamp: 1000 }] });
        // The new answer replaces the expired one.
        expect((await appendOne(store, { topic: 't', records: [rec(0, '1')], idempotency: idem('k', 'f', NOW + 400, NOW + 150) })).status).toBe(
          'replayed',
        );
      });

      it('expireIdempotencyKeys deletes exactly the expired keys and counts them', async () => {
        const { store } = await fresh();
        await store.createTopic('t', 1, {});
        const now = NOW;
        await store.append([
          { topic: 't', records: [rec(0, '1')], idempotency: idem('old-1', 'f', now + 10_000) },
          { topic: 't', records: [rec(0, '2')], idempotency: idem('old-2', 'f', now + 20_000) },
          { topic: 't', records: [rec(0, '3')], idempotency: idem('new', 'f', now + 600_000) },
        ]);
        expect(await store.expireIdempotencyKeys(now + 30_000)).toBe(2);
        expect(await store.expireIdempotencyKeys(now + 30_000)).toBe(0);
        // 'new' is still remembered.
        expect((await appendOne(store, { topic: 't', records: [rec(0, '3')], idempotency: idem('new', 'f') })).status).toBe('replayed');
      });
    });

    describe('read', () => {
      async function seeded(values: string[]) {
        const { store, harness } = await fresh();
        await store.createTopic('t', 1, {});
        await store.append([{ topic: 't', records: values.map((v) => rec(0, v)) }]);
        return { store, harness };
      }

      it('reads from an offset, in offset order, up to maxRecords', async () => {
        const { store } = await seeded(['0', '1', '2', '3', '4']);
        expect((await store.read('t', 0, 2, BIG)).map((r) => r.offset)).toEqual([2, 3, 4]);
        expect((await store.read('t', 0, 1, { maxRecords: 2, maxBytes: BIG.maxBytes })).map((r) => r.offset)).toEqual([1, 2]);
        expect(await store.read('t', 0, 5, BIG)).toEqual([]);
        expect(await store.read('t', 0, 99, BIG)).toEqual([]);
      });

      it('stops before the record that would pass maxBytes, but always returns the first', async () => {
        const ten = '"' + 'x'.repeat(8) + '"'; // 10 bytes
        const { store } = await seeded([ten, ten, ten, ten]);
        expect(await store.read('t', 0, 0, { maxRecords: 100, maxBytes: 20 })).toHaveLength(2);
        expect(await store.read('t', 0, 0, { maxRecords: 100, maxBytes: 29 })).toHaveLength(2);
        expect(await store.read('t', 0, 0, { maxRecords: 100, maxBytes: 30 })).toHaveLength(3);
        // One oversized record must not stall a consumer.
        expect((await store.read('t', 0, 1, { maxRecords: 100, maxBytes: 1 })).map((r) => r.offset)).toEqual([1]);
      });

      it('counts keys and headers in the byte budget', async () => {
        const { store } = await fresh();
        await store.createTopic('t', 1, {});
        await store.append([{ topic: 't', records: [0, 1, 2].map(() => rec(0, '1', { key: 'kkkk', headers: '{"h":"v"}' })) }]);
        // Each record: 1 (value) + 4 (key) + 9 (headers) = 14 bytes.
        expect(await store.read('t', 0, 0, { maxRecords: 10, maxBytes: 27 })).toHaveLength(1);
        expect(await store.read('t', 0, 0, { maxRecords: 10, maxBytes: 28 })).toHaveLength(2);
      });

      it('counts the budget in UTF-8 bytes, not characters', async () => {
        const { store } = await fresh();
        await store.createTopic('t', 1, {});
        // '"☃☃☃☃"' is 6 characters but 14 bytes; the key '☃' is 3 bytes: 17 bytes a record.
        await store.append([{ topic: 't', records: [0, 1, 2].map(() => rec(0, '"☃☃☃☃"', { key: '☃' })) }]);
        expect(await store.read('t', 0, 0, { maxRecords: 10, maxBytes: 33 })).toHaveLength(1);
        expect(await store.read('t', 0, 0, { maxRecords: 10, maxBytes: 34 })).toHaveLength(2);
      });

      it('keeps to maxBytes over records of mixed sizes, up to megabytes, from any offset', async () => {
        const { store, harness } = await fresh();
        await store.createTopic('t', 1, {});
        // Small records around a few large ones, so a read crosses from small to large and back.
        const sizes = [...Array(150).fill(40), 300_000, 20, 1_048_576, ...Array(100).fill(1_000), 250_000, ...Array(200).fill(12)];
        await store.append([{ topic: 't', records: sizes.map((n) => rec(0, valueOfSize(n))) }]);
        const expected = (from: number, maxRecords: number, maxBytes: number) => offsetsWithinBudget(sizes, from, maxRecords, maxBytes);
        const check = async (s: LogStore, from: number, maxRecords: number, maxBytes: number) => {
          const got = await s.read('t', 0, from, { maxRecords, maxBytes });
          expect(got.map((r) => r.offset)).toEqual(expected(from, maxRecords, maxBytes));
          for (const r of got) expect(r.value).toBe(valueOfSize(sizes[r.offset]!));
        };
        for (const [from, maxRecords, maxBytes] of [
          [0, 10_000, 1_048_576],
          [0, 10_000, 6_000],
          [100, 10_000, 1_000_000],
          [150, 10_000, 1],
          [152, 10_000, 1_048_575],
          [152, 2, 4_000_000],
          [153, 10_000, 50_000],
          [153, 10_000, 400_000],
          [200, 60, 64_000],
          [0, 600, Number.MAX_SAFE_INTEGER],
        ] as const) {
          await check(store, from, maxRecords, maxBytes);
        }
        await fc.assert(
          fc.asyncProperty(
            fc.integer({ min: 0, max: sizes.length }),
            fc.integer({ min: 1, max: 700 }),
            fc.integer({ min: 1, max: 3_000_000 }),
            (from, maxRecords, maxBytes) => check(store, from, maxRecords, maxBytes),
          ),
          { numRuns: 60 },
        );
        // The same after reopening.
        await store.close();
        const reopened = await harness.open();
        onTestFinished(() => reopened.close());
        await check(reopened, 0, 10_000, 1_048_576);
        await check(reopened, 140, 10_000, 2_000_000);
      });

      it('property: keeps to maxBytes when large records sit in some commits only, also after retention', async () => {
        const { store } = await fresh();
        let run = 0;
        await fc.assert(
          fc.asyncProperty(
            // Commits of small records, some holding one large record.
            fc.array(fc.array(fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 2, max: 60 }) }, { weight: 1, arbitrary: fc.integer({ min: 2_000, max: 90_000 }) }), { minLength: 1, maxLength: 40 }), { minLength: 1, maxLength: 8 }),
            fc.nat(),
            fc.nat(),
            fc.integer({ min: 1, max: 300 }),
            fc.integer({ min: 1, max: 200_000 }),
            async (commits, cut, at, maxRecords, maxBytes) => {
              const topic = `m${run++}`;
              await store.createTopic(topic, 1, {});
              for (const sizes of commits) await store.append([{ topic, records: sizes.map((n) => rec(0, valueOfSize(n))) }]);
              const sizes = commits.flat();
              const logStart = cut % (sizes.length + 1);
              await store.truncateBefore(topic, 0, logStart);
              const from = logStart + (at % (sizes.length - logStart + 1));
              const expected = offsetsWithinBudget(sizes, from, maxRecords, maxBytes);
              const got = await store.read(topic, 0, from, { maxRecords, maxBytes });
              expect(got.map((r) => r.offset)).toEqual(expected);
              const encoded = await store.readEncoded?.(topic, 0, from, { maxRecords, maxBytes });
              if (encoded) expect(parseEncoded<{ offset: number }>(encoded.json).map((r) => r.offset)).toEqual(expected);
            },
          ),
          { numRuns: topicRuns(200) },
        );
      });

      it('answers an unknown topic with TOPIC_NOT_FOUND', async () => {
        const { store } = await fresh();
        await expectCode(store.read('missing', 0, 0, BIG), ErrorCode.TOPIC_NOT_FOUND);
      });
    });

    describe('readEncoded (optional)', () => {
      // Characters JSON must escape or that encode to several UTF-8 bytes, mixed with plain ones.
      const text = fc.string({
        unit: fc.constantFrom('a', 'Z', ' ', '"', '\\', '/', '\u0000', '\u0008', '\n', '\u001f', '\u007f', 'é', '\u2028', '☃', '😀'),
        maxLength: 12,
      });
      const recordArb = fc.record({
        key: fc.oneof(fc.constant(null), text, fc.uint8Array({ maxLength: 8 })),
        value: fc.oneof(fc.jsonValue({ maxDepth: 2 }).map(json), text.map(json), fc.uint8Array({ maxLength: 24 })),
        headers: fc.option(fc.dictionary(text, text, { maxKeys: 3 }).map(json), { nil: null }),
        timestamp: fc.integer({ min: 0, max: 2 ** 45 }),
      });

      it('property: parses to exactly what encoding read()’s records gives, for any records and limits', async () => {
        const { store } = await fresh();
        if (!store.readEncoded) return; // optional: the core encodes read()'s records instead
        await store.createTopic('t.x-1', 2, {});
        let written = 0;
        await fc.assert(
          fc.asyncProperty(
            fc.array(recordArb, { maxLength: 30 }),
            fc.integer({ min: 0, max: 40 }),
            fc.integer({ min: 1, max: 50 }),
            fc.integer({ min: 1, max: 5_000 }),
            async (records, from, maxRecords, maxBytes) => {
              if (records.length > 0) await store.append([{ topic: 't.x-1', records: records.map((r) => ({ ...r, partition: 1 })) }]);
              written += records.length;
              const at = Math.min(from, written);
              const limits = { maxRecords, maxBytes };
              const encoded = await store.readEncoded!('t.x-1', 1, at, limits);
              if (encoded === undefined) return; // allowed: the core falls back to read()
              const expected = await store.read('t.x-1', 1, at, limits);
              expect(encoded.count).toBe(expected.length);
              expect(encoded.nextOffset).toBe(expected.length > 0 ? expected[expected.length - 1]!.offset + 1 : at);
              expect(parseEncoded(encoded.json)).toEqual(
                JSON.parse(recordsToJson('t.x-1', 1, expected)),
              );
            },
          ),
          { numRuns: 80 },
        );
      });

      it('answers an empty range with no records and the offset it was asked for', async () => {
        const { store } = await fresh();
        if (!store.readEncoded) return;
        await store.createTopic('t', 1, {});
        const encoded = await store.readEncoded('t', 0, 0, BIG);
        if (encoded) expect({ count: encoded.count, nextOffset: encoded.nextOffset, bytes: encoded.json.length }).toEqual({ count: 0, nextOffset: 0, bytes: 0 });
        await expectCode(store.readEncoded('missing', 0, 0, BIG), ErrorCode.TOPIC_NOT_FOUND);
      });
    });

    describe('partitionSizes', () => {
      const utf8 = (v: string | Uint8Array | null) => (v === null ? 0 : typeof v === 'string' ? Buffer.byteLength(v) : v.byteLength);
      const bytesIn = (records: RecordToAppend[]) => records.reduce((n, r) => n + utf8(r.key) + utf8(r.value) + utf8(r.headers), 0);
      /** Exactly the records' bytes, or (for a store that answers its storage bytes) at least them. */
      const expectSize = (actual: number, recordBytes: number) =>
        options.sizesAreStorageBytes === undefined ? expect(actual).toBe(recordBytes) : expect(actual).toBeGreaterThanOrEqual(recordBytes);

      it(`answers each partition's bytes: its records' keys, values and headers${options.sizesAreStorageBytes ? ` or more (${options.sizesAreStorageBytes})` : ''}; through appends, truncation, new partitions and reopening`, async () => {
        const { store, harness } = await fresh();
        await store.createTopic('t', 3, {});
        expect(await store.partitionSizes('t')).toEqual([0, 0, 0]);
        const p0 = [rec(0, json({ a: 'é' }), { key: 'k1', headers: json({ h: 'v' }) }), rec(0, new Uint8Array([1, 2, 3])), rec(0, valueOfSize(500), { key: new Uint8Array(7) })];
        const p1 = [rec(1, valueOfSize(1000))];
        await store.append([{ topic: 't', records: p0.slice(0, 1) }, { topic: 't', records: p1 }]);
        await store.append([{ topic: 't', records: p0.slice(1) }]);
        const sizes = await store.partitionSizes('t');
        expectSize(sizes[0]!, bytesIn(p0));
        expectSize(sizes[1]!, bytesIn(p1));
        expect(sizes[2]).toBe(0);

        // Retention moved the log start: the records below it no longer count.
        await store.truncateBefore('t', 0, 1);
        const truncated = await store.partitionSizes('t');
        expectSize(truncated[0]!, bytesIn(p0.slice(1)));
        expect(truncated[0]).toBeLessThanOrEqual(sizes[0]!);

        // A range answers those partitions only, clamped to the partition count.
        expect(await store.partitionSizes('t', { from: 1, before: 3 })).toEqual(truncated.slice(1, 3));
        expect(await store.partitionSizes('t', { from: 2, before: 10 })).toEqual(truncated.slice(2));
        expect(await store.partitionSizes('t', { from: 5, before: 10 })).toEqual([]);

        await store.updateTopic('t', { partitions: 4 });
        expect(await store.partitionSizes('t')).toHaveLength(4);
        await store.close();
        const reopened = await harness.open();
        onTestFinished(() => reopened.close());
        expect(await reopened.partitionSizes('t')).toEqual([...truncated, 0]);
        await expectCode(reopened.partitionSizes('missing'), ErrorCode.TOPIC_NOT_FOUND);
      });
    });

    describe('offsetForTimestamp', () => {
      it("returns the first offset whose timestamp is at or after the given one (Kafka's ListOffsets)", async () => {
        const { store } = await fresh();
        await store.createTopic('t', 2, {});
        await store.append([{ topic: 't', records: [10, 20, 20, 30].map((ts) => rec(0, '1', { timestamp: ts })) }]);
        expect(await store.offsetForTimestamp('t', 0, 0)).toBe(0);
        expect(await store.offsetForTimestamp('t', 0, 10)).toBe(0);
        expect(await store.offsetForTimestamp('t', 0, 11)).toBe(1);
        expect(await store.offsetForTimestamp('t', 0, 20)).toBe(1);
        expect(await store.offsetForTimestamp('t', 0, 30)).toBe(3);
        expect(await store.offsetForTimestamp('t', 0, 31)).toBeNull();
        expect(await store.offsetForTimestamp('t', 1, 0)).toBeNull();
      });

      it('is exact for non-monotonic (client-set) timestamps: the first in offset order', async () => {
        const { store } = await fresh();
        await store.createTopic('t', 1, {});
        await store.append([{ topic: 't', records: [50, 10, 60, 20].map((ts) => rec(0, '1', { timestamp: ts })) }]);
        expect(await store.offsetForTimestamp('t', 0, 15)).toBe(0);
        expect(await store.offsetForTimestamp('t', 0, 55)).toBe(2);
      });

      it('equals a scan of the log for any timestamps over many commits, after truncation and after reopening', async () => {
        const { store: first, harness } = await fresh();
        await first.createTopic('t', 1, {});
        await first.close();
        // Each case appends to the same partition, so the log grows across runs: the model tracks it.
        let store = await harness.open();
        onTestFinished(() => store.close());
        const log: number[] = []; // timestamp by offset
        let logStart = 0;
        const firstAtOrAfter = (t: number) => {
          for (let o = logStart; o < log.length; o++) if (log[o]! >= t) return o;
          return null;
        };
        await fc.assert(
          fc.asyncProperty(
            fc.array(fc.array(fc.integer({ min: 0, max: 1_000 }), { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 5 }),
            fc.array(fc.integer({ min: -5, max: 1_005 }), { minLength: 1, maxLength: 8 }),
            fc.nat({ max: 3 }),
            fc.boolean(),
            async (commits, probes, truncateBy, reopen) => {
              for (const timestamps of commits) {
                await store.append([{ topic: 't', records: timestamps.map((ts) => rec(0, '1', { timestamp: ts })) }]);
                log.push(...timestamps);
              }
              if (truncateBy > 0) {
                logStart = Math.min(logStart + truncateBy, log.length);
                await store.truncateBefore('t', 0, logStart);
              }
              if (reopen) {
                await store.close();
                store = await harness.open();
              }
              for (const t of probes) expect(await store.offsetForTimestamp('t', 0, t)).toBe(firstAtOrAfter(t));
            },
          ),
          { numRuns: 40 },
        );
      });
    });

    describe('truncateBefore', () => {
      it('deletes records below the offset and advances logStartOffset; the high watermark stays', async () => {
        const { store } = await fresh();
        await store.createTopic('t', 2, {});
        await store.append([{ topic: 't', records: [0, 1, 2, 3, 4].map((i) => rec(0, String(i))) }]);
        expect(await store.truncateBefore('t', 0, 3)).toBe(3);
        expect((await store.offsets('t'))[0]).toEqual({ partition: 0, logStartOffset: 3, highWatermark: 5 });
        expect((await store.read('t', 0, 0, BIG)).map((r) => r.offset)).toEqual([3, 4]);
        expect(await store.offsetForTimestamp('t', 0, 0)).toBe(3);
        // Never backwards.
        expect(await store.truncateBefore('t', 0, 1)).toBe(3);
        expect((await store.offsets('t'))[0]!.logStartOffset).toBe(3);
        // Past the end: clamps to the high watermark; the next offset is unchanged.
        expect(await store.truncateBefore('t', 0, 100)).toBe(5);
        expect((await store.offsets('t'))[0]).toEqual({ partition: 0, logStartOffset: 5, highWatermark: 5 });
        expect(await store.read('t', 0, 0, BIG)).toEqual([]);
        const next = await appendOne(store, { topic: 't', records: [rec(0, '5')] });
        expect(next).toEqual({ status: 'appended', positions: [{ partition: 0, offset: 5, timestamp: 1000 }] });
        // The other partition is untouched.
        expect((await store.offsets('t'))[1]).toEqual({ partition: 1, logStartOffset: 0, highWatermark: 0 });
      });
      it('with a time budget, each call deletes some records and none at or past the offset, and reports the log start reached', async () => {
        const { store } = await fresh();
        await store.createTopic('t', 2, {});
        const count = 3_000;
        for (let i = 0; i < count; i += 500) {
          await store.append([{ topic: 't', records: Array.from({ length: 500 }, (_, j) => rec(0, String(i + j), { timestamp: i + j })) }]);
        }
        await store.append([{ topic: 't', records: [rec(1, 'other')] }]);
        const target = 2_345;
        let logStart = 0;
        let calls = 0;
        while (logStart < target) {
          // A budget of 0 ms: the least a store may do is delete one record per call.
          const reached = await store.truncateBefore('t', 0, target, 0);
          calls++;
          expect(reached).toBeGreaterThan(logStart);
          expect(reached).toBeLessThanOrEqual(target);
          expect((await store.offsets('t'))[0]).toEqual({ partition: 0, logStartOffset: reached, highWatermark: count });
          // A read from below the log start begins there: nothing below it is left, nothing above it is gone.
          expect((await store.read('t', 0, 0, { maxRecords: 1, maxBytes: BIG.maxBytes }))[0]!.offset).toBe(reached);
          logStart = reached;
          expect(calls).toBeLessThanOrEqual(target);
        }
        expect(logStart).toBe(target);
        expect((await store.read('t', 0, 0, BIG)).map((r) => r.offset)).toEqual(Array.from({ length: count - target }, (_, i) => target + i));
        expect(await store.offsetForTimestamp('t', 0, 0)).toBe(target);
        expect(await store.offsetForTimestamp('t', 0, 2_500)).toBe(2_500);
        // Done: another call changes nothing and says where the log starts.
        expect(await store.truncateBefore('t', 0, target, 0)).toBe(target);
        expect((await store.offsets('t'))[1]).toEqual({ partition: 1, logStartOffset: 0, highWatermark: 1 });
        expect(await appendOne(store, { topic: 't', records: [rec(0, 'next')] })).toMatchObject({ positions: [{ offset: count }] });
      });
    });

    describe('consumer group state', () => {
      /** The listed groups by name, each member list sorted by id (a store keeps no member order). */
      async function listed(store: LogStore) {
        const groups = (await store.listGroups()).sort((a, b) => a.group.localeCompare(b.group));
        return groups.map((g) => ({ ...g, members: [...g.members].sort((a, b) => a.memberId.localeCompare(b.memberId)) }));
      }

      it('saves, lists, replaces and deletes group state and committed offsets', async () => {
        const { store } = await fresh();
        await store.createTopic('t', 2, {});
        expect(await store.listGroups()).toEqual([]);
        await store.saveGroup('g1', { state: { epoch: 1 }, members: [{ memberId: 'a', state: { n: 1 } }] });
        await store.saveGroup('g1', { state: { epoch: 2 }, members: [{ memberId: 'b', state: { n: 2 } }] });
        await store.commitOffsets('g2', [{ topic: 't', partition: 1, offset: 7 }], 1234);
        await store.commitOffsets('g1', [{ topic: 't', partition: 0, offset: 3 }, { topic: 't', partition: 1, offset: 4 }], 99, {
          state: { epoch: 3 },
        });
        await store.commitOffsets('g1', [{ topic: 't', partition: 0, offset: 5 }], 100);

        // A group with only offsets is listed too, with null state and no members.
        expect(await listed(store)).toEqual([
          {
            group: 'g1',
            state: { epoch: 3 },
            members: [
              { memberId: 'a', state: { n: 1 } },
              { memberId: 'b', state: { n: 2 } },
            ],
          },
          { group: 'g2', state: null, members: [] },
        ]);
        expect(await store.committedOffsets('g1')).toEqual([
          { topic: 't', partition: 0, offset: 5, committedAt: 100 },
          { topic: 't', partition: 1, offset: 4, committedAt: 99 },
        ]);
        expect(await store.committedOffsets('nobody')).toEqual([]);

        await store.deleteGroup('g1');
        expect(await store.committedOffsets('g1')).toEqual([]);
        expect((await store.listGroups()).map((g) => g.group)).toEqual(['g2']);
        // A new group of the same name starts with no members.
        await store.saveGroup('g1', { state: { epoch: 0 } });
        expect((await listed(store))[0]).toEqual({ group: 'g1', state: { epoch: 0 }, members: [] });
      });

      it('a change writes only the parts it names: members are replaced, added and removed one by one', async () => {
        const { store } = await fresh();
        const member = (id: string, n: number) => ({ memberId: id, state: { id, n } });
        await store.saveGroup('g', { state: { epoch: 1 }, members: [member('a', 1), member('b', 1), member('c', 1)] });
        await store.saveGroup('other', { state: { epoch: 7 }, members: [member('a', 9)] });

        // One member replaced: the group-wide part and the other members stay as they were.
        await store.saveGroup('g', { members: [member('b', 2)] });
        // One added, one removed, a removal of an id never stored is ignored, the group-wide part replaced.
        await store.saveGroup('g', { state: { epoch: 2 }, members: [member('d', 1)], removedMembers: ['a', 'nobody'] });
        // An empty change changes nothing.
        await store.saveGroup('g', {});

        expect(await listed(store)).toEqual([
          { group: 'g', state: { epoch: 2 }, members: [member('b', 2), member('c', 1), member('d', 1)] },
          // Member ids are per group: the other group's 'a' is untouched.
          { group: 'other', state: { epoch: 7 }, members: [member('a', 9)] },
        ]);

        // Offsets and a membership change in one commit.
        await store.commitOffsets('g', [{ topic: 't', partition: 0, offset: 1 }], 5, { members: [member('c', 2)], removedMembers: ['d'] });
        expect((await listed(store))[0]!.members).toEqual([member('b', 2), member('c', 2)]);
        expect(await store.committedOffsets('g')).toEqual([{ topic: 't', partition: 0, offset: 1, committedAt: 5 }]);

        // Every member removed: the group stays, with its group-wide part.
        await store.saveGroup('g', { removedMembers: ['b', 'c'] });
        expect((await listed(store))[0]).toEqual({ group: 'g', state: { epoch: 2 }, members: [] });
      });

      it('lists one group by name: its state and members, or its offsets alone, or nothing', async () => {
        const { store } = await fresh();
        await store.createTopic('t', 1, {});
        await store.saveGroup('g', { state: { epoch: 1 }, members: [{ memberId: 'a', state: { n: 1 } }] });
        await store.saveGroup('other', { state: { epoch: 2 }, members: [{ memberId: 'b', state: { n: 2 } }] });
        await store.commitOffsets('offsets-only', [{ topic: 't', partition: 0, offset: 0 }], 1);
        expect(await store.listGroups('g')).toEqual([{ group: 'g', state: { epoch: 1 }, members: [{ memberId: 'a', state: { n: 1 } }] }]);
        expect(await store.listGroups('offsets-only')).toEqual([{ group: 'offsets-only', state: null, members: [] }]);
        expect(await store.listGroups('nobody')).toEqual([]);
      });

      it('coordinator lease: one holder at a time; renewing keeps the epoch; expiry or release lets another take it with the next epoch', async () => {
        const { store } = await fresh();
        const claim = (holder: string, now: number) => store.claimGroupLease('g', { holder, address: `http://${holder}`, ttlMs: 1_000, now });
        expect(await claim('a', 10_000)).toEqual({ holder: 'a', address: 'http://a', epoch: 1, expiresAt: 11_000 });
        // Held: another claimant gets the holder's lease back, unchanged.
        expect(await claim('b', 10_500)).toEqual({ holder: 'a', address: 'http://a', epoch: 1, expiresAt: 11_000 });
        // The holder renews: same epoch, later expiry.
        expect(await claim('a', 10_900)).toEqual({ holder: 'a', address: 'http://a', epoch: 1, expiresAt: 11_900 });
        expect((await claim('b', 11_899)).holder).toBe('a');
        // Expired (expiresAt <= now): another takes it, and the epoch grows.
        expect(await claim('b', 11_900)).toEqual({ holder: 'b', address: 'http://b', epoch: 2, expiresAt: 12_900 });
        // Released by a non-holder: nothing; by the holder: free at once, epoch kept until the next holder.
        await store.releaseGroupLease('g', 'a');
        expect((await claim('a', 12_000)).holder).toBe('b');
        await store.releaseGroupLease('g', 'b');
        expect(await claim('a', 12_000)).toEqual({ holder: 'a', address: 'http://a', epoch: 3, expiresAt: 13_000 });
        // Leases are per group; deleting a group keeps its lease (epochs never go back).
        expect((await store.claimGroupLease('h', { holder: 'b', address: '', ttlMs: 1_000, now: 12_000 })).epoch).toBe(1);
        await store.deleteGroup('g');
        expect((await claim('a', 12_500)).epoch).toBe(3);
      });

      it('coordinator lease: reading it writes nothing; it reads as the last claim or release left it', async () => {
        const { store } = await fresh();
        // Asked about a name no one claimed: nothing, and nothing is left behind.
        expect(await store.readGroupLease('g')).toBeUndefined();
        expect(await store.readGroupLease('g')).toBeUndefined();
        expect(await store.listGroups()).toEqual([]);
        expect((await store.claimGroupLease('g', { holder: 'a', address: 'http://a', ttlMs: 1_000, now: 10_000 })).epoch).toBe(1);
        expect(await store.readGroupLease('g')).toEqual({ holder: 'a', address: 'http://a', epoch: 1, expiresAt: 11_000 });
        await store.releaseGroupLease('g', 'a');
        expect(await store.readGroupLease('g')).toEqual({ holder: 'a', address: 'http://a', epoch: 1, expiresAt: 0 });
        // Only the claimed group has a lease, and reading it created no group.
        expect(await store.readGroupLease('h')).toBeUndefined();
        expect(await store.listGroups()).toEqual([]);
      });

      it('coordinator lease: of claimants racing for a free lease, exactly one gets it', async () => {
        const { store } = await fresh();
        const holders = Array.from({ length: 8 }, (_, i) => `h${i}`);
        const answers = await Promise.all(holders.map((holder) => store.claimGroupLease('g', { holder, address: '', ttlMs: 60_000, now: 5_000 })));
        const winner = answers[0]!.holder;
        expect(holders).toContain(winner);
        // Every claimant was told the same holder and epoch: one lease, never two.
        expect(answers.every((a) => a.holder === winner && a.epoch === 1)).toBe(true);
      });

      it('cluster lease: the group lease rule, by name, in a space of its own; racing claimants get one holder', async () => {
        const { store } = await fresh();
        const claim = (holder: string, now: number) => store.claimClusterLease('cleanup', { holder, address: '', ttlMs: 1_000, now });
        expect(await claim('a', 10_000)).toEqual({ holder: 'a', address: '', epoch: 1, expiresAt: 11_000 });
        expect((await claim('b', 10_999)).holder).toBe('a');
        expect(await claim('a', 10_500)).toEqual({ holder: 'a', address: '', epoch: 1, expiresAt: 11_500 });
        expect(await claim('b', 11_500)).toEqual({ holder: 'b', address: '', epoch: 2, expiresAt: 12_500 });
        await store.releaseClusterLease('cleanup', 'a');
        expect((await claim('a', 12_000)).holder).toBe('b');
        await store.releaseClusterLease('cleanup', 'b');
        expect(await claim('a', 12_000)).toEqual({ holder: 'a', address: '', epoch: 3, expiresAt: 13_000 });
        // A group of the same name has a lease of its own, and the cluster lease is no group.
        expect(await store.claimGroupLease('cleanup', { holder: 'b', address: '', ttlMs: 1_000, now: 12_000 })).toEqual({ holder: 'b', address: '', epoch: 1, expiresAt: 13_000 });
        expect((await claim('b', 12_100)).holder).toBe('a');
        expect(await store.listGroups()).toEqual([]);
        const holders = Array.from({ length: 8 }, (_, i) => `h${i}`);
        const answers = await Promise.all(holders.map((holder) => store.claimClusterLease('other', { holder, address: '', ttlMs: 60_000, now: 5_000 })));
        expect(answers.every((a) => a.holder === answers[0]!.holder && a.epoch === 1)).toBe(true);
      });

      it('a write fenced by a lower lease epoch than the group was written with is refused and stores nothing', async () => {
        const { store } = await fresh();
        await store.createTopic('t', 1, {});
        await store.saveGroup('g', { state: { epoch: 1 }, members: [{ memberId: 'a', state: { n: 1 } }], fence: 1 });
        // The next coordinator fences the group with its epoch before anything else (a change naming nothing else).
        await store.saveGroup('g', { fence: 2 });
        await expectCode(store.saveGroup('g', { state: { epoch: 9 }, members: [{ memberId: 'a', state: { n: 9 } }], fence: 1 }), 'NOT_COORDINATOR');
        await expectCode(store.commitOffsets('g', [{ topic: 't', partition: 0, offset: 0 }], 5, { fence: 1 }), 'NOT_COORDINATOR');
        expect(await store.listGroups('g')).toEqual([{ group: 'g', state: { epoch: 1 }, members: [{ memberId: 'a', state: { n: 1 } }] }]);
        expect(await store.committedOffsets('g')).toEqual([]);
        // The current epoch (and a later one) writes.
        await store.commitOffsets('g', [{ topic: 't', partition: 0, offset: 0 }], 6, { members: [{ memberId: 'a', state: { n: 2 } }], fence: 2 });
        await store.saveGroup('g', { state: { epoch: 3 }, fence: 3 });
        expect(await store.listGroups('g')).toEqual([{ group: 'g', state: { epoch: 3 }, members: [{ memberId: 'a', state: { n: 2 } }] }]);
        expect(await store.committedOffsets('g')).toEqual([{ topic: 't', partition: 0, offset: 0, committedAt: 6 }]);
        await expectCode(store.saveGroup('g', { removedMembers: ['a'], fence: 2 }), 'NOT_COORDINATOR');
        // A fence alone on a group never written stores no group.
        await store.saveGroup('fresh', { fence: 1 });
        expect((await store.listGroups()).map((g) => g.group)).toEqual(['g']);
      });

      it('keeps a thousand members as a thousand parts: one member\'s change leaves the others intact', async () => {
        const { store } = await fresh();
        const members = Array.from({ length: 1000 }, (_, i) => ({ memberId: `m${String(i).padStart(4, '0')}`, state: { i, lists: [i, i + 1] } }));
        await store.saveGroup('big', { state: { epoch: 1 }, members });
        for (const i of [0, 499, 999]) await store.saveGroup('big', { members: [{ memberId: members[i]!.memberId, state: { i, changed: true } }] });
        const [big] = await listed(store);
        expect(big!.members).toHaveLength(1000);
        expect(big!.members.filter((m) => (m.state as { changed?: boolean }).changed).map((m) => m.memberId)).toEqual(['m0000', 'm0499', 'm0999']);
        expect(big!.members[1]).toEqual(members[1]);
      });
    });

    describe('deleteTopic', () => {
      it('removes the records, idempotency keys and every group offset for the topic; a new topic of that name starts empty', async () => {
        const { store } = await fresh();
        await store.createTopic('t', 2, {});
        await store.createTopic('other', 1, {});
        const key = { key: 'k', fingerprint: 'f', expiresAt: Date.now() + 60_000, now: Date.now() };
        await store.append([
          { topic: 't', records: [rec(0, '1'), rec(1, '2')], idempotency: key },
          { topic: 'other', records: [rec(0, '3')] },
        ]);
        await store.commitOffsets('g', [{ topic: 't', partition: 0, offset: 1 }, { topic: 'other', partition: 0, offset: 1 }], 1);

        await store.deleteTopic('t');
        await expectCode(store.offsets('t'), ErrorCode.TOPIC_NOT_FOUND);
        expect((await store.committedOffsets('g')).map((o) => o.topic)).toEqual(['other']);
        expect((await appendOne(store, { topic: 't', records: [rec(0, '1')] })).status).toBe('rejected');

        await store.createTopic('t', 1, {});
        expect(await store.offsets('t')).toEqual([{ partition: 0, logStartOffset: 0, highWatermark: 0 }]);
        expect(await store.read('t', 0, 0, BIG)).toEqual([]);
        // The old Idempotency-Key is gone with its topic.
        expect(await appendOne(store, { topic: 't', records: [rec(0, '1'), rec(0, '2')], idempotency: key })).toMatchObject({
          status: 'appended',
        });
        // The other topic is untouched.
        expect((await store.read('other', 0, 0, BIG)).map((r) => r.value)).toEqual(['3']);
      });

      it('racing appends are appended or rejected as topic-not-found, never failed, and each incarnation is dense', async () => {
        const { store } = await fresh();
        await store.createTopic('t', 2, {});
        const outcomes = new Set<string>();
        let deleting = true;
        const producers = Array.from({ length: 8 }, async () => {
          while (deleting) {
            const [o] = await store.append([{ topic: 't', records: [rec(0, 'a'), rec(1, 'b')] }]);
            outcomes.add(o!.status === 'rejected' ? `rejected:${o!.reason}` : o!.status);
          }
        });
        for (let i = 0; i < 3; i++) {
          await store.deleteTopic('t');
          await store.createTopic('t', 2, {});
        }
        deleting = false;
        await Promise.all(producers);
        expect([...outcomes].filter((o) => o !== 'appended' && o !== 'rejected:topic-not-found')).toEqual([]);
        for (const { partition, logStartOffset, highWatermark } of await store.offsets('t')) {
          expect(logStartOffset).toBe(0);
          expect((await store.read('t', partition, 0, BIG)).map((r) => r.offset)).toEqual(Array.from({ length: highWatermark }, (_, i) => i));
        }
      });
    });

    sizeLimitConformance(fresh);
    keysConformance(fresh, { compactsWholeBatches: options.compactsWholeBatches !== undefined });
    snapshotLeasesConformance(fresh);

    describe('durability and lifecycle', () => {
      it('keeps topics, records, bounds, idempotency keys and group state across close and reopen', async () => {
        const harness = factory();
        const first = await harness.open();
        await first.createTopic('t', 2, { retentionMs: 1000 });
        const key = { key: 'k', fingerprint: 'f', expiresAt: Date.now() + 60_000, now: Date.now() };
        const [appended] = await first.append([
          { topic: 't', records: [rec(0, '1'), rec(0, new Uint8Array([0, 255])), rec(1, '3', { key: 'key' })], idempotency: key },
        ]);
        await first.truncateBefore('t', 0, 1);
        await first.updateTopic('t', { partitions: 3 });
        await first.commitOffsets('g', [{ topic: 't', partition: 1, offset: 1 }], 5, { state: { epoch: 9 } });
        await first.saveGroup('g', { members: [{ memberId: 'a', state: { lists: [1, 2] } }] });
        await first.close();

        const second = await harness.open();
        onTestFinished(() => second.close());
        expect(await second.getTopic('t')).toMatchObject({ name: 't', partitions: 3, config: { retentionMs: 1000 } });
        expect(await second.offsets('t')).toEqual([
          { partition: 0, logStartOffset: 1, highWatermark: 2 },
          { partition: 1, logStartOffset: 0, highWatermark: 1 },
          { partition: 2, logStartOffset: 0, highWatermark: 0 },
        ]);
        const p0 = await second.read('t', 0, 0, BIG);
        expect(p0.map((r) => [r.offset, bytesOf(r.value)])).toEqual([[1, Buffer.from([0, 255])]]);
        expect((await second.read('t', 1, 0, BIG)).map((r) => [r.key, r.value])).toEqual([['key', '3']]);
        expect(await second.append([{ topic: 't', records: [rec(0, '1')], idempotency: key }])).toEqual([
          { status: 'replayed', positions: (appended as { positions: unknown }).positions },
        ]);
        expect(await second.listGroups()).toEqual([{ group: 'g', state: { epoch: 9 }, members: [{ memberId: 'a', state: { lists: [1, 2] } }] }]);
        expect(await second.committedOffsets('g')).toEqual([{ topic: 't', partition: 1, offset: 1, committedAt: 5 }]);
        // Offsets continue where they were.
        expect(await second.append([{ topic: 't', records: [rec(0, 'x')] }])).toEqual([
          { status: 'appended', positions: [{ partition: 0, offset: 2, timestamp: 1000 }] },
        ]);
      });

      it('backup (when offered): the copy restores to exactly the state when it was taken, and the store carries on', async () => {
        const harness = factory();
        const store = await harness.open();
        onTestFinished(() => store.close());
        if (!store.backup) return;
        expect(harness.openBackup, 'a store with backup needs openBackup in its harness').toBeDefined();
        await store.createTopic('t', 2, { retentionMs: 60_000 });
        await store.append([{ topic: 't', records: [rec(0, json('a')), rec(1, json('b')), rec(0, json('c'))] }]);
        await store.commitOffsets('g', [{ topic: 't', partition: 0, offset: 1 }], 7, {
          state: { epoch: 3 },
          members: [{ memberId: 'm', state: { n: 1 } }],
        });
        const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'logway-conformance-backup-'));
        onTestFinished(() => fs.rmSync(folder, { recursive: true, force: true }));
        const file = path.join(folder, 'copy');
        await store.backup(file);
        await store.append([{ topic: 't', records: [rec(1, json('after'))] }]);

        const copy = await harness.openBackup!(file);
        onTestFinished(() => copy.close());
        expect(await copy.getTopic('t')).toMatchObject({ name: 't', partitions: 2, config: { retentionMs: 60_000 } });
        expect((await copy.read('t', 0, 0, BIG)).map((r) => r.value)).toEqual([json('a'), json('c')]);
        expect((await copy.read('t', 1, 0, BIG)).map((r) => r.value)).toEqual([json('b')]);
        expect(await copy.committedOffsets('g')).toEqual([{ topic: 't', partition: 0, offset: 1, committedAt: 7 }]);
        expect(await copy.listGroups()).toEqual([{ group: 'g', state: { epoch: 3 }, members: [{ memberId: 'm', state: { n: 1 } }] }]);
        // The original went on: its later record is there, not in the copy.
        expect((await store.read('t', 1, 0, BIG)).map((r) => r.value)).toEqual([json('b'), json('after')]);
      });

      it('pings while open; after close every call fails with UNAVAILABLE and close is idempotent', async () => {
        const harness = factory();
        const store = await harness.open();
        await store.createTopic('t', 1, {});
        await expect(store.ping()).resolves.toBeUndefined();
        await store.close();
        await store.close();
        await expectCode(store.ping(), ErrorCode.UNAVAILABLE);
        await expectCode(store.append([{ topic: 't', records: [rec(0, '1')] }]), ErrorCode.UNAVAILABLE);
        await expectCode(store.read('t', 0, 0, BIG), ErrorCode.UNAVAILABLE);
        await expectCode(store.listTopics(), ErrorCode.UNAVAILABLE);
      });
    });
  });
}
