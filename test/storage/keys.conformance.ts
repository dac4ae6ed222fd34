/**
 * LogStore conformance, issue 14: retention by size, the latest record per key, and compaction.
 * Part of logStoreConformance (log-store.conformance.ts calls it): sizeLimitConformance for every store
 * with offsetForSizeLimit, keysConformance for every store that has the key index too.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ErrorCode, GatewayError } from '../../src/errors.js';
import { hasKeyOperations, type KeyedLogStore, type LogStore, type RecordToAppend, type StoredRecord } from '../../src/storage/log-store.js';

const BIG = { maxRecords: 1_000_000, maxBytes: Number.MAX_SAFE_INTEGER };
const FOREVER = Number.MAX_SAFE_INTEGER;

function keyed(partition: number, key: string | Uint8Array | null, value: string, timestamp = 1_000): RecordToAppend {
  return { partition, timestamp, key, value, headers: null };
}

const show = (k: string | Uint8Array | null) => (k === null || typeof k === 'string' ? k : `bin:${Buffer.from(k).toString('hex')}`);
const offsetsOf = (records: StoredRecord[]) => records.map((r) => r.offset);
const pairs = (records: StoredRecord[]) => records.map((r) => [show(r.key), r.value]);

async function compactAll(store: KeyedLogStore, topic: string, partition: number, before: number, maxTimestamp = FOREVER, from = 0) {
  let removed = 0;
  for (;;) {
    const step = await store.compact(topic, partition, { from, before, maxTimestamp, budgetMs: 0 });
    removed += step.removed;
    if (step.reached <= from && step.removed === 0) return removed;
    from = step.reached;
  }
}

async function removeAllTombstones(store: KeyedLogStore, topic: string, partition: number, before: number) {
  let from = 0;
  for (;;) {
    const step = await store.removeTombstones(topic, partition, { from, before, budgetMs: 0 });
    if (step.reached <= from && step.removed === 0) return step.reached;
    from = step.reached;
  }
}

/** Retention by size, for every store that has offsetForSizeLimit (the JetStream store has it without the key index). */
export function sizeLimitConformance(freshStore: () => Promise<{ store: LogStore; harness: { open(): Promise<LogStore> } }>): void {
  async function fresh(ctx: { skip: (note?: string) => never }) {
    const { store, harness } = await freshStore();
    if (!store.offsetForSizeLimit) ctx.skip('this store has no retention by size');
    return { store: store as LogStore & Required<Pick<LogStore, 'offsetForSizeLimit'>>, harness };
  }

  describe('offsetForSizeLimit (retention by size)', () => {
    it('names the offset from which the newest records fit the size, and keeps counting across appends and truncations', async (ctx) => {
      const { store } = await fresh(ctx);
      await store.createTopic('t', 2, {});
      // Ten records of 10 bytes each (value '"12345678"').
      await store.append([{ topic: 't', records: Array.from({ length: 10 }, () => keyed(0, null, '"12345678"')) }]);
      expect((await store.offsetForSizeLimit('t', 0, 100)).offset).toBe(0);
      expect((await store.offsetForSizeLimit('t', 0, 1_000)).offset).toBe(0);
      expect((await store.offsetForSizeLimit('t', 0, 95)).offset).toBe(1);
      expect((await store.offsetForSizeLimit('t', 0, 30)).offset).toBe(7);
      expect((await store.offsetForSizeLimit('t', 0, 5)).offset).toBe(10);
      expect((await store.offsetForSizeLimit('t', 1, 5)).offset).toBe(0);
      expect(await store.truncateBefore('t', 0, 4)).toBe(4);
      expect((await store.offsetForSizeLimit('t', 0, 60)).offset).toBe(4);
      expect((await store.offsetForSizeLimit('t', 0, 59)).offset).toBe(5);
      await store.append([{ topic: 't', records: [keyed(0, 'k', '"' + 'x'.repeat(28) + '"')] }]);
      // 60 bytes in offsets 4-9, then 31 (key 'k' and a 30-byte value).
      expect((await store.offsetForSizeLimit('t', 0, 91)).offset).toBe(4);
      expect((await store.offsetForSizeLimit('t', 0, 41)).offset).toBe(9);
      await expect(store.offsetForSizeLimit('missing', 0, 1)).rejects.toMatchObject({ code: ErrorCode.TOPIC_NOT_FOUND });
    });

    it('with a budget may stop short, never past the full cut, and gets there when asked again', async (ctx) => {
      const { store } = await fresh(ctx);
      await store.createTopic('t', 1, {});
      for (let i = 0; i < 4; i++) {
        await store.append([{ topic: 't', records: Array.from({ length: 2_500 }, () => keyed(0, null, '"12345678"')) }]);
      }
      let logStart = 0;
      for (let rounds = 0; logStart < 9_000; rounds++) {
        const cut = await store.offsetForSizeLimit('t', 0, 10_000, 0);
        expect(cut.offset).toBeGreaterThan(logStart);
        expect(cut.offset).toBeLessThanOrEqual(9_000);
        // Short of the full cut only when it says so.
        if (cut.offset < 9_000) expect(cut.partial).toBe(true);
        logStart = await store.truncateBefore('t', 0, cut.offset);
        expect(rounds).toBeLessThan(9_000);
      }
      expect(await store.offsetForSizeLimit('t', 0, 10_000, 0)).toEqual({ offset: 9_000, partial: false });
    });

    it('counts keys, values and headers exactly over many appends, across a reopen, and from a log start inside an append', async (ctx) => {
      const { store, harness } = await fresh(ctx);
      await store.createTopic('t', 1, {});
      // Appends of 1 to 4 records: text and binary keys, headers or none, multi-byte text.
      const batch = (i: number): RecordToAppend[] =>
        Array.from({ length: 1 + (i % 4) }, (_, j) => ({
          partition: 0,
          timestamp: 1_000 + i,
          key: j % 3 === 0 ? null : j % 3 === 1 ? `k${i}` : new Uint8Array(i % 5),
          value: i % 2 ? `"é${'x'.repeat(i)}"` : new Uint8Array(j + 1),
          headers: j % 2 ? '{"h":"ü"}' : null,
        }));
      for (let i = 0; i < 12; i++) await store.append([{ topic: 't', records: batch(i) }]);
      await store.close();
      // A store opened again continues the count from what is stored.
      const reopened = (await harness.open()) as typeof store;
      ctx.onTestFinished(() => reopened.close());
      for (let i = 12; i < 20; i++) await reopened.append([{ topic: 't', records: batch(i) }]);
      await reopened.truncateBefore('t', 0, 6); // inside the third append
      const bytes = (v: string | Uint8Array | null) => (v === null ? 0 : typeof v === 'string' ? Buffer.byteLength(v) : v.byteLength);
      const kept = await reopened.read('t', 0, 0, BIG);
      const sizes = kept.map((r) => bytes(r.key) + bytes(r.value) + bytes(r.headers));
      const total = sizes.reduce((a, b) => a + b, 0);
      /** The reference: the first offset from which the rest fit, dropping from the log start. */
      const expected = (max: number) => {
        let rest = total;
        let i = 0;
        while (rest > max && i < kept.length) rest -= sizes[i++]!;
        return i === 0 ? kept[0]!.offset : i < kept.length ? kept[i]!.offset : kept[kept.length - 1]!.offset + 1;
      };
      expect(kept[0]!.offset).toBe(6);
      for (const max of [total + 1, total, total - 1, Math.floor(total / 2), sizes.at(-1)!, 1, 0]) {
        expect((await reopened.offsetForSizeLimit('t', 0, max)).offset, `maxBytes ${max} of ${total}`).toBe(expected(max));
      }
    });
  });
}

