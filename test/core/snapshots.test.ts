import fc from 'fast-check';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Clock } from '../../src/core/clock.js';
import { Log } from '../../src/core/log.js';
import { Notifier } from '../../src/core/notifier.js';
import { Retention } from '../../src/core/retention.js';
import { SnapshotLeases } from '../../src/core/snapshot-leases.js';
import { Snapshots, type SnapshotPage } from '../../src/core/snapshots.js';
import type { PartitionRecord } from '../../src/storage/log-store.js';
import { openSqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import { tempDir } from '../helpers/gateway.js';
import { intercept } from '../helpers/intercept.js';

const BIG = { maxRecords: 1_000_000, maxBytes: Number.MAX_SAFE_INTEGER };

/** A real SQLite store, the core Log, cleanup and snapshots sharing their leases, on a clock the test moves. */
function setup(maxOpenSnapshots = 10) {
  const clock = { t: Date.UTC(2024, 0, 1), now() { return this.t; } } satisfies Clock & { t: number };
  const store = openSqliteStore({ dataDir: tempDir(), synchronous: 'NORMAL' });
  onTestFinished(() => store.close());
  const log = new Log(store, new Notifier(), { autoCreateTopics: false, defaultPartitions: 1, maxPartitions: 100, maxRecordBytes: 1 << 20, idempotencyWindowMs: 10_000 }, clock);
  const leases = new SnapshotLeases(store.snapshotLeases, clock, { snapshotLeaseMs: 1_000, maxOpenSnapshots });
  const cleanup = new Retention(store, clock, { stepMs: 0, leases, afterPendingCommits: () => log.commitsSettled() });
  const snapshots = new Snapshots(store, leases);
  /** Produces [partition, key, value] triples; a value of null is a tombstone. */
  const put = (topic: string, records: [number, string | Uint8Array, unknown][]) =>
    log.produce(topic, records.map(([partition, key, value]) => ({ key, value: JSON.stringify(value), headers: null, partition })));
  return { clock, store, log, leases, cleanup, snapshots, put };
}

const show = (r: PartitionRecord) => [r.partition, typeof r.key === 'string' ? r.key : `bin:${Buffer.from(r.key!).toString('hex')}`, r.offset, r.value];

describe('Snapshots', () => {
  it('pages the latest record per key by partition then key, tombstoned keys left out, with the offsets on the first page; the last page ends it', async () => {
    const { log, put, snapshots, leases } = setup();
    await log.createTopic('t', 2, { cleanupPolicy: 'compact' });
    await put('t', [
      [0, 'b', 1],
      [0, 'a', 1],
      [1, 'z', 1],
      [0, 'b', 2],
      [0, 'c', 1],
      [0, 'c', null],
      [0, new Uint8Array([7]), 'bin'],
      [1, 'y', 1],
    ]);
    const first = await snapshots.page('t', undefined, { maxRecords: 2, maxBytes: 1 << 20 });
    expect(first.offsets).toEqual([
      { partition: 0, offset: 6 },
      { partition: 1, offset: 2 },
    ]);
    expect(first.records.map(show)).toEqual([
      [0, 'a', 1, '1'],
      [0, 'b', 2, '2'],
    ]);
    expect(await leases.horizon('t', 0)).toBe(6);
    const second = await snapshots.page('t', first.nextCursor!, { maxRecords: 2, maxBytes: 1 << 20 });
    expect(second.offsets).toBeUndefined();
    expect(second.records.map(show)).toEqual([
      [0, 'bin:07', 5, '"bin"'],
      [1, 'y', 1, '1'],
    ]);
    // Asking for a page again (an answer lost on the way) gives the same page.
    expect((await snapshots.page('t', first.nextCursor!, { maxRecords: 2, maxBytes: 1 << 20 })).records).toEqual(second.records);
    const last = await snapshots.page('t', second.nextCursor!, { maxRecords: 2, maxBytes: 1 << 20 });
    expect(last.records.map(show)).toEqual([[1, 'z', 0, '1']]);
    expect(last.nextCursor).toBeNull();
    expect(await leases.horizon('t', 0), 'the last page ends the snapshot').toBe(Infinity);
    await expect(snapshots.page('t', second.nextCursor!, { maxRecords: 2, maxBytes: 1 << 20 })).rejects.toMatchObject({ code: 'SNAPSHOT_EXPIRED' });
  });

  it('keeps to the byte budget (the first record always comes), refuses bad and expired cursors, and frees the lease of a failed first page', async () => {
    const { clock, log, put, snapshots, leases } = setup(1);
    await log.createTopic('t', 1, {});
    await put('t', [
      [0, 'a', 'x'.repeat(100)],
      [0, 'b', 'x'.repeat(100)],
    ]);
    const first = await snapshots.page('t', undefined, { maxRecords: 10, maxBytes: 50 });
    expect(first.records.map((r) => r.key)).toEqual(['a']);
    await expect(snapshots.page('t', undefined, { maxRecords: 10, maxBytes: 50 })).rejects.toMatchObject({ code: 'OVERLOADED' });
    await expect(snapshots.page('t', 'nonsense', BIG)).rejects.toMatchObject({ code: 'INVALID_CURSOR' });
    await expect(snapshots.page('other', first.nextCursor!, BIG)).rejects.toMatchObject({ code: 'SNAPSHOT_EXPIRED' });
    clock.t += 1_000;
    await expect(snapshots.page('t', first.nextCursor!, BIG)).rejects.toMatchObject({ code: 'SNAPSHOT_EXPIRED' });
    expect(await leases.horizon('t', 0)).toBe(Infinity);
    await expect(snapshots.page('missing', undefined, BIG)).rejects.toMatchObject({ code: 'TOPIC_NOT_FOUND' });
    const whole = await snapshots.page('t', undefined, BIG);
    expect([whole.records.length, whole.nextCursor]).toEqual([2, null]);
  });

  it('opens its lease before it reads its offsets: a compaction pass while the lease is being put removes no version the snapshot returns', async () => {
    const { store, log, cleanup, put } = setup();
    const leases = new SnapshotLeases(
      {
        list: (topic) => store.snapshotLeases.list(topic),
        get: (topic, id) => store.snapshotLeases.get(topic, id),
        delete: (topic, id, revision) => store.snapshotLeases.delete(topic, id, revision),
        // As a put on a cluster may be slow: meanwhile 'k' gets a newer version and a pass compacts what it can.
        put: async (lease) => {
          if (lease.pages.length === 1 && lease.pages[0]!.page === 0) {
            await put('t', [[0, 'k', 2]]);
            await cleanup.runOnce();
          }
          await store.snapshotLeases.put(lease);
        },
      },
      { now: () => Date.UTC(2024, 0, 1) },
      { snapshotLeaseMs: 1_000, maxOpenSnapshots: 10 },
    );
    await log.createTopic('t', 1, { cleanupPolicy: 'compact' });
    await put('t', [
      [0, 'k', 1],
      [0, 'other', 1],
    ]);
    const page = await new Snapshots(store, leases).page('t', undefined, BIG);
    // Whatever its offsets, the snapshot has 'k' as of them: its latest version below them.
    const through = page.offsets![0]!.offset;
    const latestBelow = (await store.read('t', 0, 0, BIG)).filter((r) => r.key === 'k' && r.offset < through).at(-1);
    expect(latestBelow).toBeDefined();
    expect(page.records.map(show)).toEqual([
      [0, 'k', latestBelow!.offset, latestBelow!.value],
      [0, 'other', 1, '1'],
    ]);
  });

  it('ends when its topic was deleted and created again under its name while a page was being read, never paging the new topic', async () => {
    const { store, log, leases, put } = setup();
    let race: 'recreate before the read' | 'delete after the read' | undefined;
    // The topic changes while a page reads (on a cluster, through another gateway, at any moment).
    const racing = intercept(store, {
      readLatest: (readLatest) => async (topic, partition, query) => {
        const now = race;
        race = undefined;
        if (now === 'recreate before the read') {
          await log.deleteTopic('t');
          // A topic's createdAt is the store's wall clock in ms: the new one is made in a later millisecond.
          await new Promise((resolve) => setTimeout(resolve, 5));
          await log.createTopic('t', 1, { cleanupPolicy: 'compact' });
          await put('t', [
            [0, 'new', 1],
            [0, 'newer', 1],
          ]);
        }
        const found = await readLatest!(topic, partition, query);
        if (now === 'delete after the read') await log.deleteTopic('t');
        return found;
      },
    });
    const snapshots = new Snapshots(racing, leases);
    const ONE = { maxRecords: 1, maxBytes: 1 << 20 };
    await log.createTopic('t', 1, { cleanupPolicy: 'compact' });
    await put('t', [
      [0, 'a', 1],
      [0, 'b', 1],
      [0, 'c', 1],
    ]);
    const first = await snapshots.page('t', undefined, ONE);
    expect(first.records.map((r) => r.key)).toEqual(['a']);
    race = 'recreate before the read';
    await expect(snapshots.page('t', first.nextCursor!, ONE)).rejects.toMatchObject({
      code: 'SNAPSHOT_EXPIRED',
      message: expect.stringMatching(/deleted and created again/) as string,
    });
    // The lease the page wrote meanwhile (now the new topic's) is gone: the old cursor stays refused.
    await expect(snapshots.page('t', first.nextCursor!, ONE)).rejects.toMatchObject({ code: 'SNAPSHOT_EXPIRED' });
    expect(await leases.horizon('t', 0)).toBe(Infinity);

    // A snapshot of the new topic; the topic deleted (not made again) while its next page reads: not found.
    const again = await snapshots.page('t', undefined, ONE);
    expect(again.records.map((r) => r.key)).toEqual(['new']);
    race = 'delete after the read';
    await expect(snapshots.page('t', again.nextCursor!, ONE)).rejects.toMatchObject({ code: 'TOPIC_NOT_FOUND' });
  });

  it('is the state as of its offsets whatever is produced and compacted between its pages (random runs against a model)', async () => {
    const { log, put, snapshots, cleanup, store } = setup();
    let n = 0;
    const op = fc.tuple(fc.nat(2), fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), fc.option(fc.nat(99), { freq: 4 }));
    await fc.assert(
      fc.asyncProperty(
        fc.array(op, { maxLength: 40 }),
        fc.array(fc.record({ limit: fc.integer({ min: 1, max: 4 }), produce: fc.array(op, { maxLength: 6 }), compact: fc.boolean() }), { minLength: 1, maxLength: 30 }),
        fc.constantFrom('compact', 'delete' as const),
        async (before, pages, policy) => {
          const topic = `t${n++}`;
          await log.createTopic(topic, 3, { cleanupPolicy: policy });
          if (before.length > 0) await put(topic, before);
          // The model: the latest record per partition and key as of the snapshot's start.
          const expected = new Map<string, string>();
          const counts = [0, 0, 0];
          for (const [partition, key, value] of before) {
            const offset = counts[partition]!++;
            if (value === null) expected.delete(`${partition}/${key}`);
            else expected.set(`${partition}/${key}`, `${offset}:${value}`);
          }
          await cleanup.runOnce();
          const seen = new Map<string, string>();
          let page: SnapshotPage | undefined;
          for (const step of pages) {
            page = await snapshots.page(topic, page?.nextCursor ?? undefined, { maxRecords: step.limit, maxBytes: BIG.maxBytes });
            if (page.offsets) expect(page.offsets.map((o) => o.offset)).toEqual(counts);
            for (const r of page.records) {
              const id = `${r.partition}/${String(r.key)}`;
              expect(seen.has(id), `${id} twice`).toBe(false);
              seen.set(id, `${r.offset}:${r.value}`);
            }
            if (page.nextCursor === null) break;
            if (step.produce.length > 0) await put(topic, step.produce);
            if (step.compact) await cleanup.runOnce();
          }
          if (page!.nextCursor !== null) {
            // Not enough pages drawn: read the rest at once.
            for (let cursor: string | null = page!.nextCursor; cursor !== null; ) {
              const rest: SnapshotPage = await snapshots.page(topic, cursor, BIG);
              for (const r of rest.records) seen.set(`${r.partition}/${String(r.key)}`, `${r.offset}:${r.value}`);
              cursor = rest.nextCursor;
            }
          }
          expect(new Map([...seen].sort())).toEqual(new Map([...expected].sort()));
          await store.deleteTopic(topic);
        },
      ),
      { numRuns: 60 },
    );
  });
});
