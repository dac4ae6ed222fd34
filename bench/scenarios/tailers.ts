/**
 * Tailers: 5 single-record producers (closed loop, one request in flight each) on a
 * one-partition topic, first with no readers, then with 100 and 1,000 REST tailers
 * (a worker process) long-polling the partition and re-polling at once from each
 * answer's nextOffset. Produce throughput with tailers is shown as a ratio to the
 * figure without them, measured minutes apart on the same gateway.
 */
import { CpuMeter } from '../lib/cpu.js';
import type { BenchContext } from '../lib/context.js';
import { startGatewayFor } from '../lib/gateway.js';
import { httpLoad } from '../lib/http-load.js';
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

export async function tailers(ctx: BenchContext): Promise<ScenarioRow[]> {
  const { tailerProducers: producers, tailerCounts } = ctx.sizes;
  const gateway = await startGatewayFor(ctx, 'tailers');
  const worker = ClientWorker.start('bench/clients/long-polls.ts');
  const rows: ScenarioRow[] = [];
  try {
    let alone: number | undefined;
    for (const count of tailerCounts) {
      const topic = `tail-${count}`;
      await createTopic(gateway.url, topic, 1);
      const url = `${gateway.url}/v1/topics/${topic}/records`;
      const body = produceBody(1);
      if (count > 0) {
        ctx.progress(`tailers: parking ${count} tailers`);
        await worker.call('tail', { url: gateway.url, topic, count, from: 0 });
        await waitForIdle(gateway.pid, { timeoutMs: ctx.quick ? 5_000 : 30_000 });
      }
      await httpLoad({ url, body, connections: producers, durationSec: ctx.sizes.scalingWarmSec });
      gateway.rss.reset();
      const clients = new CpuMeter([process.pid, worker.pid]);
      const before = count > 0 ? await worker.call('progress') : undefined;
      const load = await httpLoad({ url, body, connections: producers, durationSec: ctx.sizes.scalingSec });
      const delivered = before ? deliveredRate(before, await worker.call('progress'), load.durationSec) : undefined;
      const cpuCores = gateway.rss.cpuCores();
      const clientCpuCores = clients.cores();
      const peakRssMiB = gateway.rss.peakMiB();
      const tail = count > 0 ? await worker.call('stopTail') : undefined;
      if (tail?.failure) throw new Error(`tailers: ${String(tail.failure)}`);
      const throughput = load.requestsPerSec;
      alone ??= throughput;
      const ratio = throughput / alone;
      const targeted = count === TARGET_TAILERS;
      rows.push({
        scenario: `tailers: ${producers} single-record producers, ${count.toLocaleString('en-US')} REST tailers`,
        throughput,
        unit: 'records/s',
        latencyOf: 'produce request',
        latency: load.latency,
        peakRssMiB,
        cpuCores,
        clientCpuCores,
        floor: count > 0 ? { name: 'no tailers', value: alone } : undefined,
        ratio: count > 0 ? ratio : undefined,
        target: targeted ? `>= ${TARGET_RATIO * 100}%` : undefined,
        met: targeted ? ratio >= TARGET_RATIO : undefined,
        notes:
          [
            tail ? `tailers got ${Number(tail.answers).toLocaleString('en-US')} answers, ${Number(tail.records).toLocaleString('en-US')} records in all` : undefined,
            delivered
              ? `while the producers were measured the gateway wrote its tailers ${delivered.records.toLocaleString('en-US')} records/s, ${delivered.mb.toFixed(0)} MB/s of answers (each tailer gets every record)`
              : undefined,
            tail?.resent ? `${Number(tail.resent)} polls sent again (the gateway had closed their idle kept-alive socket: the client was that far behind)` : undefined,
            load.failed ? `${load.failed} produce requests failed` : undefined,
          ]
            .filter(Boolean)
            .join('; ') || undefined,
      });
    }
    if (!tailerCounts.includes(TARGET_TAILERS)) {
      rows.push({ scenario: `tailers: ${TARGET_TAILERS.toLocaleString('en-US')} REST tailers`, skipped: 'not run in --quick', target: `>= ${TARGET_RATIO * 100}%` });
    }
    return rows;
  } finally {
    await worker.stop();
    await gateway.dispose();
  }
}
