/**
 * Spread produce: single-record produce (50 connections) to one topic, then spread
 * over N one-partition topics on the same gateway (each connection walks the topics
 * from its own random start, so one commit touches many partitions). The spread
 * figure is shown as a ratio to the one-topic figure.
 */
import { CpuMeter } from '../lib/cpu.js';
import type { BenchContext } from '../lib/context.js';
import { startGatewayFor } from '../lib/gateway.js';
import { httpLoad, type LoadResult } from '../lib/http-load.js';
import { produceBody } from '../lib/records.js';
import type { ScenarioRow } from '../lib/report.js';
import { createTopic, highWatermarks } from '../lib/rest.js';

const TARGET_RATIO = 0.85;

export async function spreadProduce(ctx: BenchContext): Promise<ScenarioRow[]> {
  const topics = ctx.sizes.spreadTopics;
  const connections = ctx.sizes.connections;
  const gateway = await startGatewayFor(ctx, 'spread-produce');
  try {
    ctx.progress(`spread-produce: creating ${topics} topics`);
    await createTopic(gateway.url, 'one', 1);
    let next = 0;
    const creator = async () => {
      while (next < topics) await createTopic(gateway.url, `spread-${next++}`, 1);
    };
    await Promise.all(Array.from({ length: 8 }, creator));
    const body = produceBody(1);
    let acked = 0;

    const measure = async (url: string, spread: boolean): Promise<LoadResult & { cpuCores?: number; clientCpuCores?: number; peakRssMiB: number }> => {
      const setupRequest = spread
        ? (request: { path?: string }, context: object) => {
            const c = context as { topic?: number };
            c.topic = ((c.topic ?? Math.floor(Math.random() * topics)) + 1) % topics;
            return { ...request, path: `/v1/topics/spread-${c.topic}/records` };
          }
        : undefined;
      const warm = await httpLoad({ url, body, connections, durationSec: ctx.sizes.scalingWarmSec, setupRequest });
      gateway.rss.reset();
      const clients = new CpuMeter([process.pid]);
      const load = await httpLoad({ url, body, connections, durationSec: ctx.sizes.scalingSec, setupRequest });
      acked += warm.ok + load.ok;
      return { ...load, cpuCores: gateway.rss.cpuCores(), clientCpuCores: clients.cores(), peakRssMiB: gateway.rss.peakMiB() };
    };
    const one = await measure(`${gateway.url}/v1/topics/one/records`, false);
    const spread = await measure(`${gateway.url}/v1/topics/spread-0/records`, true);
    // Every acknowledged record must be in the log.
    let stored = 0;
    let reached = 0;
    for (const topic of ['one', ...Array.from({ length: topics }, (_, i) => `spread-${i}`)]) {
      const [hw] = await highWatermarks(gateway.url, topic);
      stored += hw!;
      if (hw! > 0) reached++;
    }
    if (stored < acked) throw new Error(`spread-produce: ${acked} records acknowledged but ${stored} stored`);
    const ratio = spread.requestsPerSec / one.requestsPerSec;
    const row = (label: string, r: typeof one): ScenarioRow => ({
      scenario: `spread-produce: single-record produce, ${connections} conns, ${label}`,
      throughput: r.requestsPerSec,
      unit: 'records/s',
      latencyOf: 'request',
      latency: r.latency,
      peakRssMiB: r.peakRssMiB,
      cpuCores: r.cpuCores,
      clientCpuCores: r.clientCpuCores,
      notes: r.failed ? `${r.failed} requests failed` : undefined,
    });
    return [
      row('one topic', one),
      {
        ...row(`over ${topics.toLocaleString('en-US')} topics`, spread),
        floor: { name: 'one topic', value: one.requestsPerSec },
        ratio,
        target: `>= ${TARGET_RATIO * 100}%`,
        met: ratio >= TARGET_RATIO,
        notes: `${reached - 1} of ${topics} topics got records${spread.failed ? `; ${spread.failed} requests failed` : ''}`,
      },
    ];
  } finally {
    await gateway.dispose();
  }
}
