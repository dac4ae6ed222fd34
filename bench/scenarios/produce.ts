/**
 * Produce scenarios: autocannon POSTs the same body over and over on 50 keep-alive
 * connections to the real gateway. Throughput counts only acknowledged (2xx) records.
 */
import { startGateway } from '../lib/child.js';
import { CpuMeter } from '../lib/cpu.js';
import type { BenchContext } from '../lib/context.js';
import { GatewayVitals } from '../lib/gateway-vitals.js';
import { httpLoad } from '../lib/http-load.js';
import { produceBody } from '../lib/records.js';
import type { ScenarioRow } from '../lib/report.js';
import { createTopic, highWatermarks } from '../lib/rest.js';

async function produceLoad(ctx: BenchContext, label: string, recordsPerRequest: number) {
  const gateway = await startGateway({ synchronous: ctx.synchronous, settings: ctx.gatewaySettings, cpuProfDir: ctx.cpuProfDir, label });
  try {
    await createTopic(gateway.url, 'bench', 1);
    const url = `${gateway.url}/v1/topics/bench/records`;
    const body = produceBody(recordsPerRequest);
    const warm = await httpLoad({ url, body, connections: ctx.sizes.connections, durationSec: 1 });
    // GC pauses and the main thread's wait for its core: a row's CPU per record moves with both
    // (young-generation size, other processes on the server core), which its rate alone does not show.
    const vitals = new GatewayVitals(gateway.url, gateway.pid);
    await vitals.reset();
    const phaseStarted = performance.now();
    gateway.rss.reset();
    const client = new CpuMeter([process.pid]);
    const load = await httpLoad({ url, body, connections: ctx.sizes.connections, durationSec: ctx.sizes.loadSec });
    const peakRssMiB = gateway.rss.peakMiB();
    const cpuCores = gateway.rss.cpuCores();
    const clientCpuCores = client.cores();
    const vitalsNote = await vitals.describe((performance.now() - phaseStarted) / 1000);
    // Every acknowledged record must be in the log: a fast wrong answer is no answer.
    const [hw] = await highWatermarks(gateway.url, 'bench');
    const acked = (warm.ok + load.ok) * recordsPerRequest;
    if (hw! < acked) throw new Error(`${label}: ${acked} records acknowledged but the high watermark is ${hw}`);
    return { load, peakRssMiB, cpuCores, clientCpuCores, vitalsNote };
  } finally {
    await gateway.dispose();
  }
}

/** A produce scenario's row: `recordsPerRequest` records per POST, measured against `floor`. */
async function produceRow(
  ctx: BenchContext,
  recordsPerRequest: number,
  floor: { name: string; value: number },
  targetRatio: number,
  notes: (throughput: number) => string | undefined,
): Promise<ScenarioRow> {
  const label = recordsPerRequest === 1 ? 'produce-single' : 'produce-batched';
  const { load, peakRssMiB, cpuCores, clientCpuCores, vitalsNote } = await produceLoad(ctx, label, recordsPerRequest);
  const throughput = load.requestsPerSec * recordsPerRequest;
  ctx.figures[recordsPerRequest === 1 ? 'produceSingle' : 'produceBatched'] = throughput;
  const failed = load.failed ? `${load.failed} requests failed` : undefined;
  const note = notes(throughput);
  return {
    scenario: `produce, ${recordsPerRequest === 1 ? '1 record' : `${recordsPerRequest} records`}/request, ${ctx.sizes.connections} conns`,
    throughput,
    unit: 'records/s',
    latencyOf: 'request',
    latency: load.latency,
    peakRssMiB,
    cpuCores,
    clientCpuCores,
    floor,
    ratio: throughput / floor.value,
    target: `>= ${Math.round(targetRatio * 100)}%`,
    met: throughput / floor.value >= targetRatio,
    notes: [note, vitalsNote, failed].filter(Boolean).join('; ') || undefined,
  };
}

export async function produceBatched(ctx: BenchContext): Promise<ScenarioRow[]> {
  const storage = ctx.floors.storageBatch!;
  const http = ctx.floors.httpBatch!.recordsPerSec;
  const composite = 1 / (1 / storage.rowsPerSec + 1 / http);
  return [
    await produceRow(
      ctx,
      ctx.sizes.recordsPerBatch,
      { name: 'composite', value: composite },
      0.8,
      () => `composite floor: storage at its best commit size (${storage.batchSize} rows/txn) with HTTP parse-only, 1/(1/storage + 1/HTTP)`,
    ),
  ];
}

export async function produceSingle(ctx: BenchContext): Promise<ScenarioRow[]> {
  const fsyncBound = ctx.floors.storageSingle!.rowsPerSec;
  return [
    await produceRow(
      ctx,
      1,
      { name: 'HTTP parse-only', value: ctx.floors.httpSingle!.recordsPerSec },
      0.5,
      (throughput) =>
        `one transaction per record would cap at the storage floor at batch 1 (${Math.round(fsyncBound)}/s); ` +
        `group commit reached ${(throughput / fsyncBound).toFixed(1)}x that`,
    ),
  ];
}
