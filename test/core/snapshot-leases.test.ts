/**
 * The rule of snapshot leases (src/core/snapshot-leases.ts) over the records a store keeps: two
 * SnapshotLeases over one store stand for two gateways of a namespace. The store is the real in-memory one
 * the SQLite store uses (the JetStream store's is tested in test/storage/jetstream/snapshot-leases.test.ts).
 */
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../src/core/clock.js';
import { SnapshotLeases } from '../../src/core/snapshot-leases.js';
import { MemorySnapshotLeases } from '../../src/storage/memory-snapshot-leases.js';

const LEASE_MS = 1_000;

function setup(maxOpenSnapshots = 10) {
  const clock = { t: 1_000_000, now() { return this.t; } } satisfies Clock & { t: number };
  const store = new MemorySnapshotLeases();
  const gateway = () => new SnapshotLeases(store, clock, { snapshotLeaseMs: LEASE_MS, maxOpenSnapshots });
  return { clock, store, a: gateway(), b: gateway() };
}

describe('SnapshotLeases', () => {
  it('holds compaction of each partition below the lowest offset of the live leases of its topic, whichever gateway opened them', async () => {
    const { a, b } = setup();
    expect(await a.horizon('t', 0)).toBe(Infinity);
    await a.open('t', [5, 9]);
    await b.open('t', [7, 2]);
    await b.open('other', [0, 0]);
    for (const gateway of [a, b]) {
      expect([await gateway.horizon('t', 0), await gateway.horizon('t', 1)]).toEqual([5, 2]);
      // A partition added after the snapshots began is in none of them.
      expect(await gateway.horizon('t', 2)).toBe(Infinity);
    }
  });

  it("opening a snapshot removes its topic's ended leases, so abandoned snapshots leave no records behind", async () => {
    const { clock, store, a, b } = setup();
    const abandoned = await a.open('t', [1]);
    await a.open('other', [1]);
    clock.t += LEASE_MS;
    await b.open('t', [2]);
    expect((await store.list('t')).map((l) => l.id)).not.toContain(abandoned);
    expect(await store.list('t')).toHaveLength(1);
    // Another topic's are left to its own next snapshot (or compaction) to find.
    expect(await store.list('other')).toHaveLength(1);
  });

  it('serves a page on either gateway: the record keeps where the page served and the next one start (binary keys too), earlier pages forgotten', async () => {
    const { a, b } = setup();
    const id = await a.open('t', [4, 4]);
    expect(await b.renew(id, 't', 0)).toEqual({ offsets: [4, 4], position: { partition: 0, afterKey: undefined } });
    await b.served(id, 't', [6, 6], 0, { partition: 0 }, { partition: 0, afterKey: 'k' });
    expect(await a.renew(id, 't', 1)).toEqual({ offsets: [6, 6], position: { partition: 0, afterKey: 'k' } });
    const bytes = new Uint8Array([0, 255]);
    await a.served(id, 't', [6, 6], 1, { partition: 0, afterKey: 'k' }, { partition: 1, afterKey: bytes });
    expect(await b.renew(id, 't', 2)).toEqual({ offsets: [6, 6], position: { partition: 1, afterKey: bytes } });
    // The page just served may be asked for again (its answer was lost); the one before it is gone.
    expect((await b.renew(id, 't', 1))?.position).toEqual({ partition: 0, afterKey: 'k' });
    expect(await b.renew(id, 't', 0)).toBeUndefined();
    expect(await b.renew(id, 't', 3), 'a page not reached yet').toBeUndefined();
    expect(await b.renew(id, 'other', 2), "another topic's cursor").toBeUndefined();
    await b.close(id, 't');
    expect(await a.renew(id, 't', 2)).toBeUndefined();
    expect(await a.horizon('t', 0)).toBe(Infinity);
  });

  it('ends leaseMs after the last page; whoever finds an expired lease deletes its record', async () => {
    const { clock, store, a, b } = setup();
    const id = await a.open('t', [3]);
    clock.t += LEASE_MS - 1;
    await a.served(id, 't', [3], 0, { partition: 0 }, { partition: 0, afterKey: 'k' });
    clock.t += LEASE_MS - 1;
    expect(await b.horizon('t', 0), 'a page renews it').toBe(3);
    clock.t += 1;
    expect(await b.horizon('t', 0)).toBe(Infinity);
    expect(await store.list('t'), 'deleted by the gateway that found it expired').toEqual([]);

    const other = await b.open('t', [1]);
    clock.t += LEASE_MS;
    expect(await a.renew(other, 't', 0)).toBeUndefined();
    expect(await store.get('t', other)).toBeUndefined();
  });

  it('a gateway that finds a lease expired deletes the version it read: a page served meanwhile on another gateway renewed it, and the snapshot goes on', async () => {
    const { clock, store, b } = setup();
    let meanwhile: (() => Promise<void>) | undefined;
    // Gateway a, whose deletion of what it found expired waits for b's page to be written.
    const a = new SnapshotLeases(
      {
        put: (lease) => store.put(lease),
        get: (topic, id) => store.get(topic, id),
        list: (topic) => store.list(topic),
        delete: async (topic, id, revision) => {
          await meanwhile?.();
          await store.delete(topic, id, revision);
        },
      },
      clock,
      { snapshotLeaseMs: LEASE_MS, maxOpenSnapshots: 10 },
    );
    const id = await b.open('t', [3]);
    clock.t += LEASE_MS;
    // b's first page, asked for in time (or by b's clock, a little behind a's), is written as a reads the
    // lease, expired, and deletes it.
    meanwhile = () => b.served(id, 't', [3], 0, { partition: 0 }, { partition: 0, afterKey: 'k' });
    expect(await a.horizon('t', 0), 'as a read it').toBe(Infinity);
    meanwhile = undefined;
    expect(await b.renew(id, 't', 1), 'the next page').toEqual({ offsets: [3], position: { partition: 0, afterKey: 'k' } });
    expect(await a.horizon('t', 0), 'held again').toBe(3);
  });

  it('a renewal writes the lease only when less than half its time is left, and then for another leaseMs', async () => {
    const { clock, store, a } = setup();
    const id = await a.open('t', [3]);
    const opened = (await store.get('t', id))!.expiresAt;
    clock.t += LEASE_MS / 2 - 1;
    await a.renew(id, 't', 0);
    expect((await store.get('t', id))!.expiresAt).toBe(opened);
    clock.t += 2;
    await a.renew(id, 't', 0);
    expect((await store.get('t', id))!.expiresAt).toBe(clock.t + LEASE_MS);
  });

  it('maxOpenSnapshots counts the snapshots opened through this gateway until they end (closed here, or expired)', async () => {
    const { clock, a, b } = setup(2);
    const first = await a.open('t', [0]);
    await a.open('u', [0]);
    await expect(a.open('t', [0])).rejects.toMatchObject({ code: 'OVERLOADED' });
    // The limit is per gateway: another has its own.
    await b.open('t', [0]);
    await a.close(first, 't');
    const third = await a.open('t', [0]);
    await expect(a.open('t', [0])).rejects.toMatchObject({ code: 'OVERLOADED' });
    // Paged through this gateway, a lease counts until its renewed expiry; then it no longer counts.
    clock.t += LEASE_MS - 1;
    await a.served(third, 't', [0], 0, { partition: 0 }, { partition: 0, afterKey: 'k' });
    clock.t += 1;
    // The lease of 'u' expired (never paged on): its place is free; the one paged on still counts.
    await a.open('t', [0]);
    await expect(a.open('t', [0]), 'the one paged on is still open').rejects.toMatchObject({ code: 'OVERLOADED' });
    clock.t += LEASE_MS;
    await a.open('t', [0]);
    await a.open('t', [0]);
  });

  it('maxOpenSnapshots holds for opens that race each other', async () => {
    const { a } = setup(2);
    const opens = await Promise.allSettled(Array.from({ length: 5 }, () => a.open('t', [0])));
    expect(opens.filter((o) => o.status === 'fulfilled')).toHaveLength(2);
  });
});
