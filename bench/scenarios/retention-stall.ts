/**
 * Retention stall: single-record produce (50 connections) to one topic, first alone,
 * then while retention deletes N expired records of another topic (filled beforehand;
 * its retentionMs is set to 1 ms once the produce load runs, and retention checks every
 * 100 ms). The produce p99 during the deletion (from the change until the topic's log
 * start offset reaches its high watermark) is compared with the p99 without one.
 */
import { CpuMeter } from '../lib/cpu.js';
import type { BenchContext } from '../lib/context.js';
import { startGatewayFor } from '../lib/gateway.js';
import { httpLoad } from '../lib/http-load.js';
import { produceBody } from '../lib/records.js';
import type { ScenarioRow } from '../lib/report.js';
import { createTopic, fillTopic, requestJson } from '../lib/rest.js';

const TARGET_P99_FACTOR = 2;

async function partitionBounds(baseUrl: string, topic: string): Promise<{ logStartOffset: number; highWatermark: number }> {
  const res = await requestJson<{ partitionOffsets: { logStartOffset: number; highWatermark: number }[] }>(`${baseUrl}/v1/topics/${topic}`, 'GET');
  return res.body.partitionOffsets[0]!;
}

export async function retentionStall(ctx: BenchContext): Promise<ScenarioRow[]> {
  const total = ctx.sizes.retentionRecords;
  const gateway = await startGatewayFor(ctx, 'retention-stall', { retentionCheckIntervalMs: 100 });
  try {
    await createTopic(gateway.url, 'expiring', 1);
    await createTopic(gateway.url, 'bench', 1);
    ctx.progress(`retention-stall: filling ${total.toLocaleString('en-US')} records`);
    await fillTopic(gateway.url, 'expiring', total);
    const url = `${gateway.url}/v1/topics/bench/records`;
    const body = produceBody(1);
    const connections = ctx.sizes.connections;
    await httpLoad({ url, body, connections, durationSec: ctx.sizes.scalingWarmSec });

    gateway.rss.reset();
    let clients = new CpuMeter([process.pid]);
    const alone = await httpLoad({ url, body, connections, durationSec: ctx.sizes.scalingSec });
    const aloneCpu = gateway.rss.cpuCores();
    const aloneClientCpu = clients.cores();

    // The deletion: the load runs until the log start offset reaches the high watermark.
    let deleting = false;
    let deletedAt = 0;
    let startedAt = 0;
    const deletion = (async () => {
      await new Promise((r) => setTimeout(r, 500));
      startedAt = performance.now();
      deleting = true;
      const patched = await requestJson(`${gateway.url}/v1/topics/expiring`, 'PATCH', { config: { retentionMs: 1 } });
      if (patched.status !== 200) throw new Error(`retention-stall: PATCH answered ${patched.status}`);
      for (;;) {
        const { logStartOffset, highWatermark } = await partitionBounds(gateway.url, 'expiring');
        if (logStartOffset >= highWatermark) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      deleting = false;
      deletedAt = performance.now();
    })();
    gateway.rss.reset();
    clients = new CpuMeter([process.pid]);
    const maxSec = ctx.quick ? 30 : 300;
    const during = await httpLoad({ url, body, connections, durationSec: maxSec, until: deletion.catch(() => undefined), recordWhile: () => deleting });
    await deletion;
    const cpuCores = gateway.rss.cpuCores();
    const clientCpuCores = clients.cores();
    const peakRssMiB = gateway.rss.peakMiB();
    if (deletedAt === 0) throw new Error(`retention-stall: ${total} records not deleted within ${maxSec} s`);
    const deleteSec = (deletedAt - startedAt) / 1000;
    const factor = during.latency.p99Ms / alone.latency.p99Ms;
    const name = `retention-stall: single-record produce, ${connections} conns`;
    return [
      {
        scenario: `${name}, no deletion`,
        throughput: alone.requestsPerSec,
        unit: 'records/s',
        latencyOf: 'request',
        latency: alone.latency,
        cpuCores: aloneCpu,
        clientCpuCores: aloneClientCpu,
      },
      {
        scenario: `${name}, while retention deletes ${total.toLocaleString('en-US')} records`,
        throughput: during.latency.count / deleteSec,
        unit: 'records/s',
        latencyOf: 'request',
        latency: during.latency,
        peakRssMiB,
        cpuCores,
        clientCpuCores,
        floor: { name: 'no deletion', value: alone.requestsPerSec },
        ratio: factor,
        ratioText: `${factor.toFixed(1)}x p99`,
        target: `p99 <= ${TARGET_P99_FACTOR}x`,
        met: factor <= TARGET_P99_FACTOR,
        notes: `deleted ${total.toLocaleString('en-US')} records in ${deleteSec.toFixed(1)} s (from the retention change); produce ran at ${((during.latency.count / deleteSec / alone.requestsPerSec) * 100).toFixed(0)}% of its rate without a deletion meanwhile`,
      },
    ];
  } finally {
    await gateway.dispose();
  }
}
