/**
 * Catch-up: a reader starts at offset 0 of a partition holding N records and reads
 * to the end, over REST (fetch pages back to back) and over WebSocket (?from=earliest).
 * Compared with the read floor: raw SQLite range reads of the same rows.
 */
import type WebSocket from 'ws';
import { startGateway } from '../lib/child.js';
import { cpuTimeMs, minorFaults } from '../lib/cpu.js';
import type { BenchContext } from '../lib/context.js';
import { hasTopicWebSocket } from '../lib/features.js';
import { newHistogram, recordMs, summarize } from '../lib/histogram.js';
import type { ScenarioRow } from '../lib/report.js';
import { createTopic, fillTopic } from '../lib/rest.js';
import { closeSockets, lastOffsetIn, openSockets, waitUntil } from '../lib/ws-clients.js';

const TARGET_WS = 0.7;

/**
 * What the gateway spent per record over a phase: CPU, and minor page faults (first touches of
 * fresh memory). Each chunk of a catch-up allocates a few MiB that the C library may return to
 * the kernel and fault in again, and on some virtual machines a fault costs microseconds: this
 * note is how a run shows that its catch-up is bound by the machine's faults, not the gateway's work.
 */
function perRecord(pid: number, records: number): () => string {
  const cpu0 = cpuTimeMs(pid);
  const faults0 = minorFaults(pid);
  return () => {
    const cpu = cpuTimeMs(pid);
    const faults = minorFaults(pid);
    if (cpu === undefined || faults === undefined || cpu0 === undefined || faults0 === undefined) return '';
    return `server ${(((cpu - cpu0) * 1000) / records).toFixed(2)} us of CPU and ${((faults - faults0) / records).toFixed(3)} minor page faults per record`;
  };
}

export async function catchUp(ctx: BenchContext): Promise<ScenarioRow[]> {
  const total = ctx.sizes.catchUpRecords;
  const floor = ctx.floors.read!.rowsPerSec;
  const gateway = await startGateway({ synchronous: ctx.synchronous, settings: ctx.gatewaySettings, cpuProfDir: ctx.cpuProfDir, label: 'catch-up' });
  const rows: ScenarioRow[] = [];
  try {
    await createTopic(gateway.url, 'bench', 1);
    ctx.progress(`catch-up: filling ${total} records`);
    await fillTopic(gateway.url, 'bench', total);

    // REST: one reader, pages of catchUpPage records, each asked for as soon as the last arrived.
    gateway.rss.reset();
    const histogram = newHistogram();
    const restCost = perRecord(gateway.pid, total);
    const started = performance.now();
    let offset = 0;
    let last = started;
    while (offset < total) {
      const res = await fetch(
        `${gateway.url}/v1/topics/bench/partitions/0/records?offset=${offset}&limit=${ctx.sizes.catchUpPage}&maxBytes=16777216`,
      );
      const text = await res.text();
      if (res.status !== 200) throw new Error(`fetch at ${offset}: ${res.status} ${text.slice(0, 200)}`);
      // The page's position is in its tail; the reader needs nothing else to continue.
      const match = /"nextOffset":(\d+)/.exec(text.slice(text.lastIndexOf('"nextOffset":')));
      const next = Number(match?.[1]);
      if (!(next > offset)) throw new Error(`fetch at ${offset} made no progress`);
      offset = next;
      const now = performance.now();
      recordMs(histogram, now - last);
      last = now;
    }
    const restRate = total / ((last - started) / 1000);
    ctx.figures.restCatchUp = restRate;
    rows.push({
      scenario: `catch-up ${total.toLocaleString('en-US')} records, REST`,
      throughput: restRate,
      unit: 'records/s',
      latencyOf: `${ctx.sizes.catchUpPage}-record page`,
      latency: summarize(histogram),
      peakRssMiB: gateway.rss.peakMiB(),
      cpuCores: gateway.rss.cpuCores(),
      floor: { name: 'read', value: floor },
      ratio: restRate / floor,
      notes: restCost() || undefined,
    });

    if (!(await hasTopicWebSocket(gateway.url, 'bench'))) {
      rows.push({
        scenario: `catch-up ${total.toLocaleString('en-US')} records, WebSocket`,
        skipped: 'GET /v1/topics/{topic}/ws is not served yet (src/ws in progress)',
        target: `>= ${TARGET_WS * 100}% of read`,
      });
      return rows;
    }
    gateway.rss.reset();
    const frames = newHistogram();
    let position = -1;
    let frameAt = 0;
    let wsStarted = 0;
    const sockets: WebSocket[] = [];
    const wsCost = perRecord(gateway.pid, total);
    try {
      wsStarted = performance.now();
      frameAt = wsStarted;
      sockets.push(
        ...(await openSockets(`${gateway.url.replace('http', 'ws')}/v1/topics/bench/ws?from=earliest`, 1, (_i, frame) => {
          const offset = lastOffsetIn(frame);
          if (offset < 0) return;
          position = offset;
          const now = performance.now();
          recordMs(frames, now - frameAt);
          frameAt = now;
        })),
      );
      await waitUntil(() => position === total - 1, 600_000, 'the WebSocket catch-up to reach the end');
    } finally {
      await closeSockets(sockets);
    }
    const wsRate = total / ((frameAt - wsStarted) / 1000);
    ctx.figures.wsCatchUp = wsRate;
    rows.push({
      scenario: `catch-up ${total.toLocaleString('en-US')} records, WebSocket`,
      throughput: wsRate,
      unit: 'records/s',
      latencyOf: 'gap between frames',
      latency: summarize(frames),
      peakRssMiB: gateway.rss.peakMiB(),
      cpuCores: gateway.rss.cpuCores(),
      floor: { name: 'read', value: floor },
      ratio: wsRate / floor,
      target: `>= ${TARGET_WS * 100}%`,
      met: wsRate / floor >= TARGET_WS,
      notes: wsCost() || undefined,
    });
    return rows;
  } finally {
    await gateway.dispose();
  }
}
