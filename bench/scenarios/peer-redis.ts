/**
 * Redis Streams, the peer (bench/peers/redis.ts): the same work as three gateway rows of
 * this run, measured on the same server core, each shown as the Logway/Redis ratio:
 * - XADD of 200-byte entries in pipelines of 100 from 50 clients vs batched produce
 *   (100 x 200 B records per request, 50 connections);
 * - XADD not pipelined, 50 clients vs single-record produce (50 connections);
 * - XREAD COUNT 10000 from the start of the stream, one client, vs WebSocket catch-up
 *   (one reader) of the same number of records.
 * Both durable at every acknowledgement (appendfsync always; synchronous=FULL).
 */
import type { BenchContext } from '../lib/context.js';
import type { ScenarioRow } from '../lib/report.js';
import { REDIS_VALUE, redisBenchmark, redisMissing, startRedis, type RedisBenchResult } from '../peers/redis.js';

/** The goals: Logway at these multiples of Redis. */
const GOAL = { batched: 1.5, single: 1.0, catchUp: 1.5 };
const XREAD_COUNT = 10_000;

export async function peerRedis(ctx: BenchContext): Promise<ScenarioRow[]> {
  const name = 'peer: Redis Streams';
  if (ctx.quick) return [{ scenario: name, skipped: 'peers are not run in --quick' }];
  const missing = redisMissing();
  if (missing) return [{ scenario: name, skipped: missing }];
  const { peerXaddBatched, peerXaddSingle } = ctx.sizes;

  const row = (label: string, result: RedisBenchResult, recordsPerRequest: number, logway: number | undefined, goal: number, latencyOf: string): ScenarioRow => {
    const throughput = result.requestsPerSec * recordsPerRequest;
    const ratio = logway === undefined ? undefined : logway / throughput;
    return {
      scenario: `${name}: ${label}`,
      throughput,
      unit: 'records/s',
      latencyOf,
      latency: { p50Ms: result.p50Ms, p99Ms: result.p99Ms, p999Ms: NaN, maxMs: NaN, count: 0 },
      cpuCores: result.serverCpuCores,
      clientCpuCores: result.clientCpuCores,
      floor: logway === undefined ? undefined : { name: 'Logway', value: logway },
      ratio,
      ratioText: ratio === undefined ? 'run its Logway scenario for the ratio' : `Logway/Redis ${ratio.toFixed(2)}x`,
      target: `Logway >= ${goal}x`,
      met: ratio === undefined ? undefined : ratio >= goal,
    };
  };

  const rows: ScenarioRow[] = [];
  const redis = await startRedis();
  try {
    ctx.progress(`peer redis: XADD pipelined, ${peerXaddBatched.toLocaleString('en-US')} entries`);
    const batched = await redisBenchmark(redis, { clients: 50, requests: peerXaddBatched, pipeline: 100, command: ['XADD', 'bench', '*', 'v', REDIS_VALUE] });
    rows.push(row('XADD, pipelines of 100, 50 clients (vs batched produce)', batched, 1, ctx.figures.produceBatched, GOAL.batched, 'XADD'));
    ctx.progress(`peer redis: XADD, ${peerXaddSingle.toLocaleString('en-US')} entries`);
    const single = await redisBenchmark(redis, { clients: 50, requests: peerXaddSingle, pipeline: 1, command: ['XADD', 'single', '*', 'v', REDIS_VALUE] });
    rows.push(row('XADD, not pipelined, 50 clients (vs single-record produce)', single, 1, ctx.figures.produceSingle, GOAL.single, 'XADD'));
    // Reads of the first XREAD_COUNT entries, as many times as make the catch-up's record count.
    const reads = Math.max(1, Math.round(ctx.sizes.catchUpRecords / XREAD_COUNT));
    ctx.progress(`peer redis: XREAD COUNT ${XREAD_COUNT}, ${reads} reads`);
    const read = await redisBenchmark(redis, { clients: 1, requests: reads, pipeline: 1, command: ['XREAD', 'COUNT', String(XREAD_COUNT), 'STREAMS', 'bench', '0'] });
    rows.push(row(`XREAD COUNT ${XREAD_COUNT.toLocaleString('en-US')}, 1 client (vs WebSocket catch-up)`, read, XREAD_COUNT, ctx.figures.wsCatchUp, GOAL.catchUp, `XREAD of ${XREAD_COUNT.toLocaleString('en-US')}`));
    return rows;
  } finally {
    await redis.stop();
  }
}
