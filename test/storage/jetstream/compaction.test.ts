/**
 * Compaction on the cluster store deletes whole appended batches (src/storage/jetstream/compaction.ts):
 * a batch goes once every record of it is superseded, and reads, searches and reads by key then work past
 * the deleted messages inside the stream, on the gateway that compacted and on one that started after.
 * (The conformance suite checks exact compaction with one record per batch: keys.conformance.ts.)
 */
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { connect } from '@nats-io/transport-node';
import { describe, expect, it, onTestFinished } from 'vitest';
import { MAX_RANGES, type DeletedRange } from '../../../src/storage/jetstream/deleted-bytes.js';
import { bucketKeys } from '../../../src/storage/jetstream/kv-keys.js';
import { ClusterNames } from '../../../src/storage/jetstream/names.js';
import type { KeyedLogStore, RecordToAppend } from '../../../src/storage/log-store.js';
import { openJetStreamStore } from '../../../src/storage/jetstream/open-store.js';
import { freshNamespace, openTestStore, testStoreOptions, useNatsCluster } from '../../helpers/nats-cluster.js';
import { until } from '../../helpers/until.js';

const cluster = useNatsCluster();
const ALL = { maxRecords: 10_000, maxBytes: 1 << 30 };
const FOREVER = Number.MAX_SAFE_INTEGER;

const keyed = (key: string | null, value: string, timestamp = 1_000): RecordToAppend => ({ partition: 0, timestamp, key, value, headers: null });

async function open(namespace = freshNamespace()): Promise<KeyedLogStore> {
  const store = (await openTestStore(cluster.urls, namespace)) as KeyedLogStore;
  onTestFinished(() => store.close());
  return store;
}

async function compactAll(store: KeyedLogStore, topic: string, before: number) {
  let from = 0;
  let removed = 0;
  for (;;) {
    const step = await store.compact(topic, 0, { from, before, maxTimestamp: FOREVER, budgetMs: 0 });
    removed += step.removed;
    if (step.reached <= from && step.removed === 0) return removed;
    from = step.reached;
  }
}

/** The topic's partition 0 ledger of deleted bytes, as the cluster has it. */
async function readLedger(namespace: string): Promise<DeletedRange[]> {
  const nc = await connect({ servers: cluster.urls });
  onTestFinished(() => nc.close());
  const bucket = new ClusterNames(namespace).bucket('meta');
  const kv = await new Kvm(jetstream(nc)).open(bucket);
  const keys = await bucketKeys(await jetstreamManager(nc), bucket, 'deleted.');
  expect(keys).toHaveLength(1);
  const entry = await kv.get(keys[0]!);
  return entry!.json<[number, number, number][]>().map(([from, before, bytes]) => ({ from, before, bytes }));
}

const offsets = async (store: KeyedLogStore, topic: string, from = 0) => (await store.read(topic, 0, from, ALL)).map((r) => r.offset);

