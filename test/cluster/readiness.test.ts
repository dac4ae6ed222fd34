/**
 * /readyz and the replica metrics on a cluster where one partition loses its quorum while the rest of the cluster
 * (the metadata bucket, where /readyz's probe write goes) keeps it: five nodes, partitions on three each; two nodes
 * are killed that hold two replicas of some partition but at most one of the metadata bucket's. The gateway stays
 * ready, names that partition with the reason, is not ready for its topic, and its metrics show the partition
 * without quorum; all heals once the nodes are back.
 */
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { expect, it, onTestFinished } from 'vitest';
import { signalNode, startNode, waitHealthy, writeLayout } from '../../src/tools/nats-cluster.js';
import { startGateway, tempDir } from '../helpers/gateway.js';
import { scrape } from '../helpers/metrics.js';
import { freshNamespace, openTestStore, useNatsCluster } from '../helpers/nats-cluster.js';
import { until } from '../helpers/until.js';

const cluster = useNatsCluster({ own: true, nodes: 5 });

const PARTITIONS = 6;

it("names a partition without quorum, with the reason; not ready for its topic, ready otherwise; metrics show it; heals", async () => {
  const namespace = freshNamespace();
  const store = await openTestStore(cluster.urls, namespace);
  const gw = await startGateway({ natsProduceTimeoutMs: 2_000, clusterStatusRefreshMs: 100 }, { store, dataDir: tempDir() });
  expect((await gw.json('POST', '/v1/topics', { name: 't', partitions: PARTITIONS })).status).toBe(201);

  // Every partition led, with its three replicas current: ready for the topic, none listed, metrics say so.
  await until('every partition to have a quorum', async () => (await gw.api('/readyz?topic=t')).status === 200, { timeoutMs: 60_000, intervalMs: 200 });
  const ready = await gw.json('GET', '/readyz');
  expect(ready.status).toBe(200);
  expect(ready.body.partitionsWithoutQuorum).toEqual([]);
  const before = await scrape(gw);
  for (let p = 0; p < PARTITIONS; p++) {
    expect(before.value('logway_partition_quorum', { topic: 't', partition: String(p) })).toBe(1);
    const leaders = before.labels('logway_partition_leader').filter((l) => l.partition === String(p));
    expect(leaders).toHaveLength(3);
    expect(leaders.reduce((n, l) => n + before.value('logway_partition_leader', l), 0)).toBe(1);
  }

  // Which nodes hold what: the metadata bucket's replicas, and each partition's. Topics are created until one has a
  // partition placed apart from the metadata bucket (a fresh cluster may place the first streams on the same nodes).
  const nc = await connect({ servers: cluster.urls });
  onTestFinished(() => nc.close());
  const jsm = await jetstreamManager(nc);
  const info = await jsm.streams.info(`KV_${namespace}_meta`);
  const meta = new Set([info.cluster!.leader!, ...(info.cluster!.replicas ?? []).map((r) => r.name)]);
  let topic = 't';
  let victim: { partition: number; nodes: string[] } | undefined;
  let placement: { partition: number; nodes: string[] }[] = [];
  for (let round = 0; !victim; round++) {
    if (round > 0) {
      expect(round, `no topic placed apart from the metadata bucket (${[...meta]}) after ${round} tries`).toBeLessThan(30);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      topic = `t${round}`;
      expect((await gw.json('POST', '/v1/topics', { name: topic, partitions: PARTITIONS })).status).toBe(201);
    }
    await until('every partition to be placed', async () => (await store.partitionHealth(topic)).every((h) => h.leader && h.replicas.length === 2), { timeoutMs: 60_000, intervalMs: 200 });
    placement = (await store.partitionHealth(topic)).map((h) => ({ partition: h.partition, nodes: [h.leader!, ...h.replicas.map((r) => r.name)] }));
    for (const h of placement) {
      const nodes = h.nodes;
      // Two of its nodes, at most one of them the metadata bucket's (which must keep its quorum).
      const pair = nodes
        .flatMap((a, i) => nodes.slice(i + 1).map((b) => [a, b]))
        .find((pr) => pr.filter((n) => meta.has(n)).length <= 1);
      if (pair) {
        victim = { partition: h.partition, nodes: pair };
        break;
      }
    }
  }
  await until('every partition of the topic to have a quorum', async () => (await gw.api(`/readyz?topic=${topic}`)).status === 200, { timeoutMs: 60_000, intervalMs: 200 });
  const { partition, nodes: killed } = victim;
  const layout = cluster.layout!;
  const down = layout.nodes.filter((n) => killed.includes(n.name));
  console.log(`readiness: killing ${killed} (replicas of partition ${partition}; metadata bucket on ${[...meta]})`);
  for (const node of down) await signalNode(node, 'SIGKILL');

  // Not ready for the topic, naming the partition and why; ready as a gateway, listing it.
  let notReady: { status: number; headers: Headers; body: any } | undefined;
  await until(
    'the partition to be reported without quorum',
    async () => {
      notReady = await gw.json('GET', `/readyz?topic=${topic}`);
      return notReady.status === 503 && notReady.body.partitions?.some((p: { partition: number }) => p.partition === partition);
    },
    { timeoutMs: 90_000, intervalMs: 250 },
  );
  console.log(`readiness: ${notReady!.body.detail}`);
  expect(notReady!.body.code).toBe('UNAVAILABLE');
  expect(Number(notReady!.headers.get('retry-after'))).toBeGreaterThan(0);
  const reason = notReady!.body.partitions.find((p: { partition: number }) => p.partition === partition).reason;
  expect(reason).toMatch(/^no (quorum|leader)/);
  // Partitions with at most one replica on the killed nodes keep their quorum and are not named (when the placement has any).
  const unharmed = placement.filter((h) => h.nodes.filter((n) => killed.includes(n)).length <= 1).map((h) => h.partition);
  // (nats-server 2.9.10 placed every stream of a fresh five-node cluster on the same three nodes in every run here: usually none.)
  console.log(`readiness: partitions keeping a quorum: ${unharmed.join(',') || 'none (all placed on the killed pair)'}`);
  await until('the partitions that kept a quorum to be led again', async () => {
    const res = await gw.json('GET', `/readyz?topic=${topic}`);
    return unharmed.every((u) => !res.body.partitions.some((p: { partition: number }) => p.partition === u));
  }, { timeoutMs: 60_000, intervalMs: 250 });
  const overall = await gw.json('GET', '/readyz');
  expect(overall.status, JSON.stringify(overall.body)).toBe(200);
  expect(overall.body.partitionsWithoutQuorum.map((p: { topic: string; partition: number }) => `${p.topic}/${p.partition}`)).toContain(`${topic}/${partition}`);
  const during = await scrape(gw);
  expect(during.value('logway_partition_quorum', { topic, partition: String(partition) })).toBe(0);
  // Produce to it is refused (bounded by the produce timeout), as the readiness said.
  const refused = await gw.json('POST', `/v1/topics/${topic}/records`, { records: [{ value: 'x', partition }] });
  expect(refused.status).toBe(503);

  for (const node of down) startNode(node);
  writeLayout(layout);
  await waitHealthy(layout);
  await until('every partition to have a quorum again', async () => (await gw.api(`/readyz?topic=${topic}`)).status === 200, { timeoutMs: 90_000, intervalMs: 250 });
  expect((await gw.json('GET', '/readyz')).body.partitionsWithoutQuorum).toEqual([]);
  expect((await scrape(gw)).value('logway_partition_quorum', { topic, partition: String(partition) })).toBe(1);
}, 300_000);
