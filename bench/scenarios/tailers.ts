/**
 * Tailers: 5 single-record producers (closed loop, one request in flight each) on a
 * one-partition topic, first with no readers, then with 100 and 1,000 REST tailers
 * (a worker process) long-polling the partition and re-polling at once from each
 * answer's nextOffset. Produce throughput with tailers is shown as a ratio to the
 * figure without them, measured minutes apart on the same gateway. The same producers and
 * tailers against plain node:http first (bench/floors/tailers-floor-server.ts: an in-memory
 * log, no store) give the floor: what holding and answering that many tailers costs the
 * producers when the server does nothing else.
 */
import { spawnServer, type ChildServer } from '../lib/child.js';
import { CpuMeter } from '../lib/cpu.js';
import type { BenchContext } from '../lib/context.js';
import { startGatewayFor } from '../lib/gateway.js';
import { httpLoad, type LoadResult } from '../lib/http-load.js';
import { waitForIdle } from '../lib/idle.js';
import { produceBody } from '../lib/records.js';
import type { ScenarioRow } from '../lib/report.js';
import { createTopic } from '../lib/rest.js';
import { ClientWorker } from '../lib/worker.js';

const TARGET_TAILERS = 1_000;
const TARGET_RATIO = 0.5;

/** Records and MB a second the tailers received between two `progress` snapshots. */
function deliveredRate(before: Record<string, unknown>, after: Record<string, unknown>, seconds: number) {
  const records = Math.round((Number(after.records) - Number(before.records)) / seconds);
  return { records, mb: (Number(after.bytes) - Number(before.bytes)) / seconds / 1e6 };
}

interface TailPhase {
  count: number;
  load: LoadResult;
  cpuCores: number | undefined;
  clientCpuCores: number | undefined;
  peakRssMiB: number | undefined;
  notes: string | undefined;
}

/** Produce to `server`'s topic `tail-<count>` with `count` tailers on it, for each count. */
async function phases(ctx: BenchContext, worker: ClientWorker, server: ChildServer, counts: number[], label: string): Promise<TailPhase[]> {
  const producers = ctx.sizes.tailerProducers;
  const measured: TailPhase[] = [];
  for (const count of counts) {
    const topic = `tail-${count}`;
    if (label === 'gateway') await createTopic(server.url, topic, 1);
    const url = `${server.url}/v1/topics/${topic}/records`;
    const body = produceBody(1);
    if (count > 0) {
      ctx.progress(`tailers: ${label}, parking ${count} tailers`);
      await worker.call('tail', { url: server.url, topic, count, from: 0 });
      await waitForIdle(server.pid, { timeoutMs: ctx.quick ? 5_000 : 30_000 });
    }
    await httpLoad({ url, body, connections: producers, durationSec: ctx.sizes.scalingWarmSec });
    server.rss.reset();
    const clients = new CpuMeter([process.pid, worker.pid]);
    const before = count > 0 ? await worker.call('progress') : undefined;
    const load = await httpLoad({ url, body, connections: producers, durationSec: ctx.sizes.scalingSec });
    const delivered = before ? deliveredRate(before, await worker.call('progress'), load.durationSec) : undefined;
    const cpuCores = server.rss.cpuCores();
    const clientCpuCores = clients.cores();
    const peakRssMiB = server.rss.peakMiB();
    const tail = count > 0 ? await worker.call('stopTail') : undefined;
    if (tail?.failure) throw new Error(`tailers: ${label}: ${String(tail.failure)}`);
    const notes =
      [
        tail ? `tailers got ${Number(tail.answers).toLocaleString('en-US')} answers, ${Number(tail.records).toLocaleString('en-US')} records in all` : undefined,
        delivered
          ? `while the producers were measured the ${label} wrote its tailers ${delivered.records.toLocaleString('en-US')} records/s, ${delivered.mb.toFixed(0)} MB/s of answers (each tailer gets every record)`
          : undefined,
        tail?.resent ? `${Number(tail.resent)} polls sent again (the ${label} had closed their idle kept-alive socket: the client was that far behind)` : undefined,
        load.failed ? `${load.failed} produce requests failed` : undefined,
      ]
        .filter(Boolean)
        .join('; ') || undefined;
    measured.push({ count, load, cpuCores, clientCpuCores, peakRssMiB, notes });
  }
  return measured;
}

