import fc from 'fast-check';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Clock } from '../../src/core/clock.js';
import { Log } from '../../src/core/log.js';
import { Notifier } from '../../src/core/notifier.js';
import { Retention } from '../../src/core/retention.js';
import { SnapshotLeases } from '../../src/core/snapshot-leases.js';
import type { StoredRecord, TopicConfig } from '../../src/storage/log-store.js';
import type { SnapshotLeaseStore } from '../../src/storage/snapshot-lease-store.js';
import { openSqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import { tempDir } from '../helpers/gateway.js';
import { intercept } from '../helpers/intercept.js';

const ALL = { maxRecords: 1_000_000, maxBytes: Number.MAX_SAFE_INTEGER };

/** A real SQLite store, the core Log and cleanup, driven by a clock the test moves. */
function setup(options: { stepMs?: number } = {}) {
  const clock = { t: Date.UTC(2024, 0, 1), now() { return this.t; } } satisfies Clock & { t: number };
  const store = openSqliteStore({ dataDir: tempDir(), synchronous: 'NORMAL' });
  onTestFinished(() => store.close());
  const log = new Log(store, new Notifier(), { autoCreateTopics: false, defaultPartitions: 1, maxPartitions: 100, maxRecordBytes: 1 << 20, idempotencyWindowMs: 10_000 }, clock);
  const leases = new SnapshotLeases(store.snapshotLeases, clock, { snapshotLeaseMs: 60_000, maxOpenSnapshots: 10 });
  const cleanup = new Retention(store, clock, { stepMs: options.stepMs ?? 5, leases, afterPendingCommits: () => log.commitsSettled() });
  /** Produces [key, value] pairs to partition 0; a value of null is a tombstone. */
  const put = (topic: string, ...pairs: [string, unknown][]) =>
    log.produce(topic, pairs.map(([key, value]) => ({ key, value: JSON.stringify(value), headers: null, partition: 0 })));
  const content = async (topic: string) => (await store.read(topic, 0, 0, ALL)).map((r) => [r.offset, r.key, JSON.parse(r.value as string)]);
  return { clock, store, log, leases, cleanup, put, content };
}

const compacted = (extra: TopicConfig = {}): TopicConfig => ({ cleanupPolicy: 'compact', ...extra });

describe('Compaction', () => {
  it('keeps the latest record per key in place (offsets unchanged, gaps between), the bounds unchanged, delete topics untouched', async () => {
    const { log, cleanup, put, content, store } = setup();
    await log.createTopic('table', 1, compacted());
    await log.createTopic('stream', 1, {});
    for (const topic of ['table', 'stream']) await put(topic, ['a', 1], ['b', 1], ['a', 2], ['c', 1], ['b', 2], ['a', 3]);
    expect(await cleanup.runOnce()).toMatchObject({ truncated: 0, compacted: 3 });
    expect(await content('table')).toEqual([
      [3, 'c', 1],
      [4, 'b', 2],
      [5, 'a', 3],
    ]);
    expect(await store.offsets('table')).toEqual([{ partition: 0, logStartOffset: 0, highWatermark: 6 }]);
    expect(await content('stream')).toHaveLength(6);
    // A fetch from the start skips the gap; nextOffset points past what it returned.
    const fetched = await log.fetch('table', 0, 0, { maxRecords: 2, maxBytes: 1 << 20, waitMs: 0 });
    expect([fetched.count, fetched.nextOffset, fetched.logStartOffset]).toEqual([2, 5, 0]);
    // Nothing new: nothing to do.
    expect((await cleanup.runOnce()).compacted).toBe(0);
    await put('table', ['c', 2]);
    expect((await cleanup.runOnce()).compacted).toBe(1);
    expect((await content('table')).map(([o]) => o)).toEqual([4, 5, 6]);
  });

  it('refuses a record without a key on a compacted topic, naming it; a PATCH to compact takes effect at the next pass', async () => {
    const { log, cleanup, put, content } = setup();
    await log.createTopic('t', 1, compacted());
    await expect(log.produce('t', [{ key: 'k', value: '1', headers: null }, { key: null, value: '2', headers: null }])).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      details: { errors: [{ path: 'records/1/key' }] },
    });
    expect(await content('t')).toEqual([]);
    await log.createTopic('later', 1, {});
    await put('later', ['k', 1], ['k', 2]);
    expect((await cleanup.runOnce()).compacted).toBe(0);
    await log.updateTopic('later', { config: { cleanupPolicy: 'compact' } });
    expect((await cleanup.runOnce()).compacted).toBe(1);
    expect(await content('later')).toEqual([[1, 'k', 2]]);
  });

  it('removes a tombstone deleteRetentionMs after compaction reached it, not before; the last record stays', async () => {
    const { clock, log, cleanup, put, content } = setup();
    await log.createTopic('t', 1, compacted({ deleteRetentionMs: 1_000 }));
    await put('t', ['gone', 'v1'], ['gone', null], ['kept', 'v']);
    await cleanup.runOnce(); // reaches the tombstone now
    expect(await content('t')).toEqual([
      [1, 'gone', null],
      [2, 'kept', 'v'],
    ]);
    clock.t += 999;
    await cleanup.runOnce();
    expect(await content('t')).toHaveLength(2);
    clock.t += 1;
    expect((await cleanup.runOnce()).compacted).toBe(1);
    expect(await content('t')).toEqual([[2, 'kept', 'v']]);
    // A tombstone that is the partition's last record waits for a record after it.
    await put('t', ['kept', null]);
    clock.t += 5_000;
    await cleanup.runOnce();
    clock.t += 5_000;
    await cleanup.runOnce();
    expect(await content('t')).toEqual([[3, 'kept', null]]);
  });

  it('removes a tombstone once deleteRetentionMs has passed even when every pass in between compacted new records (more passes than marks kept)', async () => {
    const { clock, log, cleanup, put, content } = setup();
    await log.createTopic('t', 1, compacted({ deleteRetentionMs: 100_000 }));
    await put('t', ['gone', 'v1'], ['gone', null]);
    // One pass a second, each with a new record to compact: 150 passes, far more than the marks kept.
    for (let pass = 0; pass < 150; pass++) {
      await put('t', ['busy', pass]);
      await cleanup.runOnce();
      clock.t += 1_000;
      const tombstoneKept = (await content('t')).some(([, key]) => key === 'gone');
      // Reached at the first pass: kept for 100 s (never less), then gone at the next pass (within a few marks' spacing).
      if (pass < 100) expect(tombstoneKept).toBe(true);
      if (pass >= 110) expect(tombstoneKept).toBe(false);
    }
    expect(await content('t')).toEqual([[151, 'busy', 149]]);
  });

  it('honours minCompactionLagMs: a record goes only once it and the record superseding it are older than it (as Kafka)', async () => {
    const { clock, log, cleanup, put, content } = setup();
    await log.createTopic('t', 1, compacted({ minCompactionLagMs: 1_000 }));
    await put('t', ['k', 1]);
    clock.t += 500;
    await put('t', ['k', 2]);
    clock.t += 500; // k@0 is 1000 ms old, k@1 500
    await cleanup.runOnce();
    expect(await content('t')).toHaveLength(2);
    clock.t += 499; // k@1 is 999 ms old
    await cleanup.runOnce();
    expect(await content('t')).toHaveLength(2);
    clock.t += 1;
    await cleanup.runOnce();
    expect(await content('t')).toEqual([[1, 'k', 2]]);
    await log.updateTopic('t', { config: { minCompactionLagMs: 0 } });
    await put('t', ['k', 3]);
    await cleanup.runOnce();
    expect(await content('t')).toEqual([[2, 'k', 3]]);
  });

  it('does not remove a version an open snapshot still needs; it goes once the snapshot ends', async () => {
    const { log, leases, cleanup, put, content, store } = setup();
    await log.createTopic('t', 1, compacted());
    await put('t', ['k', 1]);
    const lease = await leases.open('t', (await store.offsets('t')).map((b) => b.highWatermark));
    await put('t', ['k', 2], ['j', 1], ['j', 2]);
    await cleanup.runOnce();
    // k@0 is the snapshot's version of k: kept; the j versions are past the snapshot's offset, not looked at yet.
    expect(await content('t')).toEqual([
      [0, 'k', 1],
      [1, 'k', 2],
      [2, 'j', 1],
      [3, 'j', 2],
    ]);
    await leases.close(lease, 't');
    await cleanup.runOnce();
    expect(await content('t')).toEqual([
      [1, 'k', 2],
      [3, 'j', 2],
    ]);
  });

  it('reads the open snapshots before every step: a lease put while a pass runs holds the steps after it (snapshots.ts opens its lease this way)', async () => {
    const { clock, store, log, put, content } = setup();
    let steps = 0;
    const leases = new SnapshotLeases(store.snapshotLeases, clock, { snapshotLeaseMs: 60_000, maxOpenSnapshots: 10 });
    // A snapshot begins during the first step: its lease holds the log start until it knows its offsets.
    const openingDuringOne = intercept(store, {
      compact: (compact) => async (topic, partition, options) => {
        const done = await compact!(topic, partition, options);
        if (++steps === 1) await leases.open('table', [0]);
        return done;
      },
    });
    const cleanup = new Retention(openingDuringOne, clock, { stepMs: 0, leases });
    await log.createTopic('table', 1, compacted());
    for (let round = 0; round < 20; round++) await put('table', ...Array.from({ length: 1_000 }, (_, k): [string, unknown] => [`k${k}`, round]));
    const firstStep = (await cleanup.runOnce()).compacted;
    expect(firstStep).toBeLessThan(19_000);
    expect(steps, 'no step after the lease').toBe(1);
    expect((await content('table')).length).toBe(20_000 - firstStep);
  });

  it('lists the open snapshots once per step, and not at all for a partition with nothing new since the last pass', async () => {
    const { clock, store, log, put } = setup();
    let lists = 0;
    const kept = store.snapshotLeases;
    const counting: SnapshotLeaseStore = {
      put: (lease) => kept.put(lease),
      get: (topic, id) => kept.get(topic, id),
      delete: (topic, id, revision) => kept.delete(topic, id, revision),
      list: (topic) => (lists++, kept.list(topic)),
    };
    const cleanup = new Retention(store, clock, { stepMs: 5, leases: new SnapshotLeases(counting, clock, { snapshotLeaseMs: 60_000, maxOpenSnapshots: 10 }) });
    await log.createTopic('table', 1, compacted());
    await put('table', ['a', 1], ['a', 2]);
    expect((await cleanup.runOnce()).compacted).toBe(1);
    expect(lists).toBe(1);
    expect((await cleanup.runOnce()).compacted).toBe(0);
    expect(lists, 'nothing new: no listing').toBe(1);
  });

  it('a consumer reading from the earliest offset while compaction runs sees every key’s latest value', async () => {
    const { log, cleanup, put, store } = setup({ stepMs: 0 });
    await log.createTopic('t', 1, compacted());
    const latest = new Map<string, number>();
    for (let round = 0; round < 10; round++) {
      const pairs: [string, unknown][] = [];
      for (let k = 0; k < 300; k++) {
        const key = `key-${(k * 7 + round * 13) % 500}`;
        pairs.push([key, round * 1000 + k]);
        latest.set(key, round * 1000 + k);
      }
      await put('t', ...pairs);
    }
    const seen = new Map<string, number>();
    const reading = (async () => {
      let offset = 0;
      for (;;) {
        const records: StoredRecord[] = await log.read('t', 0, offset, 7, 1 << 20);
        if (records.length === 0) return;
        for (const r of records) seen.set(r.key as string, JSON.parse(r.value as string) as number);
        offset = records[records.length - 1]!.offset + 1;
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const [result] = await Promise.all([cleanup.runOnce(), reading]);
    expect(result.compacted).toBeGreaterThan(0);
    expect(seen).toEqual(latest);
    expect((await store.read('t', 0, 0, ALL)).length).toBe(latest.size);
  });

  it('matches a model over random produce sequences with repeated keys and tombstones, compacting at random points', async () => {
    type Op = { kind: 'put'; key: string; tombstone: boolean } | { kind: 'compact' };
    const op: fc.Arbitrary<Op> = fc.oneof(
      { weight: 5, arbitrary: fc.record({ kind: fc.constant('put' as const), key: fc.constantFrom('a', 'b', 'c', 'd', 'e'), tombstone: fc.boolean() }) },
      { weight: 1, arbitrary: fc.constant({ kind: 'compact' as const }) },
    );
    const { log, cleanup, store } = setup();
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 80 }), fc.boolean(), async (ops, expireAtOnce) => {
        const topic = `t${n++}`;
        // deleteRetentionMs 0: a tombstone goes in the pass that reaches it (unless it is the last record).
        await log.createTopic(topic, 1, compacted({ deleteRetentionMs: expireAtOnce ? 0 : 86_400_000 }));
        /** The model: each record and whether it is still there. */
        const model: { key: string; value: unknown; present: boolean }[] = [];
        let i = 0;
        for (const o of [...ops, { kind: 'compact' } as Op]) {
          if (o.kind === 'put') {
            const value = o.tombstone ? null : i++;
            await log.produce(topic, [{ key: o.key, value: JSON.stringify(value), headers: null, partition: 0 }]);
            model.push({ key: o.key, value, present: true });
            continue;
          }
          await cleanup.runOnce();
          // Every record with a later record of its key goes; then, with deleteRetentionMs 0, every tombstone left but the last record.
          model.forEach((r, offset) => {
            if (model.some((later, j) => j > offset && later.key === r.key)) r.present = false;
          });
          if (expireAtOnce) model.forEach((r, offset) => r.value === null && offset < model.length - 1 && (r.present = false));
        }
        const stored = (await store.read(topic, 0, 0, ALL)).map((r) => [r.offset, r.key, JSON.parse(r.value as string)]);
        expect(stored).toEqual(model.flatMap((r, offset) => (r.present ? [[offset, r.key, r.value]] : [])));
        expect((await store.offsets(topic))[0]).toEqual({ partition: 0, logStartOffset: 0, highWatermark: model.length });
        await log.deleteTopic(topic);
      }),
      { numRuns: 60 },
    );
  });
});

