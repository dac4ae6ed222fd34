/**
 * Long-polls woken off the commit path (issue 9): producers are answered before any waiter is
 * woken; waiters woken by an append are answered from that batch in memory, encoded once per
 * slice, with exactly what a fetch right after the commit returns; Kafka's minBytes.
 * Real SQLite store; the store is wrapped only to count its reads.
 */
import fc from 'fast-check';
import { describe, expect, it, onTestFinished } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { Log, type FetchOptions, type FetchResult } from '../../src/core/log.js';
import { Notifier } from '../../src/core/notifier.js';
import { decodeProduceRecord, type ProduceRecordInput } from '../../src/core/record-codec.js';
import { openSqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import { parseEncoded } from '../helpers/encoded.js';
import { tempDir } from '../helpers/gateway.js';
import { intercept } from '../helpers/intercept.js';

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

async function setup(wakeChunk = 256) {
  const raw = openSqliteStore({ dataDir: tempDir(), synchronous: 'NORMAL' });
  onTestFinished(() => raw.close());
  let reads = 0;
  const store = intercept(raw, {
    read: (read) => (...args) => (reads++, read(...args)),
    readEncoded: (readEncoded) => (...args) => (reads++, readEncoded!(...args)),
  });
  const notifier = new Notifier(undefined, { wakeChunk });
  const settings = { autoCreateTopics: false, defaultPartitions: 1, maxPartitions: 4, maxRecordBytes: 100_000, idempotencyWindowMs: 1_000 };
  const log = new Log(store, notifier, settings, systemClock);
  const ac = new AbortController();
  onTestFinished(() => ac.abort());
  const produce = (topic: string, records: ProduceRecordInput[]) => log.produce(topic, records.map(decodeProduceRecord));
  /** Resolves once `n` waits are parked (each fetch parks after awaiting the store's bounds). */
  const parked = async (n: number) => {
    for (let i = 0; i < 1_000 && notifier.waiters.size < n; i++) await turn();
    expect(notifier.waiters.size).toBe(n);
  };
  const wait = (limits: Partial<FetchOptions> = {}): FetchOptions => ({
    maxRecords: 100,
    maxBytes: 1_000_000,
    waitMs: 60_000,
    signals: [ac.signal],
    ...limits,
  });
  return { log, notifier, produce, parked, wait, reads: () => reads };
}

const values = (r: FetchResult) => parseEncoded(r.json).map((x) => x.value);

describe('long-poll wake-ups', () => {
  it('the producers are answered before any waiter is woken; waiters then wake in chunks', async () => {
    const { log, notifier, produce, parked, wait } = await setup(1);
    await log.createTopic('t', 1);
    const answered: number[] = [];
    const fetches = Array.from({ length: 5 }, (_, i) => log.fetch('t', 0, 0, wait()).then((r) => (answered.push(i), r)));
    await parked(5);
    await produce('t', [{ value: 'x' }]);
    // The ack resolved while every waiter was still parked: waking them is not part of the commit.
    expect({ parked: notifier.waiters.size, answered: answered.length }).toEqual({ parked: 5, answered: 0 });
    await turn();
    // One per turn (wakeChunk 1).
    expect(notifier.waiters.size).toBe(4);
    const results = await Promise.all(fetches);
    expect(results.map(values)).toEqual(Array.from({ length: 5 }, () => ['x']));
    expect(notifier.waiters.size).toBe(0);
  });

  it('property: waiters answered from the batch get exactly what a fetch returns, with no store read, one encoding per slice', async () => {
    const { log, produce, parked, wait, reads } = await setup();
    const recordArb: fc.Arbitrary<ProduceRecordInput> = fc.record(
      {
        key: fc.option(fc.string({ unit: 'grapheme', maxLength: 8 })),
        value: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.string({ unit: 'grapheme', maxLength: 60 })),
        headers: fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ unit: 'grapheme', maxLength: 6 }), { maxKeys: 2 }),
      },
      { requiredKeys: ['value'] },
    );
    const binaryArb = fc.uint8Array({ maxLength: 40 }).map((b): ProduceRecordInput => ({ value: Buffer.from(b).toString('base64'), valueEncoding: 'base64' }));
    const limitsArb = fc.record({ maxRecords: fc.integer({ min: 1, max: 30 }), maxBytes: fc.integer({ min: 1, max: 600 }) });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(recordArb, { maxLength: 4 }),
        fc.array(fc.oneof(recordArb, binaryArb), { minLength: 1, maxLength: 25 }),
        fc.array(limitsArb, { minLength: 1, maxLength: 6 }),
        async (before, batch, limits) => {
          const topic = `t${run++}`;
          await log.createTopic(topic, 1);
          if (before.length) await produce(topic, before);
          const at = before.length;
          // Every limit twice: two waiters at one position with one limit share one encoding.
          const all = [...limits, ...limits];
          const waiting = all.map((l) => log.fetch(topic, 0, at, wait(l)));
          await parked(all.length);
          const readsBefore = reads();
          await produce(topic, batch);
          const answers = await Promise.all(waiting);
          expect(reads() - readsBefore, 'store reads made to answer the woken waiters').toBe(0);
          for (let i = 0; i < all.length; i++) {
            const fetched = await log.fetch(topic, 0, at, wait({ ...all[i]!, waitMs: 0 }));
            const { json, ...rest } = answers[i]!;
            const { json: expectedJson, ...expectedRest } = fetched;
            expect(rest).toEqual(expectedRest);
            expect(parseEncoded(json)).toEqual(parseEncoded(expectedJson));
          }
          for (let i = 0; i < limits.length; i++) expect(answers[i]!.json).toBe(answers[i + limits.length]!.json);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('a record with an empty value wakes a waiter (it counts toward minBytes 1)', async () => {
    const { log, produce, parked, wait } = await setup();
    await log.createTopic('t', 1);
    const pending = log.fetch('t', 0, 0, wait({ maxRecords: 1, maxBytes: 1 }));
    await parked(1);
    await produce('t', [{ value: '', valueEncoding: 'base64' }]);
    expect(await pending).toMatchObject({ count: 1, nextOffset: 1 });
  });

  it('a waiter the batch does not start (minBytes with records before it) gets what a fetch returns, by a read', async () => {
    const { log, notifier, produce, parked, wait } = await setup();
    await log.createTopic('t', 1);
    await produce('t', [{ value: 'a' }]);
    // 3 bytes there ("a" with its quotes); wants 10.
    const pending = log.fetch('t', 0, 0, wait({ minBytes: 10 }));
    await parked(1);
    await produce('t', [{ value: 'bcdefgh' }]);
    const answer = await pending;
    expect(values(answer)).toEqual(['a', 'bcdefgh']);
    expect(answer).toMatchObject({ count: 2, nextOffset: 2, highWatermark: 2 });
    expect(notifier.waiters.size).toBe(0);
  });
});

