/**
 * A partition stream whose leader holds fewer batches than were acknowledged (nats-server 2.9.10 can
 * elect such a replica after a network partition: docs/cluster.md) is written to by no gateway that saw
 * more: appending there would hand out acknowledged offsets again. The test makes such a stream by
 * replacing a partition's stream with an empty one of the same name, on a cluster of its own (a reused
 * stream name is itself hazardous on 2.9.10, so never on the shared one).
 */
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { expect, it } from 'vitest';
import { ErrorCode } from '../../src/errors.js';
import { openJetStreamStore } from '../../src/storage/jetstream/open-store.js';
import { freshNamespace, testStoreOptions, useNatsCluster } from '../helpers/nats-cluster.js';

const cluster = useNatsCluster({ own: true });

const record = (value: string) => ({ partition: 0, timestamp: Date.now(), key: null, value, headers: null });

it('refuses to append (UNAVAILABLE) on a stream whose leader ends below a sequence already acknowledged, and writes nothing there', async () => {
  const namespace = freshNamespace();
  const store = await openJetStreamStore({ ...testStoreOptions(cluster.urls, namespace), produceTimeoutMs: 1_500 });
  const nc = await connect({ servers: cluster.urls });
  try {
    await store.createTopic('t', 1, {});
    for (const value of ['a', 'b', 'c']) {
      const [outcome] = await store.append([{ topic: 't', records: [record(value)] }]);
      expect(outcome).toMatchObject({ status: 'appended' });
    }

    const jsm = await jetstreamManager(nc);
    const names: string[] = [];
    for await (const name of jsm.streams.names()) if (name.startsWith(`${namespace}_`)) names.push(name);
    expect(names).toHaveLength(1);
    const { config } = await jsm.streams.info(names[0]!);
    expect((await jsm.streams.info(names[0]!)).state.last_seq).toBe(3);
    // The stream as a replica that missed every acknowledged batch would serve it.
    await jsm.streams.delete(names[0]!);
    await jsm.streams.add(config);

    await expect(store.append([{ topic: 't', records: [record('d')] }])).rejects.toMatchObject({ code: ErrorCode.UNAVAILABLE });
    expect((await jsm.streams.info(names[0]!)).state.messages, 'nothing written at offsets already acknowledged').toBe(0);
  } finally {
    await store.close();
    await nc.close();
  }
});
