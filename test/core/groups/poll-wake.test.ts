/**
 * Group polls woken by an append are answered from the batch that woke them (shared-batch.ts), as
 * partition long-polls are: what each member gets is exactly what a fetch from its position returns,
 * and the store is not read once per member. (A partition with more than the batch
 * by the time the member answers, or a topic shown through a schema, is read from the store.)
 */
import { describe, expect, onTestFinished, test } from 'vitest';
import { openSqliteStore } from '../../../src/storage/sqlite/sqlite-store.js';
import { tempDir } from '../../helpers/gateway.js';
import { groupCoordinator, ManualClock, polledRecords } from '../../helpers/group-coordinator.js';
import { intercept } from '../../helpers/intercept.js';
import { until } from '../../helpers/until.js';

async function setup() {
  const raw = openSqliteStore({ dataDir: await tempDir(), synchronous: 'NORMAL' });
  const reads = { count: 0 };
  // Counts the store's record reads; every call still reaches the real store.
  const store = intercept(raw, {
    read: (read) => (...args) => (reads.count++, read(...args)),
    readEncoded: (readEncoded) => readEncoded && ((...args) => (reads.count++, readEncoded(...args))),
  });
  const { groups, log, notifier } = groupCoordinator(store, new ManualClock());
  await groups.start();
  onTestFinished(async () => {
    await groups.stop();
    raw.close();
  });
  await log.createTopic('t', 1);
  return { groups, log, notifier, reads };
}

const keyed = (i: number) => ({ key: `k${i}`, value: JSON.stringify({ i, pad: 'x'.repeat(i % 7) }), headers: i % 2 ? { h: String(i) } : null });

describe('group polls woken by an append', () => {
  test('get exactly what a fetch from their position returns, with no store read per member', async () => {
    const { groups, log, notifier, reads } = await setup();
    await log.produce('t', [0, 1, 2].map(keyed));
    // Eight members, each alone in its group, parked at the end of the partition (offset 3).
    const members = await Promise.all(Array.from({ length: 8 }, (_, i) => groups.join(`g${i}`, { topics: ['t'], autoOffsetReset: 'latest' })));
    const polls = members.map((m, i) => groups.poll(`g${i}`, m.memberId, { maxRecords: 100, maxBytes: 1e6, waitMs: 30_000 }));
    await until('every member is parked', () => notifier.waiting === members.length);

    const before = reads.count;
    await log.produce('t', [3, 4, 5, 6].map(keyed));
    const answers = await Promise.all(polls);
    expect(reads.count - before).toBe(0);

    const fetched = JSON.parse('[' + (await log.fetch('t', 0, 3, { maxRecords: 100, maxBytes: 1e6, waitMs: 0 })).json.toString() + ']');
    expect(fetched.map((r: { offset: number }) => r.offset)).toEqual([3, 4, 5, 6]);
    for (const answer of answers) {
      expect(polledRecords(answer)).toEqual(fetched);
      expect(answer.recordCount).toBe(4);
      expect(answer.nextOffsets).toEqual([{ topic: 't', partition: 0, offset: 7 }]);
    }
  });

  test('cut by their limits as a read cuts, and continue from there with a read', async () => {
    const { groups, log, notifier } = await setup();
    const m = await groups.join('g', { topics: ['t'], autoOffsetReset: 'latest' });
    const poll = groups.poll('g', m.memberId, { maxRecords: 2, maxBytes: 1e6, waitMs: 30_000 });
    await until('the member is parked', () => notifier.waiting === 1);
    await log.produce('t', [0, 1, 2].map(keyed));
    const first = await poll;
    expect(polledRecords(first).map((r) => r.offset)).toEqual([0, 1]);
    const rest = await groups.poll('g', m.memberId, { maxRecords: 100, maxBytes: 1e6, waitMs: 0 });
    expect(polledRecords(rest).map((r) => r.offset)).toEqual([2]);
  });
});
