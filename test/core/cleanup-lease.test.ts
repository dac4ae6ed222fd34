/**
 * One gateway of a cluster cleans up at a time (cleanup-lease.ts). Two leases (two gateways) on one real SQLite
 * store, whose cluster leases are the store's own, as two gateway processes share a cluster; each has its own
 * clock. (The same on the real cluster, processes killed: test/cluster/cleanup-lease.test.ts.)
 */
import { expect, onTestFinished, test } from 'vitest';
import type { Clock } from '../../src/core/clock.js';
import { CleanupLease } from '../../src/core/cleanup-lease.js';
import { Retention } from '../../src/core/retention.js';
import { openSqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import { tempDir } from '../helpers/gateway.js';

class ManualClock implements Clock {
  t = 1_700_000_000_000;
  now() {
    return this.t;
  }
}

const LEASE_MS = 30_000;

async function twoGateways() {
  const store = openSqliteStore({ dataDir: tempDir(), synchronous: 'NORMAL' });
  onTestFinished(() => store.close());
  const clocks = [new ManualClock(), new ManualClock()];
  return { store, clocks, leases: clocks.map((clock) => new CleanupLease(store, clock, LEASE_MS)) };
}

test('one holder at a time; another takes over once the lease ran out by its clock, or at once when the holder stops', async () => {
  const { clocks, leases } = await twoGateways();
  const [a, b] = leases as [CleanupLease, CleanupLease];
  expect(await a.hold()).toBe(true);
  expect(await b.hold()).toBe(false);
  expect([a.held(), b.held()]).toEqual([true, false]);
  // The holder renews (the timer's claim) and keeps it; the other, a moment before expiry by its clock, still cannot.
  clocks[0]!.t += 20_000;
  expect(await a.claim()).toBe(true);
  clocks[1]!.t += 49_999;
  expect(await b.hold()).toBe(false);
  // The holder dies (no more renewals): at expiry by the claimant's clock, the other takes it.
  clocks[1]!.t += 1;
  expect(await b.hold()).toBe(true);
  // The old holder's own reckoning ran out before that (a margin below the lease time): it no longer acts.
  clocks[0]!.t += 30_000;
  expect(a.held()).toBe(false);
  expect(await a.hold()).toBe(false);
  // A holder that stops lets it go at once.
  await b.stop();
  expect(b.held()).toBe(false);
  expect(await a.hold()).toBe(true);
});

test("retention's timer passes run only on the holder", async () => {
  const { store, leases } = await twoGateways();
  const counted = [0, 0];
  const retentions = leases.map(
    (lease, i) =>
      new Retention(store, { now: () => Date.now() }, { clusterLease: lease, observer: { produced() {}, produceOutcome() {}, fetched() {}, committed() {}, retentionRan: () => counted[i]!++ } }),
  );
  expect(await leases[0]!.hold()).toBe(true);
  retentions.forEach((r) => r.start(100, (err) => expect.fail(String(err))));
  onTestFinished(() => Promise.all(retentions.map((r) => r.stop())).then(() => undefined));
  await expect.poll(() => counted[0], { timeout: 30_000 }).toBeGreaterThanOrEqual(3);
  expect(counted[1]).toBe(0);
});
