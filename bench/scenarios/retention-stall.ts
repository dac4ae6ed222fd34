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
import { produceAloneThenDuring, stallRows } from '../lib/stall.js';

async function partitionBounds(baseUrl: string, topic: string): Promise<{ logStartOffset: number; highWatermark: number }> {
  const res = await requestJson<{ partitionOffsets: { logStartOffset: number; highWatermark: number }[] }>(`${baseUrl}/v1/topics/${topic}`, 'GET');
  return res.body.partitionOffsets[0]!;
}

/** Partition 0's log start offset. */
export async function logStartOffset(baseUrl: string, topic: string): Promise<number> {
  return (await partitionBounds(baseUrl, topic)).logStartOffset;
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
    return stallRows(m, `retention-stall: single-record produce, ${connections} conns`, {
      without: 'no deletion',
      during: `while retention deletes ${total.toLocaleString('en-US')} records`,
      done: `deleted ${total.toLocaleString('en-US')} records (from the retention change)`,
    });
  } finally {
    await gateway.dispose();
  }
}
