/**
 * The JetStream store: batched produce (100 records a request) through one gateway on a local 3-node
 * cluster, against the same gateway on SQLite with synchronous=NORMAL in the same run (target >= 50%:
 * the cluster shares the machine's cores, so this is a floor, not a ceiling), then through two gateways
 * on the same cluster together, against one (target >= 1.5x: the HTTP layer scales out). Every topic has
 * 3 partitions (stores alike), so the cluster's partition leaders spread over its nodes. The cluster
 * nodes' CPU is in the notes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { clientUrls, natsServerBinary, startCluster, stopCluster } from '../../src/tools/nats-cluster.js';
import { startGateway, type GatewayProcess } from '../lib/child.js';
import { CpuMeter } from '../lib/cpu.js';
import type { BenchContext } from '../lib/context.js';
import { httpLoad, type LoadResult } from '../lib/http-load.js';
import { produceBody } from '../lib/records.js';
import type { ScenarioRow } from '../lib/report.js';
import { createTopic, highWatermarks } from '../lib/rest.js';

const PARTITIONS = 3;

function missingServer(): string | undefined {
  try {
    natsServerBinary();
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

export async function jetstreamProduce(ctx: BenchContext): Promise<ScenarioRow[]> {
  const name = 'jetstream: batched produce on a 3-node cluster';
  const missing = missingServer();
  if (missing) return [{ scenario: name, skipped: missing }];
  const perRequest = ctx.sizes.recordsPerBatch;
  const body = produceBody(perRequest);
  const connections = ctx.sizes.connections;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logway-bench-nats-'));
  const gateways: GatewayProcess[] = [];
  try {
    const layout = await startCluster({ dir });
    const nodes = new CpuMeter(layout.nodes.map((n) => n.pid!));
    const cluster = { store: 'jetstream', natsUrls: clientUrls(layout).join(','), natsNamespace: `bench${Date.now().toString(36)}` };
    const start = (label: string, synchronous: 'NORMAL' | 'FULL', settings: Record<string, string> = {}) =>
      startGateway({ synchronous, settings: { ...settings, ...ctx.gatewaySettings }, cpuProfDir: ctx.cpuProfDir, label }).then((g) => (gateways.push(g), g));
    const sqlite = await start('jetstream-sqlite', 'NORMAL');
    const a = await start('jetstream-a', ctx.synchronous, cluster);
    const b = await start('jetstream-b', ctx.synchronous, cluster);
    await createTopic(sqlite.url, 'bench', PARTITIONS);
    await createTopic(a.url, 'bench', PARTITIONS);
    let acked = 0;
    let ackedSqlite = 0;

    /** Loads the gateways together; throughput is their sum. */
    const measure = async (targets: GatewayProcess[]) => {
      const url = (g: GatewayProcess) => `${g.url}/v1/topics/bench/records`;
      const warm = await Promise.all(targets.map((g) => httpLoad({ url: url(g), body, connections, durationSec: 1 })));
      for (const g of targets) g.rss.reset();
      nodes.reset();
      const clients = new CpuMeter([process.pid]);
      const loads = await Promise.all(targets.map((g) => httpLoad({ url: url(g), body, connections, durationSec: ctx.sizes.loadSec })));
      const ok = [...warm, ...loads].reduce((n, l) => n + l.ok, 0) * perRequest;
      if (targets[0] === sqlite) ackedSqlite += ok;
      else acked += ok;
      return {
        load: loads[0]!,
        loads,
        throughput: loads.reduce((n, l: LoadResult) => n + l.requestsPerSec, 0) * perRequest,
        failed: loads.reduce((n, l) => n + l.failed, 0),
        cpuCores: targets.reduce((n, g) => n + (g.rss.cpuCores() ?? 0), 0),
        peakRssMiB: Math.max(...targets.map((g) => g.rss.peakMiB())),
        clientCpuCores: clients.cores(),
        nodeCores: nodes.cores(),
      };
    };
    ctx.progress('jetstream: SQLite (synchronous=NORMAL), one gateway on the cluster, two gateways on it');
    const base = await measure([sqlite]);
    const one = await measure([a]);
    const two = await measure([a, b]);

    // Every acknowledged record must be in the log.
    const stored = (url: string) => highWatermarks(url, 'bench').then((hws) => hws.reduce((n, hw) => n + hw, 0));
    if ((await stored(sqlite.url)) < ackedSqlite) throw new Error(`jetstream: ${ackedSqlite} records acknowledged on SQLite but fewer stored`);
    if ((await stored(a.url)) < acked) throw new Error(`jetstream: ${acked} records acknowledged on the cluster but fewer stored`);

    const row = (label: string, r: typeof one, notes?: string): ScenarioRow => ({
      scenario: `jetstream: produce, ${perRequest} records/request, ${connections} conns${label}`,
      throughput: r.throughput,
      unit: 'records/s',
      latencyOf: 'request',
      latency: r.load.latency,
      peakRssMiB: r.peakRssMiB,
      cpuCores: r.cpuCores,
      clientCpuCores: r.clientCpuCores,
      notes: [notes, r.failed ? `${r.failed} requests failed` : undefined].filter(Boolean).join('; ') || undefined,
    });
    return [
      row(', SQLite NORMAL (same gateway, 3 partitions)', base),
      {
        ...row(', one gateway on the cluster', one, `cluster nodes ${one.nodeCores?.toFixed(2) ?? '?'} cores`),
        floor: { name: 'SQLite NORMAL', value: base.throughput },
        ratio: one.throughput / base.throughput,
        target: '>= 50%',
        met: one.throughput / base.throughput >= 0.5,
      },
      {
        ...row(` each, two gateways on the cluster`, two, `cluster nodes ${two.nodeCores?.toFixed(2) ?? '?'} cores; latency of gateway a`),
        floor: { name: 'one gateway on the cluster', value: one.throughput },
        ratio: two.throughput / one.throughput,
        ratioText: `${(two.throughput / one.throughput).toFixed(2)}x`,
        target: '>= 1.5x',
        met: two.throughput / one.throughput >= 1.5,
      },
    ];
  } finally {
    await Promise.all(gateways.map((g) => g.dispose()));
    await stopCluster(dir);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
