/**
 * Reads by key on the cluster store: each gateway derives its index of keys from the log (key-index.ts),
 * so what the conformance suite checks on one store must also hold between gateways, across retention,
 * across a topic made again, and with an index larger than its memory.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { openJetStreamStore } from '../../../src/storage/jetstream/open-store.js';
import type { JetStreamStore } from '../../../src/storage/jetstream/jetstream-store.js';
import type { RecordToAppend } from '../../../src/storage/log-store.js';
import { freshNamespace, openTestStore, testStoreOptions, useNatsCluster } from '../../helpers/nats-cluster.js';
import { until } from '../../helpers/until.js';

const cluster = useNatsCluster();
const keyed = (key: string, value: string, partition = 0): RecordToAppend => ({ partition, timestamp: 1_000, key, value, headers: null });
const values = async (store: JetStreamStore, topic: string, key: string) => (await store.latestForKey(topic, key)).map((r) => [r.partition, r.offset, r.value]);
const page = async (store: JetStreamStore, topic: string, before: number) =>
  (await store.readLatest(topic, 0, { before, limit: 100 })).map((r) => [r.key, r.value]);

async function twoGateways() {
  const namespace = freshNamespace();
  const writer = await openTestStore(cluster.urls, namespace);
  onTestFinished(() => writer.close());
  const reader = await openTestStore(cluster.urls, namespace);
  onTestFinished(() => reader.close());
  return { writer, reader };
}

describe('jetstream store: reads by key', () => {
  it("see another gateway's appends after the first read indexed the partition: new versions, tombstones, new keys", async () => {
    const { writer, reader } = await twoGateways();
    await writer.createTopic('t', 1, {});
    await writer.append([{ topic: 't', records: [keyed('a', '1'), keyed('b', '1')] }]);
    await until('the reader knows the topic', async () => (await reader.offsets('t').catch(() => undefined))?.[0]?.highWatermark === 2);
    expect(await values(reader, 't', 'a')).toEqual([[0, 0, '1']]);
    expect(await page(reader, 't', 2)).toEqual([['a', '1'], ['b', '1']]);

    await writer.append([{ topic: 't', records: [keyed('a', '2'), keyed('b', 'null'), keyed('c', '1')] }]);
    await until('the reader has the new version of a', async () => (await values(reader, 't', 'a'))[0]?.[2] === '2');
    expect(await values(reader, 't', 'b')).toEqual([[0, 3, 'null']]);
    expect(await page(reader, 't', 5)).toEqual([['a', '2'], ['c', '1']]);
    // As of an earlier offset, the earlier versions.
    expect(await page(reader, 't', 2)).toEqual([['a', '1'], ['b', '1']]);
  });

  it('answer a snapshot page asked as of offsets this gateway has not heard of yet: its tail is read again, no version left out', async () => {
    const { writer, reader } = await twoGateways();
    await writer.createTopic('t', 1, {});
    await writer.append([{ topic: 't', records: [keyed('a', '1')] }]);
    await until('the reader knows the record', async () => (await reader.offsets('t').catch(() => undefined))?.[0]?.highWatermark === 1);
    expect(await page(reader, 't', 1)).toEqual([['a', '1']]);

    // The snapshot's first page came from the writer's gateway; its next page is asked of the reader at
    // once, before the tail feed has (most likely) told it of the append: a page of the index as the
    // reader knew it would miss the new versions. Several rounds, as the feed may still win one.
    for (let round = 2; round <= 6; round++) {
      await writer.append([{ topic: 't', records: [keyed('a', String(round)), keyed(`k${round}`, '1')] }]);
      const expected = [['a', String(round)], ...Array.from({ length: round - 1 }, (_, i) => [`k${i + 2}`, '1'])];
      expect(await page(reader, 't', 1 + 2 * (round - 1))).toEqual(expected);
    }
  });

  it('leave out what retention deleted: a key whose versions are all below the log start is gone', async () => {
    const { writer, reader } = await twoGateways();
    await writer.createTopic('t', 1, {});
    await writer.append([{ topic: 't', records: [keyed('old', '1'), keyed('kept', '1'), keyed('kept', '2'), keyed('new', '1')] }]);
    await until('the reader knows the records', async () => (await reader.offsets('t').catch(() => undefined))?.[0]?.highWatermark === 4);
    expect(await page(reader, 't', 4)).toEqual([['kept', '2'], ['new', '1'], ['old', '1']]);

    expect(await writer.truncateBefore('t', 0, 2)).toBe(2);
    await until('the reader sees the new log start', async () => (await reader.offsets('t'))[0]!.logStartOffset === 2);
    expect(await values(reader, 't', 'old')).toEqual([]);
    expect(await values(reader, 't', 'kept')).toEqual([[0, 2, '2']]);
    expect(await page(reader, 't', 4)).toEqual([['kept', '2'], ['new', '1']]);
    expect(await values(writer, 't', 'old')).toEqual([]);
  });

  it('forget a deleted topic: a topic made again under its name has none of its keys', async () => {
    const { writer, reader } = await twoGateways();
    await writer.createTopic('t', 2, {});
    await writer.append([{ topic: 't', records: [keyed('a', '1'), keyed('a', '2', 1)] }]);
    await until('the reader knows the records', async () => (await values(reader, 't', 'a')).length === 2);
    expect(await values(writer, 't', 'a')).toEqual([
      [0, 0, '1'],
      [1, 0, '2'],
    ]);

    await writer.deleteTopic('t');
    await writer.createTopic('t', 1, {});
    await writer.append([{ topic: 't', records: [keyed('b', '1')] }]);
    expect(await values(writer, 't', 'a')).toEqual([]);
    await until('the reader knows the new topic', async () => (await reader.offsets('t').catch(() => undefined))?.length === 1);
    await until('the reader has its record', async () => (await values(reader, 't', 'b')).length === 1);
    expect(await values(reader, 't', 'a')).toEqual([]);
    expect(await page(reader, 't', 1)).toEqual([['b', '1']]);
  });

  it('answer from an index larger than its memory (the rest in its temporary file), and page through every key once', async () => {
    const store = await openJetStreamStore({ ...testStoreOptions(cluster.urls, freshNamespace()), keyIndexCacheBytes: 64 * 1024 });
    onTestFinished(() => store.close());
    await store.createTopic('t', 1, {});
    const keys = Array.from({ length: 20_000 }, (_, i) => `key-${String(i).padStart(6, '0')}-${'x'.repeat(40)}`);
    for (let i = 0; i < keys.length; i += 2_000) {
      await store.append([{ topic: 't', records: keys.slice(i, i + 2_000).map((k) => keyed(k, '"v1"')) }]);
    }
    await store.append([{ topic: 't', records: [keyed(keys[12_345]!, '"v2"')] }]);
    expect(await values(store, 't', keys[12_345]!)).toEqual([[0, 20_000, '"v2"']]);
    expect(await values(store, 't', keys[7]!)).toEqual([[0, 7, '"v1"']]);

    const seen: string[] = [];
    let afterKey: string | undefined;
    for (;;) {
      const records = await store.readLatest('t', 0, { before: 20_001, limit: 3_000, afterKey });
      if (records.length === 0) break;
      seen.push(...records.map((r) => r.key as string));
      afterKey = records[records.length - 1]!.key as string;
    }
    expect(seen).toEqual(keys);
  });
});
