/**
 * Two stores on one namespace stand for two gateways: what one appends, the other hears on its tail
 * feed under the topic's name, so its long-polls and sockets wake. The feed names a batch by the
 * topic's incarnation, and a topic deleted and made again under the same name is a new incarnation.
 * (The feed's relay itself, with a delete landing mid-fetch, is in tail-feed.test.ts.)
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import type { ForeignAppend } from '../../../src/storage/log-store.js';
import { freshNamespace, openTestStore, useNatsCluster } from '../../helpers/nats-cluster.js';
import { until } from '../../helpers/until.js';

const cluster = useNatsCluster();
const record = (value: string) => ({ partition: 0, timestamp: 1_000, key: null, value, headers: null });

describe('jetstream store: appends of another gateway', () => {
  it('are heard under the topic name, and under the same name again once the topic is deleted and made anew', async () => {
    const namespace = freshNamespace();
    const writer = await openTestStore(cluster.urls, namespace);
    onTestFinished(() => writer.close());
    const reader = await openTestStore(cluster.urls, namespace);
    onTestFinished(() => reader.close());
    const heard: ForeignAppend[] = [];
    reader.watchForeignAppends((batch) => heard.push(batch));

    await writer.createTopic('orders', 1, {});
    // A gateway relays batches of the partitions it has open (a reader, a waiter or a socket opened them).
    await until('the reader has the partition open', async () => (await reader.offsets('orders').catch(() => undefined))?.[0]?.highWatermark === 0);
    await writer.append([{ topic: 'orders', records: [record('"first"'), record('"second"')] }]);
    await until('the reader heard the batch', async () => heard.length > 0);
    expect(heard).toHaveLength(1);
    expect(heard[0]).toMatchObject({ topic: 'orders', partition: 0, highWatermark: 2 });
    expect(heard[0]!.records.map((r) => [r.offset, r.value])).toEqual([[0, '"first"'], [1, '"second"']]);

    await writer.deleteTopic('orders');
    await writer.createTopic('orders', 1, {});
    await until('the reader knows the new incarnation', async () => (await reader.offsets('orders').catch(() => undefined))?.[0]?.highWatermark === 0);
    await writer.append([{ topic: 'orders', records: [record('"again"')] }]);
    await until('the reader heard the new batch', async () => heard.length > 1);
    expect(heard).toHaveLength(2);
    expect(heard[1]).toMatchObject({ topic: 'orders', partition: 0, highWatermark: 1 });
    expect(heard[1]!.records.map((r) => [r.offset, r.value])).toEqual([[0, '"again"']]);
  });
  it("are counted, for cleanup's pacing, on every partition whether open here or not; this store's own are not", async () => {
    const namespace = freshNamespace();
    const writer = await openTestStore(cluster.urls, namespace);
    onTestFinished(() => writer.close());
    const reader = await openTestStore(cluster.urls, namespace);
    onTestFinished(() => reader.close());
    const counted: [string, number][] = [];
    reader.countForeignAppends((topic, records) => counted.push([topic, records]));

    await writer.createTopic('orders', 2, {});
    await until('the reader knows the topic', async () => (await reader.getTopic('orders')) !== undefined);
    // The reader never reads the topic: no partition of it is open there.
    await writer.append([{ topic: 'orders', records: [record('"a"'), record('"b"')] }]);
    await writer.append([{ topic: 'orders', records: [{ ...record('"c"'), partition: 1 }] }]);
    // Its own append (three records) is not counted: it would come before d's.
    await reader.append([{ topic: 'orders', records: [record('"own"'), record('"own"'), record('"own"')] }]);
    await writer.append([{ topic: 'orders', records: [record('"d"')] }]);
    await until('the reader counted three batches', async () => counted.length >= 3);
    expect(counted).toEqual([
      ['orders', 2],
      ['orders', 1],
      ['orders', 1],
    ]);
  });
});
