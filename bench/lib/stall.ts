/**
 * Background work's cost to producers: single-record produce to `url` for a while alone, then while
 * `work` runs (its latencies recorded only until `work` resolves). Used by retention-stall and compaction.
 */
import { CpuMeter } from './cpu.js';
import type { BenchContext } from './context.js';
import type { GatewayProcess } from './child.js';
import { httpLoad, type LoadResult } from './http-load.js';
import { produceBody } from './records.js';

export interface StallMeasure {
  alone: LoadResult;
  aloneCpu: number | undefined;
  aloneClientCpu: number | undefined;
  during: LoadResult;
  duringCpu: number | undefined;
  duringClientCpu: number | undefined;
  peakRssMiB: number | undefined;
  /** How long `work` took, from its start. */
  workSec: number;
}

export async function produceAloneThenDuring(ctx: BenchContext, gateway: GatewayProcess, url: string, what: string, work: () => Promise<void>): Promise<StallMeasure> {
  const body = produceBody(1);
  const connections = ctx.sizes.connections;
  await httpLoad({ url, body, connections, durationSec: ctx.sizes.scalingWarmSec });
  gateway.rss.reset();
  let clients = new CpuMeter([process.pid]);
  const alone = await httpLoad({ url, body, connections, durationSec: ctx.sizes.scalingSec });
  const aloneCpu = gateway.rss.cpuCores();
  const aloneClientCpu = clients.cores();

  let running = false;
  let startedAt = 0;
  let doneAt = 0;
  const done = (async () => {
    await new Promise((r) => setTimeout(r, 500));
    startedAt = performance.now();
    running = true;
    await work();
    running = false;
    doneAt = performance.now();
  })();
  gateway.rss.reset();
  clients = new CpuMeter([process.pid]);
  const maxSec = ctx.quick ? 30 : 300;
  const during = await httpLoad({ url, body, connections, durationSec: maxSec, until: done.catch(() => undefined), recordWhile: () => running });
  await done;
  if (doneAt === 0) throw new Error(`${what}: not done within ${maxSec} s`);
  return {
    alone,
    aloneCpu,
    aloneClientCpu,
    during,
    duringCpu: gateway.rss.cpuCores(),
    duringClientCpu: clients.cores(),
    peakRssMiB: gateway.rss.peakMiB(),
    workSec: (doneAt - startedAt) / 1000,
  };
}
