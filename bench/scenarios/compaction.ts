/**
 * Compaction (issue 14), two comparisons on one gateway:
 * - the key index's cost: batched produce (100 records a request) with a key on every record
 *   vs the same without keys (the key index gets one row per keyed record);
 * - compaction's stall: single-record produce (50 connections) to one topic, first alone, then
 *   while compaction removes the superseded versions of N keyed records of another topic (filled
 *   with `compactionKeys` keys in turn, then switched to cleanupPolicy=compact while the load runs;
 *   cleanup checks every 100 ms). Compaction is over when the partition's first record is the
 *   oldest latest version (offset N - keys). Its produce p99 is compared with the p99 alone.
 */
import { CpuMeter } from '../lib/cpu.js';
import type { BenchContext } from '../lib/context.js';
import { startGatewayFor } from '../lib/gateway.js';
import { httpLoad, type LoadResult } from '../lib/http-load.js';
import { produceBody, valueText } from '../lib/records.js';
import type { ScenarioRow } from '../lib/report.js';
import { createTopic, requestJson } from '../lib/rest.js';
import { produceAloneThenDuring, stallRows } from '../lib/stall.js';

const BATCH = 100;

/** A produce body of `count` records keyed `k<i mod keys>`, i from `seed`. */
function keyedBody(count: number, seed: number, keys: number): string {
  const parts: string[] = new Array(count);
  for (let i = 0; i < count; i++) parts[i] = `{"key":"k${(seed + i) % keys}","value":${valueText(seed + i)}}`;
  return `{"records":[${parts.join(',')}]}`;
}

/** Requests of `keys` records, each key once, so whatever order they commit in the last one holds every key's latest version. */
async function fillKeyed(baseUrl: string, topic: string, count: number, keys: number): Promise<void> {
  if (count % keys !== 0) throw new Error(`compaction: compactionRecords (${count}) must be a multiple of compactionKeys (${keys})`);
  const url = `${baseUrl}/v1/topics/${topic}/records`;
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const n = keys;
      const seed = next;
      next += n;
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: keyedBody(n, seed, keys) });
      if (res.status !== 200) throw new Error(`fill ${topic}: ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
}

async function firstOffset(baseUrl: string, topic: string): Promise<number> {
  const res = await requestJson<{ records: { offset: number }[] }>(`${baseUrl}/v1/topics/${topic}/partitions/0/records?offset=0&limit=1`, 'GET');
  return res.body.records[0]?.offset ?? 0;
}

export async function compaction(ctx: BenchContext): Promise<ScenarioRow[]> {
  const total = ctx.sizes.compactionRecords;
  const keys = ctx.sizes.compactionKeys;
  const connections = ctx.sizes.connections;
  const gateway = await startGatewayFor(ctx, 'compaction', { cleanupIntervalMs: 100 });
  try {
    await createTopic(gateway.url, 'table', 1);
    await createTopic(gateway.url, 'plain', 1);
    await createTopic(gateway.url, 'keyed', 1);
    await createTopic(gateway.url, 'bench', 1);

    // The key index's cost: the same batches with and without keys, one after the other.
    const load = async (topic: string, body: string): Promise<{ result: LoadResult; cpu: number | undefined; client: number | undefined }> => {
      const url = `${gateway.url}/v1/topics/${topic}/records`;
      await httpLoad({ url, body, connections, durationSec: ctx.sizes.scalingWarmSec });
      gateway.rss.reset();
      const clients = new CpuMeter([process.pid]);
      const result = await httpLoad({ url, body, connections, durationSec: ctx.sizes.scalingSec });
      return { result, cpu: gateway.rss.cpuCores(), client: clients.cores() };
    };
    const unkeyed = await load('plain', produceBody(BATCH));
    const keyed = await load('keyed', keyedBody(BATCH, 0, 1_000_000));
    const rate = (r: LoadResult) => r.requestsPerSec * BATCH;

    ctx.progress(`compaction: filling ${total.toLocaleString('en-US')} records over ${keys.toLocaleString('en-US')} keys`);
    await fillKeyed(gateway.url, 'table', total, keys);
    // Compaction: from the policy change until the partition starts at the oldest latest version.
    const m = await produceAloneThenDuring(ctx, gateway, `${gateway.url}/v1/topics/bench/records`, 'compaction', async () => {
      const patched = await requestJson(`${gateway.url}/v1/topics/table`, 'PATCH', { config: { cleanupPolicy: 'compact' } });
      if (patched.status !== 200) throw new Error(`compaction: PATCH answered ${patched.status}`);
      while ((await firstOffset(gateway.url, 'table')) < total - keys) await new Promise((r) => setTimeout(r, 50));
    });
    const removed = total - keys;
    return [
      {
        scenario: `compaction: produce, ${BATCH} records/request, ${connections} conns, no keys`,
        throughput: rate(unkeyed.result),
        unit: 'records/s',
        latencyOf: 'request',
        latency: unkeyed.result.latency,
        cpuCores: unkeyed.cpu,
        clientCpuCores: unkeyed.client,
      },
      {
        scenario: `compaction: produce, ${BATCH} records/request, ${connections} conns, every record keyed (key index)`,
        throughput: rate(keyed.result),
        unit: 'records/s',
        latencyOf: 'request',
        latency: keyed.result.latency,
        cpuCores: keyed.cpu,
        clientCpuCores: keyed.client,
        floor: { name: 'no keys', value: rate(unkeyed.result) },
        ratio: rate(keyed.result) / rate(unkeyed.result),
        notes: 'the same batches with a distinct key per record: the price of the key index row per keyed record',
      },
      ...stallRows(m, `compaction: single-record produce, ${connections} conns`, {
        without: 'no compaction',
        during: `while compaction removes ${removed.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} records`,
        done: `compacted ${total.toLocaleString('en-US')} records (${keys.toLocaleString('en-US')} keys, from the policy change)`,
      }),
    ];
  } finally {
    await gateway.dispose();
  }
}
