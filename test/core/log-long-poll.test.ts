/**
 * Long-poll race: fetch reads the partition's bounds, then waits for an append. An append
 * that commits and is published between the two (another request's commit finishing while
 * fetch awaits the store; with a networked store, another node's append) used to be missed:
 * the fetch then waited its whole waitMs although a record was there.
 */
import { expect, onTestFinished, test } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { Log } from '../../src/core/log.js';
import { Notifier } from '../../src/core/notifier.js';
import { decodeProduceRecord } from '../../src/core/record-codec.js';
import { openSqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import { tempDir } from '../helpers/gateway.js';
import { intercept } from '../helpers/intercept.js';

test('a record appended between the read of the bounds and the wait answers the long-poll at once', async () => {
  const store = openSqliteStore({ dataDir: tempDir(), synchronous: 'NORMAL' });
  onTestFinished(() => store.close());
  // The first offsets() of the fetch answers with the bounds as they were, after a produce has landed.
  let interleave = false;
  const racing = intercept(store, {
    offsets: (offsets) => async (topic) => {
      const bounds = await offsets(topic);
      if (interleave) {
        interleave = false;
        await log.produce('t', [decodeProduceRecord({ value: 'raced' })]);
      }
      return bounds;
    },
  });
  const notifier = new Notifier();
  const settings = { autoCreateTopics: false, defaultPartitions: 1, maxPartitions: 4, maxRecordBytes: 1_000, idempotencyWindowMs: 1_000 };
  const log = new Log(racing, notifier, settings, systemClock);
  await log.createTopic('t', 1);

  interleave = true;
  let settled = false;
  const ac = new AbortController();
  onTestFinished(() => ac.abort());
  const fetched = log.fetch('t', 0, 0, { maxRecords: 10, maxBytes: 1_000, waitMs: 60_000, signals: [ac.signal] }).finally(() => {
    settled = true;
  });
  // Either the fetch answers, or it is stuck waiting for a record that is already there.
  const deadline = Date.now() + 10_000;
  while (!settled && notifier.listenerCount === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  const stuck = !settled;
  ac.abort();
  expect(stuck).toBe(false);
  const result = await fetched;
  expect(result.records.map((r) => r.value)).toEqual(['"raced"']);
  expect(result.highWatermark).toBe(1);
  expect(notifier.listenerCount).toBe(0);
});
