/**
 * After a group commit the log publishes one batch per partition touched, with that
 * partition's records in offset order and its new high watermark, however the records
 * of the requests sharing the commit alternate between partitions and topics.
 */
import { expect, onTestFinished, test } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { Log } from '../../src/core/log.js';
import { Notifier, type AppendedRecords } from '../../src/core/notifier.js';
import { decodeProduceRecord } from '../../src/core/record-codec.js';
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