describe('minBytes', () => {
  it('waits until that many record bytes are there, then answers with all of them', async () => {
    const { log, notifier, produce, parked, wait } = await setup();
    await log.createTopic('t', 1);
    let answered = false;
    const pending = log.fetch('t', 0, 0, wait({ minBytes: 10 })).finally(() => (answered = true));
    await parked(1);
    await produce('t', [{ value: 'ab' }]); // 4 bytes
    for (let i = 0; i < 5; i++) await turn();
    expect({ answered, parked: notifier.waiters.size }).toEqual({ answered: false, parked: 1 });
    await produce('t', [{ value: 'cdef' }]); // 6 more: 10
    expect(values(await pending)).toEqual(['ab', 'cdef']);
  });

  it('answers with what is there when waitMs ends first', async () => {
    const { log, produce, wait } = await setup();
    await log.createTopic('t', 1);
    await produce('t', [{ value: 'ab' }]);
    const answer = await log.fetch('t', 0, 0, wait({ minBytes: 1_000, waitMs: 50 }));
    expect(values(answer)).toEqual(['ab']);
    expect(answer.nextOffset).toBe(1);
  });

  it('answers at once when the answer is full (limit or maxBytes), however few bytes it holds', async () => {
    const { log, notifier, produce, wait } = await setup();
    await log.createTopic('t', 1);
    await produce('t', [{ value: 1 }, { value: 2 }, { value: 3 }]);
    const byLimit = log.fetch('t', 0, 0, wait({ minBytes: 1_000, maxRecords: 2 }));
    const byBytes = log.fetch('t', 0, 0, wait({ minBytes: 1_000, maxBytes: 2 }));
    expect(notifier.waiters.size).toBe(0);
    expect(values(await byLimit)).toEqual([1, 2]);
    expect(values(await byBytes)).toEqual([1, 2]);
    expect(notifier.waiters.size).toBe(0);
  });
});
