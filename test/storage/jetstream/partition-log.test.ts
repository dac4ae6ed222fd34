/**
 * A partition's log on a real cluster: a batch published again under a message id the server has
 * already stored (a retry of a request that stored some partitions and then failed) is answered with
 * what was stored then, timestamps included, not with the retry's. Batches deleted inside the stream
 * (compaction) are skipped by reads and searches, and a delete of one already gone says so.
 */
import { jetstreamManager, jetstream } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterEach, describe, expect, it } from 'vitest';
import { BatchCache } from '../../../src/storage/jetstream/batch-cache.js';
import { PartitionLog } from '../../../src/storage/jetstream/partition-log.js';
import type { RecordToAppend } from '../../../src/storage/log-store.js';
import { freshNamespace, useNatsCluster } from '../../helpers/nats-cluster.js';

const cluster = useNatsCluster();

const records = (timestamp: number, values = ['a', 'b']): RecordToAppend[] =>
  values.map((value) => ({ partition: 0, timestamp, key: null, value: JSON.stringify(value), headers: null }));

describe('jetstream partition log', () => {
  let nc: NatsConnection | undefined;
  afterEach(() => nc?.close());

  async function newLog(): Promise<PartitionLog> {
    nc = await connect({ servers: cluster.urls });
    const jsm = await jetstreamManager(nc);
    const stream = freshNamespace();
    await jsm.streams.add({ name: stream, subjects: [`${stream}.p`], num_replicas: 3 });
    return new PartitionLog(jetstream(nc), jsm, stream, `${stream}.p`, 5_000, new BatchCache(0));
  }

  it('answers a batch published again under a stored message id with the stored offsets and timestamps', async () => {
    const log = await newLog();
    const deadline = Date.now() + 10_000;

    const first = await log.publish(records(1_000), 'request-1', {}, deadline);
    const again = await log.publish(records(2_000), 'request-1', {}, deadline);

    expect(first).toMatchObject({ base: 0, duplicate: false });
    expect(again).toMatchObject({ base: 0, duplicate: true, timestamps: [1_000, 1_000] });
    expect((await log.read(0, { maxRecords: 10, maxBytes: 1 << 20 })).map((r) => r.timestamp)).toEqual([1_000, 1_000]);
  });

  it('refuses to answer a batch published again under a stored message id with other records than were stored', async () => {
    const log = await newLog();
    const deadline = Date.now() + 10_000;
    await log.publish(records(1_000), 'request-1', {}, deadline);
    await expect(log.publish(records(2_000, ['a', 'b', 'c']), 'request-1', {}, deadline)).rejects.toThrow(/stored with 2 records, not 3/);
  });

  it('skips batches deleted inside the stream in reads and searches; deletes each once, never the last batch', async () => {
    const log = await newLog();
    const deadline = Date.now() + 10_000;
    // Seven batches of two records (offsets 2s, 2s + 1 at sequence s + 1, timestamps 1,000 + s); 2-5 deleted.
    for (let s = 0; s < 7; s++) await log.publish(records(1_000 + s), `r${s}`, {}, deadline);
    for (const seq of [2, 3, 4, 5]) expect(await log.deleteBatch(seq)).toBe(true);
    expect(await log.deleteBatch(3)).toBe(false);
    await expect(log.deleteBatch(7)).rejects.toThrow(/never deleted/);

    const offsets = async (from: number) => (await log.read(from, { maxRecords: 100, maxBytes: 1 << 20 })).map((r) => r.offset);
    expect(await offsets(0)).toEqual([0, 1, 10, 11, 12, 13]);
    expect(await offsets(5)).toEqual([10, 11, 12, 13]);
    expect(await log.locate(5)).toBe(1);
    expect(await log.locate(11)).toBe(6);
    expect(await log.firstReaching(1_002)).toBe(6);
    expect((await log.recordsAt([1, 4, 10])).map((r) => r.offset)).toEqual([1, 10]);
    // The first batch deleted too: the stream now starts at sequence 6.
    expect(await log.deleteBatch(1)).toBe(true);
    expect(await offsets(0)).toEqual([10, 11, 12, 13]);
    expect(await log.locate(0)).toBe(6);
  });
});
