/**
 * Recently appended records kept in memory (core/recent-records.ts, config recentRecordsBytes):
 * a fetch of a partition being read is answered from them, encoded once per record, with exactly
 * what the store's read returns; never for a compacted topic (its gaps come from the store);
 * never more than the bound. Real SQLite store; wrapped only to count its reads.
 */
import fc from 'fast-check';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Clock } from '../../src/core/clock.js';
import { Log, type FetchResult } from '../../src/core/log.js';
import { Notifier } from '../../src/core/notifier.js';
import { decodeProduceRecord, encodeRecords, recordBytes, type ProduceRecordInput } from '../../src/core/record-codec.js';
import { Retention } from '../../src/core/retention.js';
import { SnapshotLeases } from '../../src/core/snapshot-leases.js';
import { openSqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import { parseEncoded } from '../helpers/encoded.js';
import { tempDir } from '../helpers/gateway.js';
import { intercept } from '../helpers/intercept.js';

function setup(recentBytes = 1 << 20) {
  const clock = { t: Date.UTC(2024, 0, 1), now() { return this.t; } } satisfies Clock & { t: number };
  const raw = openSqliteStore({ dataDir: tempDir(), synchronous: 'NORMAL' });
  onTestFinished(() => raw.close());
  let reads = 0;
  const store = intercept(raw, { readEncoded: (readEncoded) => (...args) => (reads++, readEncoded!(...args)) });
  const notifier = new Notifier(undefined, { recentBytes });
  const settings = { autoCreateTopics: false, defaultPartitions: 1, maxPartitions: 4, maxRecordBytes: 100_000, idempotencyWindowMs: 1_000 };
  const log = new Log(store, notifier, settings, clock);
  const produce = (topic: string, records: ProduceRecordInput[]) => log.produce(topic, records.map(decodeProduceRecord));
  /** What the store itself returns for the same read. */
  const stored = async (topic: string, from: number, maxRecords: number, maxBytes: number) => {
    const bounds = (await raw.offsets(topic))[0]!;
    const start = Math.max(from, bounds.logStartOffset);
    // The SQLite store declines an encoded read that maxBytes may cut: its row read then.
    const encoded = (await raw.readEncoded!(topic, 0, start, { maxRecords, maxBytes })) ?? encodeRecords(topic, 0, start, await raw.read(topic, 0, start, { maxRecords, maxBytes }));
    return { records: parseEncoded(encoded.json), count: encoded.count, nextOffset: encoded.nextOffset, highWatermark: bounds.highWatermark };
  };
  const fetch = (topic: string, from: number, maxRecords = 1_000, maxBytes = 1 << 20) => log.fetch(topic, 0, from, { maxRecords, maxBytes, waitMs: 0 });
  return { clock, raw, log, notifier, produce, stored, fetch, reads: () => reads };
}

/** The answer as a client sees it. */
const seen = ({ json, count, nextOffset, highWatermark }: FetchResult) => ({ records: parseEncoded(json), count, nextOffset, highWatermark });

const recordArb: fc.Arbitrary<ProduceRecordInput> = fc.oneof(
  fc.record(
    {
      key: fc.option(fc.string({ unit: 'grapheme', maxLength: 8 })),
      value: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.string({ unit: 'grapheme', maxLength: 60 })),
      headers: fc.dictionary(fc.string({ minLength: 1, maxLength: 4 }), fc.string({ maxLength: 6 }), { maxKeys: 2 }),
    },
    { requiredKeys: ['value'] },
  ),
  // Binary keys and values travel as base64.
  fc.record({
    key: fc.base64String({ maxLength: 12 }),
    keyEncoding: fc.constant('base64' as const),
    value: fc.base64String({ maxLength: 40 }),
    valueEncoding: fc.constant('base64' as const),
  }),
);

