/**
 * The JetStream store against the conformance suites, on a real 3-node cluster (R3 streams and buckets).
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import type { PartitionReplicas } from '../../src/storage/log-store.js';
import { useNatsCluster, freshNamespace, openTestStore } from '../helpers/nats-cluster.js';
import { until } from '../helpers/until.js';
import { credentialStoreConformance } from './credential-store.conformance.js';
import { logStoreConformance } from './log-store.conformance.js';

const cluster = useNatsCluster();

logStoreConformance('jetstream', () => {
  // One namespace per harness: reopening finds the same data, a new harness starts empty.
  const namespace = freshNamespace();
  return { open: () => openTestStore(cluster.urls, namespace) };
}, {
  topicPerRunFactor: 0.25,
  compactsWholeBatches: 'one message per appended batch, deleted whole (src/storage/jetstream/compaction.ts)',
  sizesAreStorageBytes: 'stream bytes: batch framing, message headers and subjects',
});

credentialStoreConformance('jetstream', async () => {
  const namespace = freshNamespace();
  return { open: () => openTestStore(cluster.urls, namespace) };
});

describe('jetstream: replica status', () => {
  it("lists every partition of every topic of its namespace with its leader first and its replicas, as the leaders report them; one topic alone; TOPIC_NOT_FOUND", async () => {
    const store = await openTestStore(cluster.urls);
    onTestFinished(() => store.close());
    await store.createTopic('a', 2, {});
    await store.createTopic('b', 1, {});
    const led = (ps: PartitionReplicas[]) => ps.every((p) => p.replicas === 3 && p.nodes.length === 3 && p.nodes[0]!.leader && p.nodes.filter((n) => n.leader).length === 1);
    await until('every partition led, with its replicas', async () => led(await store.replicaStatus()));
    const all = await store.replicaStatus();
    expect(all.map((p) => `${p.topic}/${p.partition}`)).toEqual(['a/0', 'a/1', 'b/0']);
    // Another namespace's topics on the same cluster are not listed.
    const other = await openTestStore(cluster.urls);
    onTestFinished(() => other.close());
    await other.createTopic('c', 1, {});
    expect((await store.replicaStatus()).map((p) => p.topic)).toEqual(['a', 'a', 'b']);
    expect((await store.replicaStatus('b')).map((p) => `${p.topic}/${p.partition}`)).toEqual(['b/0']);
    await expect(store.replicaStatus('nope')).rejects.toMatchObject({ code: 'TOPIC_NOT_FOUND' });
  });
});