/**
 * The operations are optional (LogStore): a store without them has these tests skipped, and says so in the report.
 * With `compaction: false`, only the reads by key run (a store that refuses compacted topics). With
 * `compactsWholeBatches`, the compaction tests append one record at a time: such a store (the JetStream
 * store: one message per appended batch) removes a batch only once every record of it may go, so exactly
 * the latest record per key is what it must reach when each record is its own batch (its own tests cover
 * batches of several records).
 */
export function keysConformance(freshStore: () => Promise<{ store: LogStore }>, { compaction = true, compactsWholeBatches = false } = {}): void {
  /** Appends to partitions as one batch, or one record per append for a store that compacts whole batches. */
  async function append(store: LogStore, topic: string, records: RecordToAppend[]): Promise<void> {
    if (!compactsWholeBatches) {
      await store.append([{ topic, records }]);
      return;
    }
    for (const record of records) await store.append([{ topic, records: [record] }]);
  }

  async function fresh(ctx: { skip: (note?: string) => never }): Promise<{ store: KeyedLogStore }> {
    const { store } = await freshStore();
    if (!hasKeyOperations(store)) ctx.skip('this store has no key operations (retention by size, compaction, table view)');
    return { store: store as KeyedLogStore };
  }

  describe('latestForKey', () => {
    it('answers the latest record of a key in each partition holding it, tombstones included; text and binary keys differ', async (ctx) => {
      const { store } = await fresh(ctx);
      await store.createTopic('t', 3, {});
      await append(store, 't', [
            keyed(0, 'a', '1', 10),
            keyed(0, 'b', '2'),
            keyed(0, 'a', '3', 30),
            keyed(2, 'a', '4', 40),
            keyed(0, new Uint8Array([0x61]), '5'),
            keyed(1, 'b', 'null'),
            keyed(1, null, '6'),
          ]);
      expect(await store.latestForKey('t', 'a')).toEqual([
        { partition: 0, offset: 2, timestamp: 30, key: 'a', value: '3', headers: null },
        { partition: 2, offset: 0, timestamp: 40, key: 'a', value: '4', headers: null },
      ]);
      const binary = await store.latestForKey('t', new Uint8Array([0x61]));
      expect(binary.map((r) => [r.partition, r.offset, show(r.key), r.value])).toEqual([[0, 3, 'bin:61', '5']]);
      expect((await store.latestForKey('t', 'b')).map((r) => [r.partition, r.value])).toEqual([
        [0, '2'],
        [1, 'null'],
      ]);
      expect(await store.latestForKey('t', 'nobody')).toEqual([]);
      await expect(store.latestForKey('missing', 'a')).rejects.toBeInstanceOf(GatewayError);
    });
  });

  describe('readLatest', () => {
    it('pages the latest record per key below an offset, in key order (text before binary), without tombstoned or keyless records', async (ctx) => {
      const { store } = await fresh(ctx);
      await store.createTopic('t', 2, {});
      await append(store, 't', [
            keyed(0, 'b', '"b1"'),
            keyed(0, new Uint8Array([1]), '"x1"'),
            keyed(0, 'a', '"a1"'),
            keyed(0, null, '"none"'),
            keyed(0, 'c', '"c1"'),
            keyed(0, 'b', '"b2"'),
            keyed(0, 'c', 'null'),
            keyed(0, 'a', '"a2"'),
            keyed(1, 'z', '"other partition"'),
          ]);
      const all = await store.readLatest('t', 0, { before: 8, limit: 100 });
      expect(pairs(all)).toEqual([
        ['a', '"a2"'],
        ['b', '"b2"'],
        ['bin:01', '"x1"'],
      ]);
      expect(offsetsOf(all)).toEqual([7, 5, 1]);
      // As of offset 6: c's tombstone and a's second version are not there yet.
      expect(pairs(await store.readLatest('t', 0, { before: 6, limit: 100 }))).toEqual([
        ['a', '"a1"'],
        ['b', '"b2"'],
        ['c', '"c1"'],
        ['bin:01', '"x1"'],
      ]);
      const first = await store.readLatest('t', 0, { before: 8, limit: 2 });
      expect(pairs(first)).toEqual([
        ['a', '"a2"'],
        ['b', '"b2"'],
      ]);
      expect(pairs(await store.readLatest('t', 0, { before: 8, limit: 2, afterKey: 'b' }))).toEqual([['bin:01', '"x1"']]);
      expect(await store.readLatest('t', 0, { before: 8, limit: 2, afterKey: new Uint8Array([1]) })).toEqual([]);
      expect(await store.readLatest('t', 0, { before: 0, limit: 10 })).toEqual([]);
      expect(pairs(await store.readLatest('t', 1, { before: 1, limit: 10 }))).toEqual([['z', '"other partition"']]);
    });

    it.runIf(compaction)('answers the same pages below `before` whatever is appended at or above it and compacted up to it (what a snapshot relies on)', async (ctx) => {
      const { store } = await fresh(ctx);
      await store.createTopic('t', 1, {});
      await append(store, 't', [keyed(0, 'a', '1'), keyed(0, 'b', '1'), keyed(0, 'a', '2'), keyed(0, 'c', '1')]);
      const before = 4;
      const pages = async () => [
        ...(await store.readLatest('t', 0, { before, limit: 2 })),
        ...(await store.readLatest('t', 0, { before, limit: 2, afterKey: 'b' })),
      ];
      const asOfBefore = await pages();
      expect(pairs(asOfBefore)).toEqual([
        ['a', '2'],
        ['b', '1'],
        ['c', '1'],
      ]);
      await append(store, 't', [keyed(0, 'a', '3'), keyed(0, 'b', 'null'), keyed(0, 'd', '1'), keyed(0, 'c', '2')]);
      await compactAll(store, 't', 0, before);
      await removeAllTombstones(store, 't', 0, before);
      expect(await pages()).toEqual(asOfBefore);
    });
  });

  describe.runIf(compaction)('compact and removeTombstones', () => {
    it('keeps the latest version of each key below `before`; offsets, bounds and keyless records stay; reads skip the gaps', async (ctx) => {
      const { store } = await fresh(ctx);
      await store.createTopic('t', 1, {});
      await append(store, 't', [keyed(0, 'a', '1'), keyed(0, null, '2'), keyed(0, 'b', '3'), keyed(0, 'a', '4'), keyed(0, 'b', '5'), keyed(0, 'a', '6')]);
      // Only versions below offset 5 supersede: a@0 goes (a@3), b@2 goes (b@4); a@3 stays (a@5 is not below 5).
      expect(await compactAll(store, 't', 0, 5)).toBe(2);
      expect(offsetsOf(await store.read('t', 0, 0, BIG))).toEqual([1, 3, 4, 5]);
      expect(await store.offsets('t')).toEqual([{ partition: 0, logStartOffset: 0, highWatermark: 6 }]);
      expect(await compactAll(store, 't', 0, 6)).toBe(1);
      const left = await store.read('t', 0, 0, BIG);
      expect(left.map((r) => [r.offset, show(r.key), r.value])).toEqual([
        [1, null, '2'],
        [4, 'b', '5'],
        [5, 'a', '6'],
      ]);
      // A read from inside a gap starts at the next record; encoded reads too.
      expect(offsetsOf(await store.read('t', 0, 2, { maxRecords: 1, maxBytes: BIG.maxBytes }))).toEqual([4]);
      const encoded = await store.readEncoded?.('t', 0, 2, { maxRecords: 10, maxBytes: 1 << 20 });
      if (encoded) expect([encoded.count, encoded.nextOffset]).toEqual([2, 6]);
      expect(await store.offsets('t')).toEqual([{ partition: 0, logStartOffset: 0, highWatermark: 6 }]);
      const next = await store.append([{ topic: 't', records: [keyed(0, 'a', '7')] }]);
      expect(next).toEqual([{ status: 'appended', positions: [{ partition: 0, offset: 6, timestamp: 1_000 }] }]);
    });

    it('leaves records newer than maxTimestamp', async (ctx) => {
      const { store } = await fresh(ctx);
      await store.createTopic('t', 1, {});
      await append(store, 't', [keyed(0, 'k', '1', 100), keyed(0, 'k', '2', 500), keyed(0, 'k', '3', 900)]);
      expect(await compactAll(store, 't', 0, 3, 499)).toBe(1);
      expect(offsetsOf(await store.read('t', 0, 0, BIG))).toEqual([1, 2]);
    });

    it('removes tombstones that are their key’s latest record with nothing older left, never the last record', async (ctx) => {
      const { store } = await fresh(ctx);
      await store.createTopic('t', 1, {});
      await append(store, 't', [keyed(0, 'a', '1'), keyed(0, 'a', 'null'), keyed(0, 'b', 'null'), keyed(0, 'c', '"v"'), keyed(0, 'd', 'null')]);
      // a's tombstone has a@0 before it: it stays until compaction has removed a@0.
      expect(await removeAllTombstones(store, 't', 0, 5)).toBeLessThanOrEqual(4);
      expect(offsetsOf(await store.read('t', 0, 0, BIG))).toEqual([0, 1, 3, 4]);
      await compactAll(store, 't', 0, 5);
      await removeAllTombstones(store, 't', 0, 5);
      // d@4 is the partition's last record: kept, so a read from below the high watermark finds one.
      expect(offsetsOf(await store.read('t', 0, 0, BIG))).toEqual([3, 4]);
      expect(await store.latestForKey('t', 'a')).toEqual([]);
      expect((await store.latestForKey('t', 'd')).map((r) => r.value)).toEqual(['null']);
      await append(store, 't', [keyed(0, 'e', '1')]);
      await removeAllTombstones(store, 't', 0, 6);
      expect(offsetsOf(await store.read('t', 0, 0, BIG))).toEqual([3, 5]);
    });

    it('leaves retention by size counting only the records compaction and tombstone removal left', async (ctx) => {
      const { store } = await fresh(ctx);
      await store.createTopic('t', 1, {});
      // A hot key's large versions between small records of other keys, and a key that its tombstone removes.
      const records: RecordToAppend[] = [];
      for (let i = 0; i < 6; i++) records.push(keyed(0, 'hot', `"${'h'.repeat(40 + i)}"`), keyed(0, `k${i}`, `"${'v'.repeat(i + 1)}"`));
      records.push(keyed(0, 'gone', `"${'g'.repeat(30)}"`), keyed(0, 'gone', 'null'), keyed(0, 'last', '"z"'));
      await append(store, 't', records);
      await compactAll(store, 't', 0, records.length);
      await removeAllTombstones(store, 't', 0, records.length);
      const left = await store.read('t', 0, 0, BIG);
      expect(left.map((r) => show(r.key))).toEqual(['k0', 'k1', 'k2', 'k3', 'k4', 'hot', 'k5', 'last']);
      const bytes = (v: string | Uint8Array | null) => (v === null ? 0 : typeof v === 'string' ? Buffer.byteLength(v) : v.byteLength);
      const sizes = left.map((r) => bytes(r.key) + bytes(r.value) + bytes(r.headers));
      /** The reference: the first offset from which the records left fit `max`, dropping the oldest first. */
      const expected = (max: number) => {
        let rest = sizes.reduce((a, b) => a + b, 0);
        let i = 0;
        while (rest > max && i < left.length) rest -= sizes[i++]!;
        return i === 0 ? 0 : left[i - 1]!.offset + 1;
      };
      // Every boundary: the bytes from each record left to the end, and one byte less.
      for (let i = 0; i < left.length; i++) {
        const fromHere = sizes.slice(i).reduce((a, b) => a + b, 0);
        for (const max of [fromHere, fromHere - 1]) {
          expect((await store.offsetForSizeLimit('t', 0, max)).offset, `maxBytes ${max}`).toBe(expected(max));
        }
      }
    });

    it('a pass over only what was appended since the last one removes those keys\' older versions below it too', async (ctx) => {
      const { store } = await fresh(ctx);
      await store.createTopic('t', 1, {});
      await append(store, 't', [keyed(0, 'a', '1'), keyed(0, 'b', '2'), keyed(0, 'a', '3'), keyed(0, 'c', '4')]);
      expect(await compactAll(store, 't', 0, 4)).toBe(1);
      await append(store, 't', [keyed(0, 'b', '5'), keyed(0, 'a', '6'), keyed(0, 'b', '7')]);
      // From offset 4 on: b@1 and a@2 (below it) go, and b@4 (superseded inside it); c@3 stays.
      expect(await compactAll(store, 't', 0, 7, FOREVER, 4)).toBe(3);
      expect((await store.read('t', 0, 0, BIG)).map((r) => [r.offset, show(r.key)])).toEqual([
        [3, 'c'],
        [5, 'a'],
        [6, 'b'],
      ]);
    });

    it('in steps of any budget, ends with exactly the latest record per key (random logs)', async (ctx) => {
      const { store } = await fresh(ctx);
      let n = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c', 'd', null), fc.boolean()), { minLength: 1, maxLength: 60 }),
          fc.nat(),
          async (ops, cut) => {
            const topic = `p${n++}`;
            await store.createTopic(topic, 1, {});
            const records = ops.map(([key, tombstone], i) => keyed(0, key, key !== null && tombstone ? 'null' : String(i)));
            await append(store, topic, records);
            const before = cut % (records.length + 1);
            await compactAll(store, topic, 0, before);
            // Model: a keyed record below `before` stays only if no later record of its key is below `before`.
            const expected = records
              .map((r, offset) => ({ ...r, offset }))
              .filter((r) => r.key === null || r.offset >= before || !records.some((o, j) => j > r.offset && j < before && o.key === r.key));
            expect((await store.read(topic, 0, 0, BIG)).map((r) => [r.offset, r.key, r.value])).toEqual(
              expected.map((r) => [r.offset, r.key, r.value]),
            );
          },
        ),
        { numRuns: 40 },
      );
    });
  });
}
