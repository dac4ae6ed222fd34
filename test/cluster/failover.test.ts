/**
 * Failover under load, on a 3-node cluster of this file's own: two gateways share one namespace and
 * produce concurrently while `kill -9` takes down the leader of the busy partition's stream, then,
 * once it is back, another node. Every acknowledged record is then present exactly once at its
 * acknowledged offset, offsets are dense, no request's batch is torn, a group kept committing, and
 * every node's own copy of each stream (its /jsz, not the leader's word) converges to the same state.
 */
import { expect, it } from 'vitest';
import { signalNode, startNode, writeLayout, type ClusterNode } from '../../src/tools/nats-cluster.js';
import { expectAcknowledgedExactlyOnce } from '../helpers/acknowledged.js';
import { startGateway, tempDir, type RunningGateway } from '../helpers/gateway.js';
import { freshNamespace, nodeStreams, openTestStore, useNatsCluster } from '../helpers/nats-cluster.js';
import { until } from '../helpers/until.js';

const cluster = useNatsCluster({ own: true });

interface Sent {
  /** Values per partition, in the request's order. */
  values: Map<number, string[]>;
  /** Acknowledged offsets by value (only for a 200). */
  acked?: Map<string, { partition: number; offset: number }>;
}

it('loses no acknowledged record, duplicates none and tears no batch through two leader kills; replicas converge', async () => {
  const namespace = freshNamespace();
  const gateways: RunningGateway[] = [];
  for (let i = 0; i < 2; i++) gateways.push(await startGateway({}, { store: await openTestStore(cluster.urls, namespace), dataDir: tempDir() }));
  const [a, b] = gateways as [RunningGateway, RunningGateway];
  expect((await a.json('POST', '/v1/topics', { name: 't', partitions: 2 })).status).toBe(201);
  await until('gateway b to know the topic', async () => (await b.json('GET', '/v1/topics/t')).status === 200, { timeoutMs: 30_000 });

  const sent: Sent[] = [];
  let acked = 0;
  let commits = 0;
  let producing = true;
  const producers = Array.from({ length: 4 }, async (_, p) => {
    const gw = gateways[p % 2]!;
    for (let n = 0; producing; n++) {
      // Partition 0 is the busy one: five records there, one on partition 1.
      const records = [0, 1, 2, 3, 4].map((i) => ({ value: `${p}-${n}-${i}`, partition: 0 })).concat([{ value: `${p}-${n}-x`, partition: 1 }]);
      const entry: Sent = { values: new Map([[0, records.slice(0, 5).map((r) => r.value)], [1, [records[5]!.value]]]) };
      sent.push(entry);
      const res = await gw.json('POST', '/v1/topics/t/records', { records });
      if (res.status === 200) {
        entry.acked = new Map(res.body.records.map((pos: { partition: number; offset: number }, i: number) => [records[i]!.value, pos]));
        acked++;
      } else expect([503], JSON.stringify(res.body)).toContain(res.status);
    }
  });
  // A group commits through gateway b what b has seen acknowledged (an empty group: administrative commits).
  let committedUpTo = 0;
  const committer = (async () => {
    while (producing) {
      const mine = sent.flatMap((s) => [...(s.acked?.values() ?? [])]).filter((pos) => pos.partition === 0);
      const offset = mine.reduce((m, pos) => Math.max(m, pos.offset + 1), 0);
      const res = await b.json('POST', '/v1/groups/g/offsets', { offsets: [{ topic: 't', partition: 0, offset }] });
      if (res.status === 200) {
        commits++;
        committedUpTo = offset;
      } else if (res.status !== 503 && res.status !== 400) expect.fail(`commit answered ${res.status}: ${JSON.stringify(res.body)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();

  const layout = cluster.layout!;
  const store = await openTestStore(cluster.urls, namespace);
  const leaderOfBusy = async () => (await store.partitionHealth('t'))[0]!.leader;
  /** Waits for produce and commits to move on after a kill (generous: elections take seconds). */
  const progress = async (what: string) => {
    const [ackedBefore, commitsBefore] = [acked, commits];
    await until(`produce and commits to continue ${what}`, () => acked >= ackedBefore + 30 && commits >= commitsBefore + 3, { timeoutMs: 90_000, intervalMs: 100 });
  };
  const bringBack = async (node: ClusterNode) => {
    startNode(node);
    writeLayout(layout);
    await until(`${node.name} to catch up with every partition`, async () => {
      const health = await store.partitionHealth('t');
      return health.every((h) => h.leader && h.replicas.length === 2 && h.replicas.every((r) => r.current));
    }, { timeoutMs: 90_000, intervalMs: 200 });
  };

  try {
    await progress('before the first kill');
    const firstLeader = await until('partition 0 to have a leader', leaderOfBusy, { timeoutMs: 30_000 });
    const victim1 = layout.nodes.find((n) => n.name === firstLeader)!;
    await signalNode(victim1, 'SIGKILL');
    await progress(`after kill -9 of ${victim1.name}, partition 0's leader`);
    await bringBack(victim1);

    // Then another node: partition 0's new leader, or any other node if the first took the lead again.
    const secondLeader = await leaderOfBusy();
    const victim2 = layout.nodes.find((n) => n.name === secondLeader && n !== victim1) ?? layout.nodes.find((n) => n !== victim1)!;
    await signalNode(victim2, 'SIGKILL');
    await progress(`after kill -9 of ${victim2.name}`);
    await bringBack(victim2);
    await progress('with every node back');
  } finally {
    producing = false;
    await Promise.all([...producers, committer]);
  }

  // Every record, read back through gateway a.
  for (const partition of [0, 1]) {
    const stored: { offset: number; value: string }[] = [];
    for (;;) {
      // A read may answer 503 while a restarted node's streams elect or catch up (it promises nothing then): retry it.
      const page = await until(`a read of partition ${partition} at ${stored.length} not answered 503`, async () => {
        const res = await a.json('GET', `/v1/topics/t/partitions/${partition}/records?offset=${stored.length}&limit=1000`);
        return res.status === 503 ? undefined : res;
      }, { timeoutMs: 60_000, intervalMs: 250 });
      expect(page.status, JSON.stringify(page.body)).toBe(200);
      stored.push(...page.body.records);
      if (stored.length >= page.body.highWatermark) break;
    }
    expectAcknowledgedExactlyOnce(
      stored,
      sent.map((s) => ({ values: s.values.get(partition)!, ackedOffsets: s.acked && s.values.get(partition)!.map((v) => s.acked!.get(v)!.offset) })),
    );
  }
  expect(acked).toBeGreaterThan(0);
  // The last commit answered 200 is in place (a later one answered 503 may have landed too: never less).
  const committed = (await b.json('GET', '/v1/groups/g/offsets')).body.offsets as { partition: number; committedOffset: number }[];
  expect(committed.find((o) => o.partition === 0)!.committedOffset).toBeGreaterThanOrEqual(committedUpTo);
  expect(committedUpTo).toBeGreaterThan(0);

  // Every node's own copy of every partition stream: the same state.
  await until('every node to hold the same state of every partition stream', async () => {
    const views = await Promise.all(layout.nodes.map((n) => nodeStreams(n, namespace)));
    const names = [...views[0]!.keys()].sort();
    expect(names).toHaveLength(2);
    for (const view of views) {
      expect([...view.keys()].sort()).toEqual(names);
      for (const name of names) expect(view.get(name)).toEqual(views[0]!.get(name));
    }
    return true;
  }, { timeoutMs: 60_000, intervalMs: 250 });
  await store.close();
}, 400_000);
