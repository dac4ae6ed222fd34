/**
 * Group poll race (the same as the partition long-poll's): a poll reads its partitions'
 * bounds, finds nothing, then waits for an append. An append published between the two
 * (another request's commit while the poll awaited the store; with a networked store,
 * another node's append) must answer the poll at once, not after its whole waitMs.
 */
import { expect, onTestFinished, test } from 'vitest';
import { systemClock } from '../../../src/core/clock.js';
import { GroupCoordinator } from '../../../src/core/groups.js';
import { polledRecords } from '../../helpers/group-coordinator.js';
import { racingLog } from '../../helpers/race.js';

test('a record appended between the poll’s read of the bounds and its wait answers the poll at once', async () => {
  const race = await racingLog();
  const groups = new GroupCoordinator({
    store: race.store,
    log: race.log,
    notifier: race.notifier,
    clock: systemClock,
    settings: {
      groupSessionTimeoutMs: 60_000,
      groupMinSessionTimeoutMs: 100,
      groupMaxSessionTimeoutMs: 120_000,
      groupHeartbeatIntervalMs: 1_000,
      groupMaxMembers: 4,
      groupMaxGroups: 10,
      groupSessionCheckIntervalMs: 3_600_000,
    },
  });
  await groups.start();
  onTestFinished(() => groups.stop());
  const member = await groups.join('g', { topics: ['t'], autoOffsetReset: 'earliest' });

  const baseline = race.notifier.listenerCount; // the coordinator's own topic listener
  race.arm();
  const polled = groups.poll('g', member.memberId, { maxRecords: 10, maxBytes: 1_000, waitMs: 60_000, signals: [race.signal] });
  expect(await race.answeredAtOnce(polled, baseline)).toBe(true);
  const result = await polled;
  expect(result.recordCount).toBe(1);
  expect(polledRecords(result)[0]?.value).toBe('raced');
});
