/**
 * Retention stall: single-record produce (50 connections) to one topic, first alone,
 * then while retention deletes N expired records of another topic (filled beforehand;
 * its retentionMs is set to 1 ms once the produce load runs, and retention checks every
 * 100 ms). The produce p99 during the deletion (from the change until the topic's log
 * start offset reaches its high watermark) is compared with the p99 without one.
 */
import type { BenchContext } from '../lib/context.js';
import { startGatewayFor } from '../lib/gateway.js';
import type { ScenarioRow } from '../lib/report.js';
import { createTopic, fillTopic, requestJson } from '../lib/rest.js';
import { produceAloneThenDuring } from '../lib/stall.js';

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
    const connections = ctx.sizes.connections;
    // The deletion: from the retention change until the log start offset reaches the high watermark.
    const m = await produceAloneThenDuring(ctx, gateway, url, 'retention-stall', async () => {
      const patched = await requestJson(`${gateway.url}/v1/topics/expiring`, 'PATCH', { config: { retentionMs: 1 } });
      if (patched.status !== 200) throw new Error(`retention-stall: PATCH answered ${patched.status}`);
      for (;;) {
        const { logStartOffset, highWatermark } = await partitionBounds(gateway.url, 'expiring');
        if (logStartOffset >= highWatermark) break;
        await new Promise((r) => setTimeout(r, 50));
      }
    });
    const { alone, during } = m;
    const deleteSec = m.workSec;
    const factor = during.latency.p99Ms / alone.latency.p99Ms;
    const name = `retention-stall: single-record produce, ${connections} conns`;
    return [
      {
        scenario: `${name}, no deletion`,
        throughput: alone.requestsPerSec,
        unit: 'records/s',
        latencyOf: 'request',
        latency: alone.latency,
        cpuCores: m.aloneCpu,
        clientCpuCores: m.aloneClientCpu,
      },
      {
        scenario: `${name}, while retention deletes ${total.toLocaleString('en-US')} records`,
        throughput: during.latency.count / deleteSec,
        unit: 'records/s',
        latencyOf: 'request',
        latency: during.latency,
        peakRssMiB: m.peakRssMiB,
        cpuCores: m.duringCpu,
        clientCpuCores: m.duringClientCpu,
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
