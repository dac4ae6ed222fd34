/**
 * The tail feed relays batches stored by other gateways to this one's readers. The feed message
 * only names the batch; the relay fetches it, and the topic may be deleted (and made again under
 * the same name) meanwhile. Real NATS; the partition log is a stand-in whose fetch the test
 * releases, so the delete can land exactly while the batch is being fetched.
 */
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import { afterEach, describe, expect, it } from 'vitest';
import type { ForeignAppend, StoredRecord } from '../../../src/storage/log-store.js';
import type { PartitionLog } from '../../../src/storage/jetstream/partition-log.js';
import { TailFeed } from '../../../src/storage/jetstream/tail-feed.js';
import { freshNamespace, useNatsCluster } from '../../helpers/nats-cluster.js';
import { until } from '../../helpers/until.js';

const cluster = useNatsCluster();
const records: StoredRecord[] = [{ offset: 0, timestamp: 1, key: null, value: '"old"', headers: null }];

/** A partition log whose batch fetch waits until the test releases it. */
function heldLog() {
  let release!: (r: StoredRecord[]) => void;
  let fetches = 0;
  const log = {
    heard: () => undefined,
    batch: () => {
      fetches++;
      return new Promise<StoredRecord[]>((resolve) => (release = resolve));
    },
  };
  return { log: log as unknown as PartitionLog, fetches: () => fetches, release: (r: StoredRecord[]) => release(r) };
}

describe('jetstream tail feed: batches of other gateways', () => {
  let nc: NatsConnection | undefined;
  let feed: TailFeed | undefined;
  afterEach(async () => {
    feed?.stop();
    await nc?.close();
  });

  async function relayOne(topicAfterFetch: () => string | undefined): Promise<ForeignAppend[]> {
    nc = await connect({ servers: cluster.urls });
    const prefix = `${freshNamespace()}.feed`;
    const held = heldLog();
    let fetched = false;
    feed = new TailFeed({ log: () => held.log, topicOf: () => (fetched ? topicAfterFetch() : 'orders') });
    const relayed: ForeignAppend[] = [];
    feed.watchForeignAppends((batch) => relayed.push(batch));
    feed.start(nc, `${prefix}.>`);
    await nc.flush();
    const h = headers();
    h.set('Nats-Sequence', '1');
    h.set('Lw-Base', '0');
    h.set('Lw-Count', '1');
    h.set('Lw-MaxTs', '1');
    nc.publish(`${prefix}.inc1.0`, undefined, { headers: h });
    await until('the relay to fetch the batch', () => held.fetches() === 1);
    fetched = true;
    held.release(records);
    await nc.flush();
    await new Promise((resolve) => setTimeout(resolve, 50));
    return relayed;
  }

  it("hands another gateway's batch on to this gateway's readers", async () => {
    const relayed = await relayOne(() => 'orders');
    expect(relayed).toEqual([{ topic: 'orders', partition: 0, records, highWatermark: 1 }]);
  });

  // A topic made again under the same name is another incarnation: the old one's stays unknown.
  it('drops a batch whose topic was deleted while it was being fetched', async () => {
    expect(await relayOne(() => undefined)).toEqual([]);
  });
});
