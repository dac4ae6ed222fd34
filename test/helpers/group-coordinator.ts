/**
 * A group coordinator on a given store, as the gateway builds one (its own Log and Notifier), for the
 * core tests that drive groups without HTTP. Settings default to a test's usual ones: generous
 * sessions, and expiry left to the test (groupSessionCheckIntervalMs of an hour).
 */
import type { Clock } from '../../src/core/clock.js';
import { GroupCoordinator } from '../../src/core/groups.js';
import type { GroupSettings, PollResult } from '../../src/core/groups/types.js';
import { joinRecordChunks } from '../../src/core/record-codec.js';
import { Log } from '../../src/core/log.js';
import { Notifier } from '../../src/core/notifier.js';
import type { LogStore } from '../../src/storage/log-store.js';

export const TEST_GROUP_SETTINGS: GroupSettings = {
  groupSessionTimeoutMs: 60_000,
  groupMinSessionTimeoutMs: 100,
  groupMaxSessionTimeoutMs: 600_000,
  groupHeartbeatIntervalMs: 100,
  groupMaxMembers: 10,
  groupMaxGroups: 100,
  groupSessionCheckIntervalMs: 3_600_000,
};

/** A clock the test moves by hand. */
export class ManualClock implements Clock {
  t = 1_700_000_000_000;
  now() {
    return this.t;
  }
}

export function groupCoordinator(store: LogStore, clock: Clock, settings: Partial<GroupSettings> = {}, shared?: boolean) {
  const notifier = new Notifier();
  const log = new Log(store, notifier, { autoCreateTopics: false, defaultPartitions: 1, maxPartitions: 100, maxRecordBytes: 1_000_000, idempotencyWindowMs: 60_000 }, clock);
  const groups = new GroupCoordinator({ store, log, notifier, clock, settings: { ...TEST_GROUP_SETTINGS, ...settings }, ...(shared === undefined ? {} : { shared }) });
  return { groups, log, notifier };
}

/** A poll's records, parsed as a client of the REST answer would (the core hands them out as JSON chunks). */
export function polledRecords(result: PollResult): Array<{ topic: string; partition: number; offset: number; value: unknown }> {
  return JSON.parse(joinRecordChunks(result.records).toString());
}
