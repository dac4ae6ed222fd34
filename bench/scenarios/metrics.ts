/**
 * The cost of being watched: single-record produce (as produce-single: 50 connections, request
 * logs at info) on a gateway that is scraped at GET /metrics every second, against the same
 * load on a gateway nobody scrapes, one after the other in the same run. Both gateways hold
 * 100 extra topics (the default label budget), so each scrape lists a realistic number of series.
 */
import { startGateway } from '../lib/child.js';
import type { BenchContext } from '../lib/context.js';
import { httpLoad, type LoadResult } from '../lib/http-load.js';
import { produceBody } from '../lib/records.js';
import type { ScenarioRow } from '../lib/report.js';
import { createTopic, highWatermarks } from '../lib/rest.js';

const EXTRA_TOPICS = 100;
const SCRAPE_EVERY_MS = 1000;

interface Run {
  load: LoadResult;
  peakRssMiB: number;
  /** Each scrape's duration (ms) and size (bytes); empty when not scraped. */
  scrapes: { ms: number; bytes: number }[];
}

async function produceWhileScraped(ctx: BenchContext, scrape: boolean): Promise<Run> {
  const label = scrape ? 'metrics-scraped' : 'metrics-unscraped';
  const gateway = await startGateway({ synchronous: ctx.synchronous, settings: ctx.gatewaySettings, cpuProfDir: ctx.cpuProfDir, label });
  const scrapes: Run['scrapes'] = [];
  let timer: NodeJS.Timeout | undefined;
  try {
    for (let i = 0; i < EXTRA_TOPICS; i++) await createTopic(gateway.url, `idle-${i}`, 1);
    await createTopic(gateway.url, 'bench', 1);
    const url = `${gateway.url}/v1/topics/bench/records`;
    const body = produceBody(1);
    const warm = await httpLoad({ url, body, connections: ctx.sizes.connections, durationSec: 1 });
    if (scrape) {
      timer = setInterval(() => {
        const started = performance.now();
        void fetch(`${gateway.url}/metrics`)
          .then((res) => res.text())
          .then((text) => scrapes.push({ ms: performance.now() - started, bytes: Buffer.byteLength(text) }));
      }, SCRAPE_EVERY_MS);
    }
    gateway.rss.reset();
    const load = await httpLoad({ url, body, connections: ctx.sizes.connections, durationSec: ctx.sizes.loadSec });
    clearInterval(timer);
    const peakRssMiB = gateway.rss.peakMiB();
    const [hw] = await highWatermarks(gateway.url, 'bench');
    const acked = warm.ok + load.ok;
    if (hw! < acked) throw new Error(`${label}: ${acked} records acknowledged but the high watermark is ${hw}`);
    if (scrape && scrapes.length === 0) throw new Error(`${label}: no scrape completed during the load`);
    return { load, peakRssMiB, scrapes };
  } finally {
    clearInterval(timer);
    await gateway.dispose();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

export async function metricsCost(ctx: BenchContext): Promise<ScenarioRow[]> {
  const unscraped = await produceWhileScraped(ctx, false);
  const scraped = await produceWhileScraped(ctx, true);
  const floor = unscraped.load.requestsPerSec;
  const throughput = scraped.load.requestsPerSec;
  const ms = scraped.scrapes.map((s) => s.ms);
  return [
    {
      scenario: `produce, 1 record/request, ${ctx.sizes.connections} conns, GET /metrics every ${SCRAPE_EVERY_MS / 1000} s`,
      throughput,
      unit: 'records/s',
      latencyOf: 'request',
      latency: scraped.load.latency,
      peakRssMiB: scraped.peakRssMiB,
      floor: { name: 'the same load, unscraped', value: floor },
      ratio: throughput / floor,
      target: '>= 95%',
      met: throughput / floor >= 0.95,
      notes:
        `${scraped.scrapes.length} scrapes of ~${Math.round(median(scraped.scrapes.map((s) => s.bytes)) / 1024)} KiB, ` +
        `median ${median(ms).toFixed(1)} ms, max ${Math.max(...ms).toFixed(1)} ms under load; unscraped p99 ${unscraped.load.latency.p99Ms.toFixed(2)} ms`,
    },
  ];
}