describe('recent records: fetches of a partition being read, from memory', () => {
  it('property: every answer is exactly what the store reads (records, count, nextOffset), for any batches, offsets and limits', async () => {
    const { raw, log, produce, stored, fetch, reads } = setup();
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(recordArb, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 8 }),
        fc.array(
          fc.record({
            at: fc.nat(),
            maxRecords: fc.integer({ min: 1, max: 30 }),
            maxBytes: fc.integer({ min: 1, max: 400 }),
            // maxBytes exactly the bytes of the first `exact` records from `at` (a cut right at a record's end).
            exact: fc.option(fc.integer({ min: 1, max: 10 })),
          }),
          { minLength: 1, maxLength: 6 },
        ),
        async (batches, asks) => {
          const topic = `t${run++}`;
          await log.createTopic(topic, 1);
          // A first read of the partition makes it kept: what is appended after is answered from memory.
          await fetch(topic, 0);
          for (const batch of batches) await produce(topic, batch);
          const total = batches.flat().length;
          const before = reads();
          for (const { at, maxRecords, maxBytes: bytes, exact } of asks) {
            const from = at % total;
            const firsts = exact === null ? [] : await raw.read(topic, 0, from, { maxRecords: exact, maxBytes: Number.MAX_SAFE_INTEGER });
            const maxBytes = exact === null ? bytes : firsts.reduce((sum, r) => sum + recordBytes(r), 0);
            expect(seen(await fetch(topic, from, maxRecords, maxBytes))).toEqual(await stored(topic, from, maxRecords, maxBytes));
          }
          // The answers above came from memory: no store read was made for them.
          expect(reads()).toBe(before);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('encodes each record once, however many readers at however many offsets read it', async () => {
    const { log, notifier, produce, fetch, reads } = setup();
    await log.createTopic('t', 1);
    await fetch('t', 0);
    for (let i = 0; i < 20; i++) await produce('t', [{ value: { i } }]);
    const before = reads();
    const answers = await Promise.all(Array.from({ length: 100 }, (_, r) => fetch('t', r % 20, 7)));
    expect(reads()).toBe(before);
    expect(notifier.recent.encoded).toBe(20);
    answers.forEach((a, r) => expect(parseEncoded(a.json).map((x) => (x.value as { i: number }).i)).toEqual(Array.from({ length: Math.min(7, 20 - (r % 20)) }, (_, k) => (r % 20) + k)));
  });

  it('reads from the store what is older than the first record kept, then what a read made kept', async () => {
    const { log, produce, stored, fetch, reads } = setup();
    await log.createTopic('t', 1);
    await produce('t', [{ value: 1 }, { value: 2 }]);
    // Nothing read the partition when these were appended: the store answers, and the partition is kept from here on.
    expect(seen(await fetch('t', 0))).toEqual(await stored('t', 0, 1_000, 1 << 20));
    expect(reads()).toBe(1);
    await produce('t', [{ value: 3 }]);
    expect(seen(await fetch('t', 2))).toEqual(await stored('t', 2, 1_000, 1 << 20));
    expect(reads()).toBe(1);
    // A range that starts before the kept records is the store's.
    expect(seen(await fetch('t', 1))).toEqual(await stored('t', 1, 1_000, 1 << 20));
    expect(reads()).toBe(2);
  });

  it('never answers a compacted topic from memory: its answers have the gaps compaction left', async () => {
    const { clock, raw, log, produce, stored, fetch, notifier } = setup();
    const leases = new SnapshotLeases(raw.snapshotLeases, clock, { snapshotLeaseMs: 60_000, maxOpenSnapshots: 10 });
    const cleanup = new Retention(raw, clock, { stepMs: 5, leases, afterPendingCommits: () => log.commitsSettled() });
    await log.createTopic('table', 1, { cleanupPolicy: 'compact' });
    await fetch('table', 0);
    await produce('table', [{ key: 'a', value: 1 }, { key: 'b', value: 1 }]);
    await produce('table', [{ key: 'a', value: 2 }]);
    expect(await cleanup.runOnce()).toMatchObject({ compacted: 1 });
    const answer = seen(await fetch('table', 0));
    expect(answer).toEqual(await stored('table', 0, 1_000, 1 << 20));
    expect(answer.records.map((r) => r.offset)).toEqual([1, 2]);
    expect(notifier.recent.bytes).toBe(0);
  });

  it('a topic made compacted stops being answered from memory', async () => {
    const { clock, raw, log, produce, stored, fetch } = setup();
    const leases = new SnapshotLeases(raw.snapshotLeases, clock, { snapshotLeaseMs: 60_000, maxOpenSnapshots: 10 });
    const cleanup = new Retention(raw, clock, { stepMs: 5, leases, afterPendingCommits: () => log.commitsSettled() });
    await log.createTopic('t', 1);
    await fetch('t', 0);
    await produce('t', [{ key: 'a', value: 1 }, { key: 'b', value: 1 }, { key: 'a', value: 2 }]);
    expect(seen(await fetch('t', 0)).count).toBe(3);
    await log.updateTopic('t', { config: { cleanupPolicy: 'compact' } });
    expect(await cleanup.runOnce()).toMatchObject({ compacted: 1 });
    expect(seen(await fetch('t', 0))).toEqual(await stored('t', 0, 1_000, 1 << 20));
    expect(seen(await fetch('t', 0)).records.map((r) => r.offset)).toEqual([1, 2]);
  });

  it('holds at most its bound; past it the oldest records go and their reads are the store’s', async () => {
    const { log, notifier, produce, stored, fetch, reads } = setup(2_000);
    await log.createTopic('t', 1);
    await fetch('t', 0);
    for (let i = 0; i < 40; i++) {
      await produce('t', [{ value: 'x'.repeat(100) }]);
      // Read as a tailer would: each new record is encoded.
      await fetch('t', i);
      expect(notifier.recent.bytes).toBeLessThanOrEqual(2_000);
    }
    for (const from of [0, 20, 39]) expect(seen(await fetch('t', from))).toEqual(await stored('t', from, 1_000, 1 << 20));
    const before = reads();
    await fetch('t', 39);
    expect(reads()).toBe(before); // the newest record is still kept
    await fetch('t', 0);
    expect(reads()).toBe(before + 1); // the oldest is not
  });

  it('a topic deleted and made again answers its new records, not the old ones', async () => {
    const { log, produce, stored, fetch } = setup();
    await log.createTopic('t', 1);
    await fetch('t', 0);
    await produce('t', [{ value: 'old' }, { value: 'old' }]);
    await fetch('t', 0);
    await log.deleteTopic('t');
    await log.createTopic('t', 1);
    await fetch('t', 0);
    await produce('t', [{ value: 'new' }]);
    const answer = seen(await fetch('t', 0));
    expect(answer).toEqual(await stored('t', 0, 1_000, 1 << 20));
    expect(answer.records.map((r) => r.value)).toEqual(['new']);
  });

  it('a topic deleted and made again by another gateway (the store changed, this notifier told nothing) is not answered from the old one', async () => {
    const { raw, log, produce, stored, fetch } = setup();
    await log.createTopic('t', 1);
    await fetch('t', 0);
    await produce('t', [{ value: 'old' }, { value: 'old' }]);
    await fetch('t', 0);
    // Another gateway on a shared store: delete, create (a later creation time) and append, all unheard here.
    await raw.deleteTopic('t');
    const deletedAt = Date.now();
    while (Date.now() === deletedAt) await new Promise((resolve) => setTimeout(resolve, 1));
    await raw.createTopic('t', 1, {});
    await raw.append([{ topic: 't', records: [{ partition: 0, timestamp: Date.now(), key: null, value: JSON.stringify('new'), headers: null }] }]);
    const answer = seen(await fetch('t', 0));
    expect(answer).toEqual(await stored('t', 0, 1_000, 1 << 20));
    expect(answer.records.map((r) => r.value)).toEqual(['new']);
  });

  it('counts what it holds: a record waiting to be encoded by its bytes and its object, an encoded one by its segment and index', async () => {
    const { log, notifier, produce, fetch } = setup();
    await log.createTopic('t', 1);
    await fetch('t', 0);
    // 1-byte values: their bytes alone would count 1,000 records as ~1 KB, where they take ~100 KB.
    await produce('t', Array.from({ length: 1_000 }, () => ({ value: 1 })));
    expect(notifier.recent.bytes).toBeGreaterThanOrEqual(1_000 * 90);
    await fetch('t', 0);
    // Encoded: at least the JSON itself (each record's offset, timestamp, key, value, headers) and two index entries each.
    expect(notifier.recent.bytes).toBeGreaterThanOrEqual(1_000 * (50 + 16));
  });

  it('keeps nothing with a bound of 0: every read is the store’s', async () => {
    const { log, notifier, produce, fetch, reads } = setup(0);
    await log.createTopic('t', 1);
    await fetch('t', 0);
    await produce('t', [{ value: 1 }]);
    await fetch('t', 0);
    expect(reads()).toBe(1);
    expect(notifier.recent.bytes).toBe(0);
  });
});
