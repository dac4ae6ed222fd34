/**
 * A partition's log on a real cluster: a batch published again under a message id the server has
 * already stored (a retry of a request that stored some partitions and then failed) is answered with
 * what was stored then, timestamps included, not with the retry's.
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
});