describe('jetstream store: compaction by whole batches', () => {
  it('keeps a batch while one record of it stays, and deletes it once every record is superseded', async () => {
    const store = await open();
    await store.createTopic('t', 1, { cleanupPolicy: 'compact' });
    await store.append([{ topic: 't', records: [keyed('a', '1'), keyed('b', '1')] }]); // offsets 0, 1
    await store.append([{ topic: 't', records: [keyed('a', '2')] }]); // 2
    expect(await compactAll(store, 't', 3)).toBe(0); // b@1 is live: a@0 stays with it
    expect(await offsets(store, 't')).toEqual([0, 1, 2]);

    await store.append([{ topic: 't', records: [keyed('b', '2')] }]); // 3
    expect(await compactAll(store, 't', 4)).toBe(2);
    expect(await offsets(store, 't')).toEqual([2, 3]);
    expect(await store.offsets('t')).toEqual([{ partition: 0, logStartOffset: 0, highWatermark: 4 }]);
    expect((await store.latestForKey('t', 'a')).map((r) => [r.offset, r.value])).toEqual([[2, '2']]);
  });

  it('reads, locates, finds by time and by key past a run of deleted batches; a gateway started after agrees', async () => {
    const namespace = freshNamespace();
    const store = await open(namespace);
    await store.createTopic('t', 1, { cleanupPolicy: 'compact' });
    // `z`, 40 versions of `a` (timestamps 1,000 + offset), then `b`: compaction leaves z@0, a@40 and b@41,
    // the 39 batches between deleted inside the stream.
    await store.append([{ topic: 't', records: [keyed('z', 'first', 500)] }]);
    for (let i = 1; i <= 40; i++) await store.append([{ topic: 't', records: [keyed('a', String(i), 1_000 + i)] }]);
    await store.append([{ topic: 't', records: [keyed('b', 'x', 2_000)] }]);
    expect(await compactAll(store, 't', 42)).toBe(39);

    const started = await open(namespace);
    for (const s of [store, started]) {
      expect(await offsets(s, 't')).toEqual([0, 40, 41]);
      // From inside the gap: the next record kept.
      expect(await offsets(s, 't', 17)).toEqual([40, 41]);
      expect((await s.read('t', 0, 1, { maxRecords: 1, maxBytes: 1 << 20 })).map((r) => r.offset)).toEqual([40]);
      expect(await s.offsetForTimestamp('t', 0, 1_010)).toBe(40);
      expect(await s.offsetForTimestamp('t', 0, 1_500)).toBe(41);
      expect((await s.latestForKey('t', 'a')).map((r) => r.offset)).toEqual([40]);
      expect((await s.readLatest('t', 0, { before: 42, limit: 10 })).map((r) => [r.key, r.offset])).toEqual([
        ['a', 40],
        ['b', 41],
        ['z', 0],
      ]);
    }
    const appended = await started.append([{ topic: 't', records: [keyed('a', 'new')] }]);
    expect(appended).toMatchObject([{ status: 'appended', positions: [{ offset: 42 }] }]);
    expect(await started.truncateBefore('t', 0, 20)).toBe(20);
    expect(await offsets(started, 't')).toEqual([40, 41, 42]);
  });

  it('cuts by size never earlier than the records left call for, when the ledger of deleted bytes had to merge ranges', async () => {
    const namespace = freshNamespace();
    const store = await open(namespace);
    await store.createTopic('t', 1, { cleanupPolicy: 'compact,delete' });
    // 160 versions of a hot key, each followed by a record of a key of its own: 159 deleted batches with a
    // kept one between each two, more than the ledger keeps ranges apart.
    const versions = 160;
    for (let i = 0; i < versions; i++) {
      await store.append([{ topic: 't', records: [keyed('hot', `"${'h'.repeat(50 + (i % 13))}"`)] }]);
      await store.append([{ topic: 't', records: [keyed(`k${i}`, `"${'v'.repeat(20 + (i % 7))}"`)] }]);
    }
    expect(await compactAll(store, 't', 2 * versions)).toBe(versions - 1);
    const left = await store.read('t', 0, 0, ALL);
    const sizes = left.map((r) => Buffer.byteLength(r.key as string) + Buffer.byteLength(r.value as string));
    /** The reference: the first offset from which the records left fit `max`. */
    const exact = (max: number) => {
      let rest = sizes.reduce((a, b) => a + b, 0);
      let i = 0;
      while (rest > max && i < left.length) rest -= sizes[i++]!;
      return i === 0 ? 0 : left[i - 1]!.offset + 1;
    };
    const ledger = await readLedger(namespace);
    expect(ledger).toHaveLength(MAX_RANGES);
    // A merged range counts its bytes as deleted at every offset inside it: the cut may keep up to the
    // largest range's bytes more than maxBytes, never fewer than maxBytes. That slack is small beside what is left.
    const slack = Math.max(...ledger.map((r) => r.bytes));
    expect(slack).toBeLessThan(sizes.reduce((a, b) => a + b, 0) / 10);
    // Every 8th record's boundary (a cut searches once per range of the ledger it passes: each takes a while).
    for (let i = 0; i < left.length; i += 8) {
      const fromHere = sizes.slice(i).reduce((a, b) => a + b, 0);
      for (const max of [fromHere, fromHere - 1]) {
        const { offset } = await store.offsetForSizeLimit('t', 0, max);
        expect(offset, `maxBytes ${max}`).toBeLessThanOrEqual(exact(max));
        expect(offset, `maxBytes ${max}`).toBeGreaterThanOrEqual(exact(max + slack));
      }
    }
  });

  it('stops a step once its budget is spent, inside a chunk if need be, and the next steps finish it', async () => {
    const store = await open();
    await store.createTopic('t', 1, { cleanupPolicy: 'compact' });
    for (let i = 0; i < 100; i++) await store.append([{ topic: 't', records: [keyed('a', String(i))] }]);
    const first = await store.compact('t', 0, { from: 0, before: 100, maxTimestamp: FOREVER, budgetMs: 0 });
    // A budget of 0: one round of deletes in flight (32), then the step ends where its chunk began.
    expect(first).toEqual({ reached: 0, removed: 32 });
    expect(await compactAll(store, 't', 100)).toBe(67);
    expect(await offsets(store, 't')).toEqual([99]);
  });

  it("leaves another gateway's searches right when the stream's first batches were deleted after it read the tail", async () => {
    const namespace = freshNamespace();
    const a = await open(namespace);
    const b = await open(namespace);
    await a.createTopic('t', 1, { cleanupPolicy: 'compact,delete' });
    for (const [k, v] of [['k', '1'], ['k', '2'], ['j', '1']]) await a.append([{ topic: 't', records: [keyed(k!, v!)] }]);
    await until('b knows the records', async () => (await b.offsets('t').catch(() => undefined))?.[0]?.highWatermark === 3);
    expect(await compactAll(a, 't', 3)).toBe(1); // the stream's first batch goes; b's tail still starts there
    expect(await b.offsetForSizeLimit('t', 0, 1)).toEqual(await a.offsetForSizeLimit('t', 0, 1));
    expect(await offsets(b, 't')).toEqual([1, 2]);
  });

  it("answers reads by key on another gateway without the versions compaction deleted there, cached or not", async () => {
    const namespace = freshNamespace();
    const a = await open(namespace);
    const cached = await open(namespace);
    const uncached = (await openJetStreamStore({ ...testStoreOptions(cluster.urls, namespace), batchCacheBytes: 0 })) as KeyedLogStore;
    onTestFinished(() => uncached.close());
    await a.createTopic('t', 1, { cleanupPolicy: 'compact' });
    await a.append([{ topic: 't', records: [keyed('a', '"x"')] }]); // 0
    await a.append([{ topic: 't', records: [keyed('f', '1')] }]); // 1
    for (const b of [cached, uncached]) {
      await until('the gateway knows the records', async () => (await b.offsets('t').catch(() => undefined))?.[0]?.highWatermark === 2);
      expect((await b.latestForKey('t', 'a')).map((r) => r.value)).toEqual(['"x"']); // indexed (and cached)
    }
    await a.append([{ topic: 't', records: [keyed('a', 'null')] }]); // 2
    await a.append([{ topic: 't', records: [keyed('g', '1')] }]); // 3
    expect(await compactAll(a, 't', 4)).toBe(1); // a@0
    expect((await a.removeTombstones('t', 0, { from: 0, before: 4, budgetMs: 1_000 })).removed).toBe(1); // a@2
    for (const b of [cached, uncached]) {
      expect(await b.latestForKey('t', 'a')).toEqual([]);
      expect((await b.readLatest('t', 0, { before: 4, limit: 2 })).map((r) => r.key)).toEqual(['f', 'g']);
    }
  });

  it('removes a batch whose keys all end in a tombstone there, with their older versions in it; never the last batch', async () => {
    const store = await open();
    await store.createTopic('t', 1, { cleanupPolicy: 'compact' });
    await store.append([{ topic: 't', records: [keyed('a', '1'), keyed('a', 'null')] }]); // 0, 1
    await store.append([{ topic: 't', records: [keyed('c', '1'), keyed('d', 'null')] }]); // 2, 3: c is live
    await store.append([{ topic: 't', records: [keyed('e', 'null')] }]); // 4: the last batch
    const step = await store.removeTombstones('t', 0, { from: 0, before: 5, budgetMs: 1_000 });
    expect(step.removed).toBe(2);
    expect(await offsets(store, 't')).toEqual([2, 3, 4]);
    expect(await store.latestForKey('t', 'a')).toEqual([]);
  });

  it('is refused nothing: a topic is made compacted, or changed to compacted', async () => {
    const store = await open();
    expect((await store.createTopic('c', 1, { cleanupPolicy: 'compact' })).config.cleanupPolicy).toBe('compact');
    await store.createTopic('d', 1, {});
    expect((await store.updateTopic('d', { config: { cleanupPolicy: 'compact,delete' } })).config.cleanupPolicy).toBe('compact,delete');
  });
});