/** `phases` on a server started for them, stopped afterwards whatever happens. */
async function phasesThenStop(ctx: BenchContext, worker: ClientWorker, server: ChildServer, stop: () => Promise<void>, counts: number[], label: string): Promise<TailPhase[]> {
  try {
    return await phases(ctx, worker, server, counts, label);
  } finally {
    await stop();
  }
}

/** A phase's row: its produce rate, latency and CPU. */
function phaseRow(p: TailPhase, name: string): ScenarioRow {
  return {
    scenario: `${name}, ${p.count.toLocaleString('en-US')} REST tailers`,
    throughput: p.load.requestsPerSec,
    unit: 'records/s',
    latencyOf: 'produce request',
    latency: p.load.latency,
    peakRssMiB: p.peakRssMiB,
    cpuCores: p.cpuCores,
    clientCpuCores: p.clientCpuCores,
  };
}

export async function tailers(ctx: BenchContext): Promise<ScenarioRow[]> {
  const { tailerProducers: producers, tailerCounts } = ctx.sizes;
  const worker = ClientWorker.start('bench/clients/long-polls.ts');
  const rows: ScenarioRow[] = [];
  try {
    // The floor first, at no tailers and at the most tailers this run has.
    const floorCounts = [0, Math.max(...tailerCounts)];
    const floorServer = await spawnServer({
      script: 'bench/floors/tailers-floor-server.ts',
      urlFrom: (line) => (line.startsWith('{"url"') ? (JSON.parse(line) as { url: string }).url : undefined),
    });
    const floor = await phasesThenStop(ctx, worker, floorServer, () => floorServer.stop(), floorCounts, 'floor');
    const floorAlone = floor[0]!.load.requestsPerSec;
    for (const p of floor) {
      rows.push({
        ...phaseRow(p, `tailers, floor: plain node:http, in-memory log: ${producers} single-record producers`),
        ...(p.count > 0 ? { floor: { name: 'floor, no tailers', value: floorAlone }, ratio: p.load.requestsPerSec / floorAlone } : {}),
        notes: p.notes,
      });
    }

    const gateway = await startGatewayFor(ctx, 'tailers');
    const measured = await phasesThenStop(ctx, worker, gateway, () => gateway.dispose(), tailerCounts, 'gateway');
    const alone = measured[0]!.load.requestsPerSec;
    const floorNote = (count: number) => {
      const f = floor.find((x) => x.count === count);
      if (!f || count === 0) return undefined;
      const rate = f.load.requestsPerSec;
      const own = measured.find((x) => x.count === count)!.load.requestsPerSec;
      return `with as many tailers the floor kept ${((rate / floorAlone) * 100).toFixed(0)}% of its no-tailer rate, and the gateway produced at ${((own / rate) * 100).toFixed(0)}% of the floor's rate`;
    };
    for (const p of measured) {
      const throughput = p.load.requestsPerSec;
      const ratio = throughput / alone;
      const targeted = p.count === TARGET_TAILERS;
      rows.push({
        ...phaseRow(p, `tailers: ${producers} single-record producers`),
        floor: p.count > 0 ? { name: 'no tailers', value: alone } : undefined,
        ratio: p.count > 0 ? ratio : undefined,
        target: targeted ? `>= ${TARGET_RATIO * 100}%` : undefined,
        met: targeted ? ratio >= TARGET_RATIO : undefined,
        notes: [p.notes, floorNote(p.count)].filter(Boolean).join('; ') || undefined,
      });
    }
    if (!tailerCounts.includes(TARGET_TAILERS)) {
      rows.push({ scenario: `tailers: ${TARGET_TAILERS.toLocaleString('en-US')} REST tailers`, skipped: 'not run in --quick', target: `>= ${TARGET_RATIO * 100}%` });
    }
    return rows;
  } finally {
    await worker.stop();
  }
}
