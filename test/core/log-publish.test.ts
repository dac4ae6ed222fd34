/**
 * After a group commit the log publishes one batch per partition touched, with that
 * partition's records in offset order and its new high watermark, however the records
 * of the requests sharing the commit alternate between partitions and topics. A batch is dense:
 * when another writer's records land between two requests of one commit (a JetStream store shared
 * by gateways), each run of consecutive offsets is published on its own.
 */
import { expect, onTestFinished, test } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { Log } from '../../src/core/log.js';
import { Notifier, type AppendedRecords } from '../../src/core/notifier.js';
import { decodeProduceRecord } from '../../src/core/record-codec.js';
import type { AppendOutcome, AppendRequest, LogStore } from '../../src/storage/log-store.js';
import { openSqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import { tempDir } from '../helpers/gateway.js';

test('one published batch per partition of a group commit, in offset order, across runs, requests and topics', async () => {
  const store = openSqliteStore({ dataDir: tempDir(), synchronous: 'NORMAL' });
  onTestFinished(() => store.close());
  const notifier = new Notifier();
  const settings = { autoCreateTopics: false, defaultPartitions: 1, maxPartitions: 8, maxRecordBytes: 1_000, idempotencyWindowMs: 1_000 };
  const log = new Log(store, notifier, settings, systemClock);
  await log.createTopic('a', 3);
  await log.createTopic('b', 3);
  const heard: AppendedRecords[] = [];
  for (const topic of ['a', 'b']) for (const p of [0, 1, 2]) notifier.onAppend(topic, p, (batch) => heard.push(batch));

  const rec = (partition: number, value: string) => decodeProduceRecord({ partition, value });
  // Submitted in the same turn, so they share one commit: runs of 0, 0, 1, 1, 0, 2 in 'a', then 0, 1 in 'a' and 1, 1 in 'b'
  // (a run may not carry over from one request to the next, even to the same partition number).
  await Promise.all([
    log.produce('a', [rec(0, 'a0'), rec(0, 'a1'), rec(1, 'a2'), rec(1, 'a3'), rec(0, 'a4'), rec(2, 'a5')]),
    log.produce('a', [rec(0, 'a6'), rec(1, 'a7')]),
    log.produce('b', [rec(1, 'b0'), rec(1, 'b1')]),
  ]);

  const summary = heard
    .map((b) => ({ at: `${b.topic}/${b.partition}`, hw: b.highWatermark, records: b.records.map((r) => `${r.offset}:${JSON.parse(r.value as string)}`) }))
    .sort((x, y) => x.at.localeCompare(y.at));
  expect(summary).toEqual([
    { at: 'a/0', hw: 4, records: ['0:a0', '1:a1', '2:a4', '3:a6'] },
    { at: 'a/1', hw: 3, records: ['0:a2', '1:a3', '2:a7'] },
    { at: 'a/2', hw: 1, records: ['0:a5'] },
    { at: 'b/1', hw: 2, records: ['0:b0', '1:b1'] },
  ]);
});

/**
 * The real store, as a second gateway sharing it would leave it: between the requests of one
 * commit, `foreign` is appended to the same partition by somebody else.
 */
function interleavedStore(store: LogStore, foreign: AppendRequest): LogStore {
  const append = async (requests: AppendRequest[]): Promise<AppendOutcome[]> => {
    const outcomes: AppendOutcome[] = [];
    for (const [i, request] of requests.entries()) {
      if (i === 1) await store.append([foreign]);
      outcomes.push(...(await store.append([request])));
    }
    return outcomes;
  };
  return new Proxy(store, {
    get: (target, name) => {
      if (name === 'append') return append;
      const value = Reflect.get(target, name) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

test("another writer's records between two requests of one commit: each dense run is published on its own, and a long-poll at the gap reads them", async () => {
  const store = openSqliteStore({ dataDir: tempDir(), synchronous: 'NORMAL' });
  onTestFinished(() => store.close());
  const notifier = new Notifier(undefined, { recentBytes: 1 << 20 });
  const settings = { autoCreateTopics: false, defaultPartitions: 1, maxPartitions: 8, maxRecordBytes: 1_000, idempotencyWindowMs: 1_000 };
  const rec = (value: string) => decodeProduceRecord({ partition: 0, value });
  const foreign = { topic: 't', records: [rec('x0'), rec('x1')].map((r) => ({ ...r, partition: 0, timestamp: Date.now() })) };
  const log = new Log(interleavedStore(store, foreign as AppendRequest), notifier, settings, systemClock);
  await log.createTopic('t', 1);
  const heard: AppendedRecords[] = [];
  notifier.onAppend('t', 0, (batch) => heard.push(batch));
  await log.produce('t', [rec('a0')]);
  // A reader at the end, so the partition's published records are kept in memory from now on.
  expect((await log.fetch('t', 0, 1, { maxRecords: 10, maxBytes: 1 << 20, waitMs: 0 })).count).toBe(0);

  const waiting = log.fetch('t', 0, 1, { maxRecords: 10, maxBytes: 1 << 20, waitMs: 5_000 });
  // One commit of two requests; the other writer's two records land between them.
  await Promise.all([log.produce('t', [rec('a1')]), log.produce('t', [rec('a2'), rec('a3')])]);

  expect(heard.map((b) => ({ hw: b.highWatermark, records: b.records.map((r) => `${r.offset}:${JSON.parse(r.value as string)}`) }))).toEqual([
    { hw: 1, records: ['0:a0'] },
    { hw: 2, records: ['1:a1'] },
    { hw: 6, records: ['4:a2', '5:a3'] },
  ]);
  // Offsets 2 and 3 are the other writer's: neither the waking batch nor the kept records may skip them.
  const values = (json: Uint8Array) => (JSON.parse(`[${Buffer.from(json).toString()}]`) as { offset: number; value: string }[]).map((r) => `${r.offset}:${r.value}`);
  const after = ['1:a1', '2:x0', '3:x1', '4:a2', '5:a3'];
  const woken = await waiting;
  expect(values(woken.json)).toEqual(after);
  for (const from of [1, 2, 3, 4, 5]) {
    const read = await log.fetch('t', 0, from, { maxRecords: 10, maxBytes: 1 << 20, waitMs: 0 });
    expect(values(read.json)).toEqual(after.slice(from - 1));
    expect(read.nextOffset).toBe(6);
  }
});
