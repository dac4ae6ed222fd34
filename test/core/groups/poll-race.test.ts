/**
 * Group poll race (the same as the partition long-poll's): a poll reads its partitions'
 * bounds, finds nothing, then waits for an append. An append published between the two
 * (another request's commit while the poll awaited the store; with a networked store,
 * another node's append) must answer the poll at once, not after its whole waitMs.
 */
import { expect, onTestFinished, test } from 'vitest';
import { systemClock } from '../../../src/core/clock.js';
import { GroupCoordinator } from '../../../src/core/groups.js';
import { Log } from '../../../src/core/log.js';
import { Notifier } from '../../../src/core/notifier.js';
import { decodeProduceRecord } from '../../../src/core/record-codec.js';
import { openSqliteStore } from '../../../src/storage/sqlite/sqlite-store.js';
import { tempDir } from '../../helpers/gateway.js';
import { intercept } from '../../helpers/intercept.js';

test('a record appended between the poll’s read of the bounds and its wait answers the poll at once', async () => {
  const store = openSqliteStore({ dataDir: tempDir(), synchronous: 'NORMAL' });
  onTestFinished(() => store.close());
  // When armed, offsets() answers with the bounds as they were, after a produce has landed.
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
  const groups = new GroupCoordinator({
    store: racing,
    log,
    notifier,
    clock: systemClock,
    settings: {
      groupSessionTimeoutMs: 60_000,
      groupMinSessionTimeoutMs: 100,
      groupMaxSessionTimeoutMs: 120_000,
      groupHeartbeatIntervalMs: 1_000,
      groupMaxMembers: 4,
      groupSessionCheckIntervalMs: 3_600_000,
    },
  });
  await groups.start();
  onTestFinished(() => groups.stop());
  await log.createTopic('t', 1);
  const member = await groups.join('g', { topics: ['t'], autoOffsetReset: 'earliest' });

  const baseline = notifier.listenerCount; // the coordinator's own topic listener
  interleave = true;
  let settled = false;
  const ac = new AbortController();
  onTestFinished(() => ac.abort());
  const polled = groups
    .poll('g', member.memberId, { maxRecords: 10, maxBytes: 1_000, waitMs: 60_000, signals: [ac.signal] })
    .finally(() => (settled = true));
  // Either the poll answers, or it is stuck waiting for a record that is already there.
  const deadline = Date.now() + 10_000;
  while (!settled && notifier.listenerCount === baseline && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  const stuck = !settled;
  ac.abort();
  expect(stuck).toBe(false);
  const result = await polled;
  expect(result.recordCount).toBe(1);
  expect(JSON.parse(result.recordsJson)[0].value).toBe('raced');
});
