/**
 * Retention on the producers' own topic: single-record produce (50 connections) to a topic that already
 * holds N records, first alone, then while time retention deletes those N (retentionMs set, once the
 * produce load runs, to the age of the newest of them, and retention checks every 100 ms). Unlike
 * retention-stall, the records appended meanwhile go to a topic cleanup works on, so cleanup runs
 * unpaced until a pass has deleted twice what they appended (src/core/cleanup-pacing.ts): this row
 * shows what that costs the producers. From then on the records they wrote age out too, as in a
 * topic at its steady state; the deletion counts as done once the log start passes the N.
 */
import type { BenchContext } from '../lib/context.js';
import { startGatewayFor } from '../lib/gateway.js';
import type { ScenarioRow } from '../lib/report.js';
import { createTopic, fillTopic, highWatermarks, requestJson } from '../lib/rest.js';
import { produceAloneThenDuring, stallRows } from '../lib/stall.js';
import { logStartOffset } from './retention-stall.js';

export async function retentionOwnTopic(ctx: BenchContext): Promise<ScenarioRow[]> {
  const total = ctx.sizes.retentionRecords;
  const gateway = await startGatewayFor(ctx, 'retention-own', { retentionCheckIntervalMs: 100 });
  try {
    await createTopic(gateway.url, 'retained', 1);
    ctx.progress(`retention-own: filling ${total.toLocaleString('en-US')} records`);
    await fillTopic(gateway.url, 'retained', total);
    // Timestamps are the gateway's clock at append; the load below starts after this.
    const filledAt = Date.now();
    const [filled] = await highWatermarks(gateway.url, 'retained');
    const connections = ctx.sizes.connections;
    const m = await produceAloneThenDuring(ctx, gateway, `${gateway.url}/v1/topics/retained/records`, 'retention-own', async () => {
      const retentionMs = Date.now() - filledAt;
      const patched = await requestJson(`${gateway.url}/v1/topics/retained`, 'PATCH', { config: { retentionMs } });
      if (patched.status !== 200) throw new Error(`retention-own: PATCH answered ${patched.status}`);
      while ((await logStartOffset(gateway.url, 'retained')) < filled!) await new Promise((r) => setTimeout(r, 50));
    });
    return stallRows(m, `retention-own: single-record produce, ${connections} conns, to the retained topic`, {
      without: 'no deletion',
      during: `while retention deletes its ${total.toLocaleString('en-US')} oldest records`,
      done: `deleted the ${total.toLocaleString('en-US')} (from the retention change)`,
    });
  } finally {
    await gateway.dispose();
  }
}
