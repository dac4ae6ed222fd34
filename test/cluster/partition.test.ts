/**
 * A network partition, made with Linux network namespaces (test/helpers/netns.ts): three nodes, each in
 * its own namespace on one bridge. Gateway A's store talks to node A only, gateway BC's to nodes B and C
 * only; both produce. Then node A is cut off from B and C (its namespace drops their traffic) while
 * gateway A still reaches A: no produce through A that starts and ends during the cut is acknowledged,
 * A's gateway is not ready, and produce through B and C goes on once they lead every partition. After
 * healing, every acknowledged record (from both gateways, before, during and after the cut) is present
 * exactly once at its acknowledged offset as read through either gateway, offsets are dense, no
 * refused request is torn, and every node's own copy of each partition stream converges (on
 * nats-server 2.9, which leaves replicas diverged, only what held in every run: see below and
 * docs/cluster.md).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { JetStreamStore } from '../../src/storage/jetstream/jetstream-store.js';
import { openJetStreamStore } from '../../src/storage/jetstream/open-store.js';
import { clientUrl, clientUrls, monitorUrl, startCluster, stopCluster, type ClusterLayout } from '../../src/tools/nats-cluster.js';
import { startGateway, tempDir, type RunningGateway } from '../helpers/gateway.js';
import { expectAcknowledgedExactlyOnce } from '../helpers/acknowledged.js';
import { freshNamespace, nodeStreams, testStoreOptions, type StreamState } from '../helpers/nats-cluster.js';
import { createLab, netnsUnavailable, type NetnsLab } from '../helpers/netns.js';
import { until } from '../helpers/until.js';

const unavailable = netnsUnavailable();
// CI sets LOGWAY_REQUIRE_NETNS: there the test fails with the reason instead of skipping.
const skip = unavailable !== undefined && !process.env.LOGWAY_REQUIRE_NETNS;

let lab: NetnsLab | undefined;
let dir: string | undefined;
let layout: ClusterLayout | undefined;

beforeAll(async () => {
  if (skip) return;
  if (unavailable) throw new Error(`the partition test needs network namespaces: ${unavailable}`);
  lab = await createLab(3);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logway-netns-'));
  layout = await startCluster({ dir, placement: lab.placement });
}, 60_000);

afterAll(async () => {
  // Each step even when an earlier one failed: nothing of this run may outlive it.
  if (dir) await stopCluster(dir).catch(() => undefined);
  await lab?.remove();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}, 60_000);

type Phase = 'before' | 'cut' | 'healed';

interface Sent {
  gateway: 'a' | 'bc';
  /** The phase when the request was sent, and when its answer arrived. */
  sentIn: Phase;
  answeredIn?: Phase;
  status?: number;
  /** Values per partition, in the request's order. */
  values: Map<number, string[]>;
  /** Acknowledged offsets by value (only for a 200). */
  acked?: Map<string, number>;
}

