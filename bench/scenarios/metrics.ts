/**
 * The cost of being watched: single-record produce (as produce-single: 50 connections, request
 * logs at info) on a gateway scraped at GET /metrics every second, against the same load unscraped.
 * Both on ONE gateway, in alternating windows (unscraped, scraped, scraped, unscraped: drift of the
 * machine or of the growing database over the run weighs on both alike), each half of loadSec; two
 * gateways one after the other measured the machine's drift as much as the scrapes (issue 9).
 * The gateway holds 100 extra topics (the default label budget), so each scrape lists a realistic
 * number of series.
 */
import { startGateway } from '../lib/child.js';
import type { BenchContext } from '../lib/context.js';
import { httpLoad, type LoadResult } from '../lib/http-load.js';
import { produceBody } from '../lib/records.js';
import type { ScenarioRow } from '../lib/report.js';
import { createTopic, highWatermarks } from '../lib/rest.js';

const EXTRA_TOPICS = 100;
const SCRAPE_EVERY_MS = 1000;
/** Which windows are scraped: ABBA, so a linear drift cancels out. */
const WINDOWS = [false, true, true, false];

interface Measured {
  /** The windows of one kind, in order. */
  loads: LoadResult[];
  /** Each scrape's duration (ms) and size (bytes); empty when not scraped. */
  scrapes: { ms: number; bytes: number }[];
}

async function produceWhileScraped(ctx: BenchContext): Promise<{ scraped: Measured; unscraped: Measured; peakRssMiB: number }> {
  const gateway = await startGateway({ synchronous: ctx.synchronous, settings: ctx.gatewaySettings, cpuProfDir: ctx.cpuProfDir, label: 'metrics' });
  const scraped: Measured = { loads: [], scrapes: [] };
  const unscraped: Measured = { loads: [], scrapes: [] };
  let timer: NodeJS.Timeout | undefined;
  try {
    for (let i = 0; i < EXTRA_TOPICS; i++) await createTopic(gateway.url, `idle-${i}`, 1);
    await createTopic(gateway.url, 'bench', 1);
    const url = `${gateway.url}/v1/topics/bench/records`;
    const body = produceBody(1);
    let acked = (await httpLoad({ url, body, connections: ctx.sizes.connections, durationSec: 1 })).ok;
    gateway.rss.reset();
    for (const scrape of WINDOWS) {
      const into = scrape ? scraped : unscraped;
      if (scrape) {
        timer = setInterval(() => {
          const started = performance.now();
          void fetch(`${gateway.url}/metrics`)
            .then((res) => res.text())
            .then((text) => into.scrapes.push({ ms: performance.now() - started, bytes: Buffer.byteLength(text) }));
        }, SCRAPE_EVERY_MS);
      }
      const load = await httpLoad({ url, body, connections: ctx.sizes.connections, durationSec: ctx.sizes.loadSec / 2 });
      clearInterval(timer);
      into.loads.push(load);
      acked += load.ok;
    }
    const peakRssMiB = gateway.rss.peakMiB();
    const [hw] = await highWatermarks(gateway.url, 'bench');
    if (hw! < acked) throw new Error(`metrics: ${acked} records acknowledged but the high watermark is ${hw}`);
    if (scraped.scrapes.length === 0) throw new Error('metrics: no scrape completed during the load');
    return { scraped, unscraped, peakRssMiB };
  } finally {
    clearInterval(timer);
    await gateway.dispose();
  }
}

/** Records per second over the windows of one kind. */
function rate(m: Measured): number {
  const ok = m.loads.reduce((sum, l) => sum + l.ok, 0);
  const sec = m.loads.reduce((sum, l) => sum + l.durationSec, 0);
  return sec > 0 ? ok / sec : 0;
}

/** The window with the worst p99 (histograms of separate windows cannot be merged after the fact). */
function worst(m: Measured): LoadResult {
  return m.loads.reduce((a, b) => (b.latency.p99Ms > a.latency.p99Ms ? b : a));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

export async function metricsCost(ctx: BenchContext): Promise<ScenarioRow[]> {
  const { scraped, unscraped, peakRssMiB } = await produceWhileScraped(ctx);
  const floor = rate(unscraped);
  const throughput = rate(scraped);
  const ms = scraped.scrapes.map((s) => s.ms);
  return [
    {
      scenario: `produce, 1 record/request, ${ctx.sizes.connections} conns, GET /metrics every ${SCRAPE_EVERY_MS / 1000} s`,
      throughput,
      unit: 'records/s',
      latencyOf: 'request',
      latency: worst(scraped).latency,
      peakRssMiB,
      floor: { name: 'the same load, unscraped', value: floor },
      ratio: throughput / floor,
      target: '>= 95%',
      met: throughput / floor >= 0.95,
      notes:
        `one gateway, windows unscraped/scraped/scraped/unscraped of ${ctx.sizes.loadSec / 2} s each (latency: the worse scraped window); ` +
        `${scraped.scrapes.length} scrapes of ~${Math.round(median(scraped.scrapes.map((s) => s.bytes)) / 1024)} KiB, ` +
        `median ${median(ms).toFixed(1)} ms, max ${Math.max(...ms).toFixed(1)} ms under load; unscraped p99 ${worst(unscraped).latency.p99Ms.toFixed(2)} ms (worse window)`,
    },
  ];
}
