/**
 * Tailers (issue 9): a long-poll that finds records already there (a tailer re-polling after an
 * answer) is answered without waiting for more, but at its turn, within the per-turn budget that
 * wake-ups share, so producers get through between waves of answers; answers at one position in
 * one turn share one store read; every answer is what a fetch without waiting returns.
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
  // An answer's read starts with readEncoded (which may decline and fall back to read): one per answer read.
  let reads = 0;
  const store = intercept(raw, { readEncoded: (readEncoded) => (...args) => (reads++, readEncoded!(...args)) });
  const notifier = new Notifier(undefined, { wakeChunk });
  const settings = { autoCreateTopics: false, defaultPartitions: 1, maxPartitions: 4, maxRecordBytes: 100_000, idempotencyWindowMs: 1_000 };
  const log = new Log(store, notifier, settings, systemClock);
  const ac = new AbortController();
  onTestFinished(() => ac.abort());
  const produce = (topic: string, records: ProduceRecordInput[]) => log.produce(topic, records.map(decodeProduceRecord));
  const poll = (limits: Partial<FetchOptions> = {}): FetchOptions => ({ maxRecords: 100, maxBytes: 1_000_000, waitMs: 60_000, signals: [ac.signal], ...limits });
  return { log, notifier, produce, poll, reads: () => reads };
}

const values = (r: FetchResult) => parseEncoded(r.json).map((x) => x.value);

/** The answer as a client sees it: the JSON parsed, the rest as is. */
const seen = ({ json, ...rest }: FetchResult) => ({ ...rest, records: parseEncoded(json) });

describe('tailers: long-polls that find records already there', () => {
  it('are answered at their turn, one chunk a turn, so a produce gets through before the wave is over', async () => {
    const { log, notifier, produce, poll } = await setup(1);
    await log.createTopic('t', 1);
    await produce('t', [{ value: 'a' }]);
    let answered = 0;
    const tailers = Array.from({ length: 30 }, () => log.fetch('t', 0, 0, poll()).then((r) => (answered++, r)));
    // Each waits for its turn: none is answered while the produce is parsed and submitted.
    await produce('t', [{ value: 'b' }]);
    expect(answered).toBeLessThan(30);
    expect(notifier.waiters.size).toBe(30 - answered);
    const answers = await Promise.all(tailers);
    // Each answer holds what was there at its turn: 'a', then 'a' and 'b' once the produce committed.
    for (const a of answers) expect(['a', 'a,b']).toContain(values(a).join(','));
    expect(values(answers[answers.length - 1]!)).toEqual(['a', 'b']);
    expect(notifier.waiters.size).toBe(0);
  });

  it('property: each answer is what a fetch without waiting returns; answers at one position in one turn share one read', async () => {
    const { log, produce, poll, reads } = await setup();
    const recordArb: fc.Arbitrary<ProduceRecordInput> = fc.record(
      {
        key: fc.option(fc.string({ unit: 'grapheme', maxLength: 8 })),
        value: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.string({ unit: 'grapheme', maxLength: 60 })),
      },
      { requiredKeys: ['value'] },
    );
    const limitsArb = fc.record({ maxRecords: fc.integer({ min: 1, max: 30 }), maxBytes: fc.integer({ min: 1, max: 600 }) });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(recordArb, { minLength: 1, maxLength: 25 }),
        fc.nat(),
        fc.uniqueArray(limitsArb, { minLength: 1, maxLength: 4, selector: (l) => `${l.maxRecords}/${l.maxBytes}` }),
        fc.integer({ min: 1, max: 4 }),
        async (records, at, limits, copies) => {
          const topic = `t${run++}`;
          await log.createTopic(topic, 1);
          await produce(topic, records);
          const offset = at % records.length;
          const before = reads();
          // `copies` tailers per limit, all at one offset, all granted in one turn (wakeChunk 256).
          const answers = await Promise.all(limits.flatMap((l) => Array.from({ length: copies }, () => log.fetch(topic, 0, offset, poll(l)))));
          expect(reads() - before, 'store reads: one per distinct answer').toBe(limits.length);
          for (let i = 0; i < answers.length; i++) {
            const limit = limits[Math.floor(i / copies)]!;
            expect(seen(answers[i]!)).toEqual(seen(await log.fetch(topic, 0, offset, poll({ ...limit, waitMs: 0 }))));
          }
        },
      ),
      { numRuns: 30 },
    );
  });

  it('a woken poll whose turn comes after later appends answers with them too, as a fetch then would', async () => {
    const { log, notifier, produce, poll } = await setup(1);
    await log.createTopic('t', 1);
    const first = log.fetch('t', 0, 0, poll());
    const second = log.fetch('t', 0, 0, poll());
    for (let i = 0; i < 100 && notifier.waiters.size < 2; i++) await turn();
    expect(notifier.waiters.size).toBe(2);
    await produce('t', [{ value: 'a' }]);
    // Both are queued to be woken by 'a' (one a turn); 'b' waits for its commit when the first
    // chunk's turn comes, and commits go before a chunk (waiter-registry.ts yieldTo).
    await produce('t', [{ value: 'b' }]);
    const fetched = seen(await log.fetch('t', 0, 0, poll({ waitMs: 0 })));
    for (const answer of [await first, await second]) {
      expect(seen(answer)).toEqual(fetched);
      expect(values(answer)).toEqual(['a', 'b']);
    }
  });

  it('a poll whose client goes away while it waits for its turn leaves the registry and is answered at once', async () => {
    const { log, notifier, produce, poll } = await setup(1);
    await log.createTopic('t', 1);
    await produce('t', [{ value: 'a' }]);
    const ahead = Array.from({ length: 5 }, () => log.fetch('t', 0, 0, poll()));
    const client = new AbortController();
    const leaving = log.fetch('t', 0, 0, poll({ signals: [client.signal] }));
    for (let i = 0; i < 100 && notifier.waiters.size < 6; i++) await Promise.resolve();
    expect(notifier.waiters.size).toBe(6);
    client.abort();
    expect(notifier.waiters.size).toBe(5);
    expect(values(await leaving)).toEqual(['a']);
    expect((await Promise.all(ahead)).map(values)).toEqual(Array.from({ length: 5 }, () => ['a']));
    expect(notifier.waiters.size).toBe(0);
  });

  it('a poll whose own client went away while it waited for its turn is answered empty, with no read; one ended by shutdown is answered in full', async () => {
    const { log, notifier, produce, poll, reads } = await setup(1);
    await log.createTopic('t', 1);
    await produce('t', [{ value: 'a' }]);
    const shutdown = new AbortController();
    const ahead = Array.from({ length: 5 }, () => log.fetch('t', 0, 0, poll({ signals: [shutdown.signal] })));
    const client = new AbortController();
    const gone = log.fetch('t', 0, 0, poll({ signals: [client.signal, shutdown.signal], client: client.signal }));
    for (let i = 0; i < 100 && notifier.waiters.size < 6; i++) await Promise.resolve();
    expect(notifier.waiters.size).toBe(6);
    const readsBefore = reads();
    client.abort();
    const answer = await gone;
    expect([answer.count, answer.nextOffset, values(answer)]).toEqual([0, 0, []]);
    expect(reads()).toBe(readsBefore);
    // The gateway shutting down ends the others' waits too: their clients are there, they get the records.
    shutdown.abort();
    expect((await Promise.all(ahead)).map(values)).toEqual(Array.from({ length: 5 }, () => ['a']));
    expect(notifier.waiters.size).toBe(0);
  });
});