it.skipIf(skip)(
  `a node cut off from its peers acknowledges no write, the others go on, and healing loses nothing${skip ? ` (skipped: ${unavailable})` : ''}`,
  async () => {
    const nodes = layout!.nodes;
    const namespace = freshNamespace();
    const options = (servers: string[], name: string) => ({
      ...testStoreOptions(servers, namespace),
      name,
      pinServers: true,
      requestTimeoutMs: 3_000,
      produceTimeoutMs: 3_000,
    });

    // The node leading partition 0 is the one cut off, so B and C must elect a leader for it.
    const admin = await openJetStreamStore(options(clientUrls(layout!), 'admin'));
    await admin.createTopic('t', 2, {});
    const leader = await until('partition 0 to have a leader', async () => (await admin.partitionHealth('t'))[0]!.leader, { timeoutMs: 30_000 });
    await admin.close();
    const a = nodes.findIndex((n) => n.name === leader);
    const nodeA = nodes[a]!;
    const others = nodes.filter((_, i) => i !== a);

    const storeA = await openJetStreamStore(options([clientUrl(nodeA)], 'gateway-a'));
    const storeBC = await openJetStreamStore(options(others.map(clientUrl), 'gateway-bc'));
    const gateways: Record<Sent['gateway'], RunningGateway> = {
      a: await startGateway({}, { store: storeA, dataDir: tempDir() }),
      bc: await startGateway({}, { store: storeBC, dataDir: tempDir() }),
    };
    for (const gw of Object.values(gateways)) expect((await gw.json('GET', '/v1/topics/t')).status).toBe(200);

    let phase: Phase = 'before';
    const sent: Sent[] = [];
    let producing = true;
    const producers = (['a', 'a', 'bc', 'bc'] as const).map(async (gateway, p) => {
      for (let n = 0; producing; n++) {
        // Three records to partition 0 (the cut-off node's), one to partition 1.
        const records = [0, 1, 2].map((i) => ({ value: `${gateway}${p}-${n}-${i}`, partition: 0 })).concat([{ value: `${gateway}${p}-${n}-x`, partition: 1 }]);
        const entry: Sent = { gateway, sentIn: phase, values: new Map([[0, records.slice(0, 3).map((r) => r.value)], [1, [records[3]!.value]]]) };
        sent.push(entry);
        const res = await gateways[gateway].json('POST', '/v1/topics/t/records', { records });
        entry.answeredIn = phase;
        entry.status = res.status;
        if (res.status === 200) {
          entry.acked = new Map(res.body.records.map((pos: { offset: number }, i: number) => [records[i]!.value, pos.offset]));
        } else {
          expect(res.status, JSON.stringify(res.body)).toBe(503);
          expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
        }
      }
    });
    const count = (gateway: Sent['gateway'], sentIn: Phase, status?: number) =>
      sent.filter((s) => s.gateway === gateway && s.sentIn === sentIn && s.answeredIn === sentIn && (status === undefined || s.status === status)).length;
    /** Every partition has a leader whose followers are current (the leader's word: checked against each node's own state below). */
    const everyPartitionCurrent = async (store: JetStreamStore) =>
      (await store.partitionHealth('t')).every((h) => h.leader && h.replicas.length === 2 && h.replicas.every((r) => r.current));

    try {
      await until('both gateways to acknowledge produce before the cut', () => count('a', 'before', 200) >= 10 && count('bc', 'before', 200) >= 10, {
        timeoutMs: 30_000,
        intervalMs: 50,
      });
      await lab!.isolate(a);
      phase = 'cut';

      // B and C elect a leader for every partition between them (A led partition 0 when the cut came).
      await until(
        `nodes ${others.map((n) => n.name).join(' and ')} to lead every partition`,
        async () => {
          const health = await storeBC.partitionHealth('t');
          return health.every((h) => h.leader && h.leader !== nodeA.name);
        },
        { timeoutMs: 60_000, intervalMs: 200 },
      );
      await until('produce through B and C to go on during the cut', () => count('bc', 'cut', 200) >= 10, { timeoutMs: 60_000, intervalMs: 50 });
      await until('produce through A to be refused during the cut', () => count('a', 'cut') >= 4, { timeoutMs: 60_000, intervalMs: 50 });
      await until('gateway A to report not ready', async () => (await gateways.a.api('/readyz')).status === 503, { timeoutMs: 30_000, intervalMs: 200 });
      await until('gateway BC to report ready', async () => (await gateways.bc.api('/readyz')).status === 200, { timeoutMs: 30_000, intervalMs: 200 });
      // Gateway A's refusals are the cluster's doing: it still reaches node A, and is connected to it.
      const connz = (await (await fetch(monitorUrl(nodeA, '/connz'))).json()) as { connections?: { name?: string }[] };
      expect(connz.connections?.map((c) => c.name)).toContain('gateway-a');

      phase = 'healed';
      await lab!.heal(a);
      await until('every partition to have a leader and both followers current', () => everyPartitionCurrent(storeBC), {
        timeoutMs: 90_000,
        intervalMs: 200,
      });
      await until('produce through both gateways to go on after healing', () => count('a', 'healed', 200) >= 10 && count('bc', 'healed', 200) >= 10, {
        timeoutMs: 90_000,
        intervalMs: 50,
      });
    } finally {
      producing = false;
      await Promise.all(producers);
    }
    // No produce through A that started and ended during the cut was acknowledged.
    const duringCut = sent.filter((s) => s.gateway === 'a' && s.sentIn === 'cut' && s.answeredIn === 'cut');
    expect(duringCut.length).toBeGreaterThan(0);
    expect(duringCut.filter((s) => s.status === 200), 'acknowledged through the cut-off node').toEqual([]);

    // Every record, read back through each gateway: the same log, holding every acknowledged record once.
    for (const partition of [0, 1]) {
      const views: { offset: number; value: string }[][] = [];
      for (const gw of Object.values(gateways)) {
        const stored: { offset: number; value: string }[] = [];
        for (;;) {
          // A read may answer 503 (Retry-After) while the healed cluster settles; nothing else.
          const page = await until(`a page of partition ${partition}`, async () => {
            const res = await gw.json('GET', `/v1/topics/t/partitions/${partition}/records?offset=${stored.length}&limit=1000`);
            if (res.status === 503) return undefined;
            expect(res.status, JSON.stringify(res.body)).toBe(200);
            return res;
          }, { timeoutMs: 30_000, intervalMs: 200 });
          stored.push(...page.body.records);
          // An empty page short of the high watermark would be a gap: the checks below name it.
          if (stored.length >= page.body.highWatermark || page.body.records.length === 0) break;
        }
        views.push(stored);
      }
      expect(views[1], 'both gateways read the same records').toEqual(views[0]);
      const stored = views[0]!;
      expectAcknowledgedExactlyOnce(
        stored,
        sent.map((s) => ({ values: s.values.get(partition)!, ackedOffsets: s.acked && s.values.get(partition)!.map((v) => s.acked!.get(v)!) })),
      );
    }

    // Every node's own copy of every partition stream (its monitoring port, not the leader's word): the same.
    // nats-server 2.9 breaks this (docs/cluster.md): it leaves the cut-off node's copy of a stream it led
    // frozen where the cut found it while its Raft log, and so the leader's `current` flag, is up to date;
    // and once in seven runs two nodes of the majority ended with the same sequences but different bytes.
    // On 2.9 the test therefore asserts what held in every run (B and C agree on every stream's sequences,
    // A holds no sequence they do not) and reports the rest; on any later server, full equality.
    const version = ((await (await fetch(monitorUrl(nodes[0]!, '/varz'))).json()) as { version: string }).version;
    const knownDivergence = /^2\.9\./.test(version);
    const diverged: string[] = [];
    const settleUntil = Date.now() + 10_000;
    await until(
      'every node to hold the same state of every partition stream',
      async () => {
        diverged.length = 0;
        const views = new Map(await Promise.all(nodes.map(async (n) => [n.name, await nodeStreams(n, namespace)] as const)));
        const b = views.get(others[0]!.name)!;
        const names = [...b.keys()].sort();
        expect(names).toHaveLength(2);
        for (const [node, view] of views) {
          expect([...view.keys()].sort(), node).toEqual(names);
          for (const name of names) {
            const mine = view.get(name)!;
            const theirs = b.get(name)!;
            if (!knownDivergence) expect(mine, `${name} on ${node} (cut off: ${nodeA.name})`).toEqual(theirs);
            else if (JSON.stringify(mine) !== JSON.stringify(theirs)) {
              diverged.push(`${name} on ${node}: ${mine.messages} messages, ${mine.bytes} bytes, vs ${theirs.messages}, ${theirs.bytes} on ${others[0]!.name}`);
              const range = (st: StreamState) => ({ messages: st.messages, first_seq: st.first_seq, last_seq: st.last_seq });
              if (node !== nodeA.name) expect(range(mine), `${name} on ${node} and ${others[0]!.name}`).toEqual(range(theirs));
              else expect(mine.last_seq, `${name} on ${nodeA.name}, the node cut off`).toBeLessThanOrEqual(theirs.last_seq);
            }
          }
        }
        // On 2.9, a divergence gets a while to heal before it is reported.
        return diverged.length === 0 || Date.now() > settleUntil;
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    const refusedCut = duringCut.length;
    const ackedTotal = sent.filter((s) => s.acked).length;
    console.info(
      `partition: ${ackedTotal} of ${sent.length} requests acknowledged; ${refusedCut} through the cut-off node ${nodeA.name} refused during the cut` +
        (diverged.length ? `; replicas left diverged by nats-server ${version} (a known defect): ${diverged.join('; ')}` : ''),
    );
  },
  300_000,
);