describe('Compaction paced', () => {
  it('pauses after each step that producers wrote during, like retention (cleanup-pacing.ts)', async () => {
    const { clock, store, log, put, content } = setup();
    const pauses: number[] = [];
    let steps = 0;
    const producingDuringTwo = intercept(store, {
      compact: (compact) => async (topic, partition, options) => {
        if (++steps <= 2) await log.produce('busy', [{ key: null, value: '1', headers: null }]);
        return compact!(topic, partition, options);
      },
    });
    const cleanup = new Retention(producingDuringTwo, clock, { stepMs: 0, sharePercent: 10, appends: () => log.appends, pause: async (ms) => void pauses.push(ms) });
    await log.createTopic('table', 1, compacted());
    await log.createTopic('busy', 1);
    for (let round = 0; round < 20; round++) await put('table', ...Array.from({ length: 1_000 }, (_, k): [string, unknown] => [`k${k}`, round]));

    expect((await cleanup.runOnce()).compacted).toBe(19_000);
    expect(steps).toBeGreaterThan(2);
    expect(pauses).toHaveLength(2);
    expect((await content('table')).every(([, , value]) => value === 19)).toBe(true);
  });
});

describe('Retention by size', () => {
  it('keeps the newest records within retentionBytes per partition and moves logStartOffset', async () => {
    const { log, cleanup, store } = setup();
    // Each record: value '"1234567"' (9 bytes) with no key: 9 bytes.
    await log.createTopic('t', 2, { retentionBytes: 40 });
    await log.produce('t', Array.from({ length: 10 }, () => ({ key: null, value: '"1234567"', headers: null, partition: 0 })));
    await log.produce('t', Array.from({ length: 3 }, () => ({ key: null, value: '"1234567"', headers: null, partition: 1 })));
    expect((await cleanup.runOnce()).truncated).toBe(6);
    expect(await store.offsets('t')).toEqual([
      { partition: 0, logStartOffset: 6, highWatermark: 10 },
      { partition: 1, logStartOffset: 0, highWatermark: 3 },
    ]);
    expect((await store.read('t', 0, 0, ALL)).map((r) => r.offset)).toEqual([6, 7, 8, 9]);
    // The setting changes without a restart; null turns it off.
    await log.updateTopic('t', { config: { retentionBytes: 18 } });
    await cleanup.runOnce();
    expect((await store.offsets('t')).map((b) => b.logStartOffset)).toEqual([8, 1]);
    await log.updateTopic('t', { config: { retentionBytes: null } });
    await log.produce('t', [{ key: null, value: '"1234567"', headers: null, partition: 0 }]);
    expect((await cleanup.runOnce()).truncated).toBe(0);
  });

  it('is not applied under cleanupPolicy compact alone, and is under compact,delete', async () => {
    const { clock, log, cleanup, store, put } = setup();
    await log.createTopic('c', 1, compacted({ retentionBytes: 10, retentionMs: 1 }));
    await log.createTopic('cd', 1, { cleanupPolicy: 'compact,delete', retentionBytes: 10 });
    // Five bytes a record (a one-letter key, a four-digit value): 15 a partition.
    for (const t of ['c', 'cd']) await put(t, ['a', 1000], ['b', 2000], ['c', 3000]);
    clock.t += 10;
    await cleanup.runOnce();
    expect((await store.offsets('c'))[0]!.logStartOffset).toBe(0);
    expect((await store.offsets('cd'))[0]!.logStartOffset).toBe(1);
  });
});
