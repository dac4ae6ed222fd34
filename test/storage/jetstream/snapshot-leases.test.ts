/**
 * Issue 14's snapshots on a cluster: two stores on one namespace stand for two gateways, each with its own
 * core (SnapshotLeases, Snapshots, cleanup). A snapshot's lease is in the namespace's bucket, so compaction
 * on the gateway holding the cleanup lease honours a snapshot paged on the other, and either gateway serves
 * its next page. When compaction overtook a snapshot all the same (its lease put after the compactor read
 * the leases: here a compactor that sees none), the next page fails with SNAPSHOT_EXPIRED instead of
 * leaving the key out.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { systemClock } from '../../../src/core/clock.js';
import { Retention } from '../../../src/core/retention.js';
import { SnapshotLeases } from '../../../src/core/snapshot-leases.js';
import { Snapshots } from '../../../src/core/snapshots.js';
import type { LogStore } from '../../../src/storage/log-store.js';
import { MemorySnapshotLeases } from '../../../src/storage/memory-snapshot-leases.js';
import { freshNamespace, openTestStore, useNatsCluster } from '../../helpers/nats-cluster.js';

const cluster = useNatsCluster();
const SETTINGS = { snapshotLeaseMs: 60_000, maxOpenSnapshots: 10 };
const ONE = { maxRecords: 1, maxBytes: 1 << 20 };

/** A gateway's core over its own store of the shared namespace. */
function gateway(store: LogStore) {
  const leases = new SnapshotLeases(store.snapshotLeases, systemClock, SETTINGS);
  return { store, leases, snapshots: new Snapshots(store, leases), cleanup: new Retention(store, systemClock, { stepMs: 5, leases }) };
}

async function twoGateways() {
  const namespace = freshNamespace();
  const a = await openTestStore(cluster.urls, namespace);
  onTestFinished(() => a.close());
  const b = await openTestStore(cluster.urls, namespace);
  onTestFinished(() => b.close());
  return { a: gateway(a), b: gateway(b) };
}

/** One append per record: this store compacts whole batches. */
async function put(store: LogStore, topic: string, ...pairs: [string | Uint8Array, number][]) {
  for (const [key, value] of pairs) await store.append([{ topic, records: [{ partition: 0, timestamp: Date.now(), key, value: JSON.stringify(value), headers: null }] }]);
}

const stored = async (store: LogStore, topic: string) =>
  (await store.read(topic, 0, 0, { maxRecords: 100, maxBytes: 1 << 20 })).map((r) => [r.offset, r.key, r.value]);

describe('jetstream store: snapshots on two gateways', () => {
  it('compaction over one gateway keeps the version a snapshot paged on the other still needs, and removes it once the snapshot ends', async () => {
    const { a, b } = await twoGateways();
    await a.store.createTopic('t', 1, { cleanupPolicy: 'compact' });
    await put(a.store, 't', ['k', 1], ['j', 1]);
    const first = await b.snapshots.page('t', undefined, ONE);
    expect(first.offsets).toEqual([{ partition: 0, offset: 2 }]);
    expect(first.records.map((r) => [r.key, r.value])).toEqual([['j', '1']]);
    await put(a.store, 't', ['k', 2]);

    expect(await a.cleanup.runOnce()).toMatchObject({ compacted: 0 });
    expect(await stored(a.store, 't'), "k@0 is the snapshot's version of k").toEqual([
      [0, 'k', '1'],
      [1, 'j', '1'],
      [2, 'k', '2'],
    ]);
    // The next page, asked of the compacting gateway, is the rest of the snapshot.
    const last = await a.snapshots.page('t', first.nextCursor!, ONE);
    expect(last.records.map((r) => [r.offset, r.key, r.value])).toEqual([[0, 'k', '1']]);
    expect(last.nextCursor).toBeNull();

    // The snapshot ended: nothing holds k@0 any more.
    expect(await a.cleanup.runOnce()).toMatchObject({ compacted: 1 });
    expect(await stored(a.store, 't')).toEqual([
      [1, 'j', '1'],
      [2, 'k', '2'],
    ]);
  });

  it('pages a snapshot on both gateways in turn, binary keys included', async () => {
    const { a, b } = await twoGateways();
    await a.store.createTopic('t', 2, { cleanupPolicy: 'compact' });
    await put(a.store, 't', ['a', 1], [new Uint8Array([1]), 2], [new Uint8Array([2, 255]), 3]);
    const pages = [await a.snapshots.page('t', undefined, ONE)];
    for (let i = 1; pages[pages.length - 1]!.nextCursor !== null; i++) {
      pages.push(await (i % 2 === 1 ? b : a).snapshots.page('t', pages[pages.length - 1]!.nextCursor!, ONE));
    }
    expect(pages.map((p) => p.records.map((r) => [typeof r.key === 'string' ? r.key : Buffer.from(r.key!).toString('hex'), r.value]))).toEqual([
      [['a', '1']],
      [['01', '2']],
      [['02ff', '3']],
    ]);
    // The last page ended it for both.
    expect(await b.leases.horizon('t', 0)).toBe(Infinity);
  });

  it('a snapshot that compaction overtook (the compactor read the leases before its lease was put) answers SNAPSHOT_EXPIRED, not a page without the key', async () => {
    const { a, b } = await twoGateways();
    await a.store.createTopic('t', 1, { cleanupPolicy: 'compact' });
    await put(a.store, 't', ['k', 1], ['j', 1]);
    const first = await b.snapshots.page('t', undefined, ONE);
    await put(a.store, 't', ['k', 2]);
    // A compactor that saw no lease: as one whose read of the leases came just before this snapshot's put.
    const blind = new Retention(a.store, systemClock, { stepMs: 5, leases: new SnapshotLeases(new MemorySnapshotLeases(), systemClock, SETTINGS) });
    expect(await blind.runOnce()).toMatchObject({ compacted: 1 });
    expect((await stored(a.store, 't')).map(([offset]) => offset)).toEqual([1, 2]);

    await expect(b.snapshots.page('t', first.nextCursor!, ONE)).rejects.toMatchObject({ code: 'SNAPSHOT_EXPIRED', message: expect.stringMatching(/compaction overtook/) as string });
    // It ended: it holds nothing, and its cursor is refused on either gateway.
    expect(await a.leases.horizon('t', 0)).toBe(Infinity);
    await expect(a.snapshots.page('t', first.nextCursor!, ONE)).rejects.toMatchObject({ code: 'SNAPSHOT_EXPIRED' });
    // A new snapshot is the state as it now is.
    expect((await b.snapshots.page('t', undefined, { maxRecords: 10, maxBytes: 1 << 20 })).records.map((r) => [r.key, r.value])).toEqual([
      ['j', '1'],
      ['k', '2'],
    ]);
  });
});
