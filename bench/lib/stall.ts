/**
 * Background work's cost to producers: single-record produce to `url` for a while alone, then while
 * `work` runs (its latencies recorded only until `work` resolves). Used by retention-stall and compaction.
 */
import { CpuMeter } from './cpu.js';
import type { BenchContext } from './context.js';
import type { GatewayProcess } from './child.js';
import type { ScenarioRow } from './report.js';
import { GatewayVitals } from './gateway-vitals.js';
import { httpLoad, type LoadResult } from './http-load.js';
import { produceBody } from './records.js';

/** Background work may at most double the produce p99. */
const TARGET_P99_FACTOR = 2;

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
  /** What the gateway's /metrics and its run queue said about each phase (bench/lib/gateway-vitals.ts). */
  aloneVitals: string | undefined;
  duringVitals: string | undefined;
}

export async function produceAloneThenDuring(ctx: BenchContext, gateway: GatewayProcess, url: string, what: string, work: () => Promise<void>): Promise<StallMeasure> {
  const body = produceBody(1);
  const connections = ctx.sizes.connections;
  await httpLoad({ url, body, connections, durationSec: ctx.sizes.scalingWarmSec });
  gateway.rss.reset();
  const vitals = new GatewayVitals(gateway.url, gateway.pid);
  await vitals.reset();
  let clients = new CpuMeter([process.pid]);
  let phaseStarted = performance.now();
  const alone = await httpLoad({ url, body, connections, durationSec: ctx.sizes.scalingSec });
  const aloneCpu = gateway.rss.cpuCores();
  const aloneClientCpu = clients.cores();
  const aloneVitals = await vitals.describe((performance.now() - phaseStarted) / 1000);

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
  await vitals.reset();
  clients = new CpuMeter([process.pid]);
  phaseStarted = performance.now();
  const maxSec = ctx.quick ? 120 : 300; // a bound on a hang, not a measure
  const during = await httpLoad({ url, body, connections, durationSec: maxSec, until: done.catch(() => undefined), recordWhile: () => running });
  await done;
  if (doneAt === 0) throw new Error(`${what}: not done within ${maxSec} s`);
  const duringVitals = await vitals.describe((performance.now() - phaseStarted) / 1000);
  return {
    alone,
    aloneCpu,
    aloneClientCpu,
    during,
    duringCpu: gateway.rss.cpuCores(),
    duringClientCpu: clients.cores(),
    peakRssMiB: gateway.rss.peakMiB(),
    workSec: (doneAt - startedAt) / 1000,
    aloneVitals,
    duringVitals,
  };
}

/**
 * The two rows of a stall measure: produce alone, and produce during the work with its p99 against
 * the p99 alone. `during` names the work ("while retention deletes N records"), `without` the floor
 * ("no deletion"), `done` what the work did (for the notes).
 */
export function stallRows(m: StallMeasure, name: string, labels: { without: string; during: string; done: string }): ScenarioRow[] {
  const { alone, during } = m;
  const factor = during.latency.p99Ms / alone.latency.p99Ms;
  const rate = during.latency.count / m.workSec;
  return [
    {
      scenario: `${name}, ${labels.without}`,
      throughput: alone.requestsPerSec,
      unit: 'records/s',
      latencyOf: 'request',
      latency: alone.latency,
      cpuCores: m.aloneCpu,
      clientCpuCores: m.aloneClientCpu,
      ...(m.aloneVitals ? { notes: m.aloneVitals } : {}),
    },
    {
      scenario: `${name}, ${labels.during}`,
      throughput: rate,
      unit: 'records/s',
      latencyOf: 'request',
      latency: during.latency,
      peakRssMiB: m.peakRssMiB,
      cpuCores: m.duringCpu,
      clientCpuCores: m.duringClientCpu,
      floor: { name: labels.without, value: alone.requestsPerSec },
      ratio: factor,
      ratioText: `${factor.toFixed(1)}x p99`,
      target: `p99 <= ${TARGET_P99_FACTOR}x`,
      met: factor <= TARGET_P99_FACTOR,
      notes: [
        `${labels.done} in ${m.workSec.toFixed(1)} s; produce ran at ${((rate / alone.requestsPerSec) * 100).toFixed(0)}% of its rate without it meanwhile`,
        ...(m.duringVitals ? [m.duringVitals] : []),
      ].join('; '),
    },
  ];
}
