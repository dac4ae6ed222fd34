/**
 * Parked long-polls: N REST long-polls (a worker process) wait at the tail of a
 * one-partition topic; then one single-record produce. Measured: that produce's
 * acknowledgement (send -> answer) and every poll's wake-up (the produce's send ->
 * the poll's answer arriving at the worker; both processes read the same wall clock).
 * Several rounds, each re-parking every poll at the new tail. The same rounds against plain
 * node:http first give the floor: the least it costs to hold and answer that many requests.
 */
import { spawnServer } from '../lib/child.js';
import { CpuMeter } from '../lib/cpu.js';
import type { BenchContext } from '../lib/context.js';
import { startGatewayFor } from '../lib/gateway.js';
import { newHistogram, recordMs, summarize } from '../lib/histogram.js';
import { waitForIdle } from '../lib/idle.js';
import { produceBody } from '../lib/records.js';
import type { ScenarioRow } from '../lib/report.js';
import { createTopic } from '../lib/rest.js';
import { ClientWorker, epochMs } from '../lib/worker.js';

const TARGET_ACK_MS = 20;
const TARGET_WAKE_P99_MS = 100;
const PARK_WAIT_MS = 600_000;

interface ParkedRun {
  acks: ReturnType<typeof summarize>;
  ackList: number[];
  wake: ReturnType<typeof summarize>;
  parkSec: number;
  /** Server CPU to park every poll (until idle), and to wake and answer them (the produce included). */
  parkCpuMs: number;
  cpuMs: number;
  clientCpuMs: number;
  measuredMs: number;
}

/** `rounds` times: park `count` polls at the tail of `url`'s topic `parked`, produce one record, time the ack and every wake-up. */
async function runRounds(ctx: BenchContext, worker: ClientWorker, server: { url: string; pid: number }, label: string): Promise<ParkedRun> {
  const { parkedPolls: count, parkedRounds: rounds } = ctx.sizes;
  const acks = newHistogram();
  const wakes = newHistogram();
  const run = { ackList: [] as number[], parkSec: 0, parkCpuMs: 0, cpuMs: 0, clientCpuMs: 0, measuredMs: 0 };
  for (let round = 0; round < rounds; round++) {
    ctx.progress(`parked: ${label}, round ${round + 1}, parking ${count} long-polls`);
    const parkStarted = performance.now();
    const parkCpu = new CpuMeter([server.pid]);
    await worker.call('park', { url: server.url, topic: 'parked', count, offset: round, waitMs: PARK_WAIT_MS });
    await waitForIdle(server.pid, { timeoutMs: ctx.quick ? 5_000 : 30_000 });
    run.parkSec = Math.max(run.parkSec, (performance.now() - parkStarted) / 1000);
    run.parkCpuMs += parkCpu.cpuMs() ?? NaN;

    const serverCpu = new CpuMeter([server.pid]);
    const clientCpu = new CpuMeter([process.pid, worker.pid]);
    const started = performance.now();
    const sentAt = epochMs();
    const res = await fetch(`${server.url}/v1/topics/parked/records`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: produceBody(1, round) });
    const ackMs = performance.now() - started;
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`parked: produce to ${label} answered ${res.status}`);
    recordMs(acks, ackMs);
    run.ackList.push(ackMs);
    const { woken } = (await worker.call('waitWoken')) as unknown as { woken: number[] };
    for (const at of woken) recordMs(wakes, at - sentAt);
    run.measuredMs += performance.now() - started;
    run.cpuMs += serverCpu.cpuMs() ?? NaN;
    run.clientCpuMs += clientCpu.cpuMs() ?? NaN;
  }
  return { ...run, acks: summarize(acks), wake: summarize(wakes) };
}

export async function parked(ctx: BenchContext): Promise<ScenarioRow[]> {
  const { parkedPolls: count, parkedRounds: rounds } = ctx.sizes;
  const worker = ClientWorker.start('bench/clients/long-polls.ts');
  try {
    // The floor first: the same polls and produce against plain node:http (bench/floors/parked-floor-server.ts).
    const floorServer = await spawnServer({
      script: 'bench/floors/parked-floor-server.ts',
      urlFrom: (line) => (line.startsWith('{"url"') ? (JSON.parse(line) as { url: string }).url : undefined),
    });
    let floor: ParkedRun;
    try {
      floor = await runRounds(ctx, worker, floorServer, 'floor');
    } finally {
      await floorServer.stop();
    }
    // Parking thousands of polls may take longer than the default longest wait (30 s): the
    // first polls must still be parked when the produce comes.
    const gateway = await startGatewayFor(ctx, 'parked', { fetchMaxWaitMs: PARK_WAIT_MS });
    try {
      await createTopic(gateway.url, 'parked', 1);
      gateway.rss.reset();
      const m = await runRounds(ctx, worker, gateway, 'gateway');
      return rows(m, floor, gateway.rss.peakMiB(), count, rounds);
    } finally {
      await gateway.dispose();
    }
  } finally {
    await worker.stop();
  }
}

function rows(m: ParkedRun, floor: ParkedRun, peakRssMiB: number | undefined, count: number, rounds: number): ScenarioRow[] {
  const cores = (run: ParkedRun, ms: number) => (Number.isNaN(ms) ? undefined : ms / run.measuredMs);
  // Server CPU per poll: to park one (request read, validated, parked), and to answer one (woken, written).
  const perPoll = (ms: number) => (Number.isNaN(ms) ? '?' : `${Math.round((ms * 1000) / (count * rounds))} µs`);
  const cpuNote = (run: ParkedRun) => `server CPU per poll: ${perPoll(run.parkCpuMs)} to park (until idle), ${perPoll(run.cpuMs)} to wake and answer (the produce included)`;
  const answersPerSec = (run: ParkedRun) => run.wake.count / (run.measuredMs / 1000);
  const name = `parked: ${count.toLocaleString('en-US')} long-polls, one produce`;
  return [
    {
      scenario: `${name}, its ack`,
      latencyOf: `produce ack (${rounds} rounds)`,
      latency: m.acks,
      peakRssMiB,
      cpuCores: cores(m, m.cpuMs),
      clientCpuCores: cores(m, m.clientCpuMs),
      target: `<= ${TARGET_ACK_MS} ms`,
      met: m.acks.maxMs <= TARGET_ACK_MS,
      notes: `acks ${m.ackList.map((a) => a.toFixed(1)).join(', ')} ms; parking ${count.toLocaleString('en-US')} polls took up to ${m.parkSec.toFixed(1)} s (until the gateway went idle)`,
    },
    {
      scenario: `${name}, wake-ups, floor: plain node:http answering every parked request in one loop`,
      throughput: answersPerSec(floor),
      unit: 'answers/s',
      latencyOf: 'produce send -> poll answer',
      latency: floor.wake,
      cpuCores: cores(floor, floor.cpuMs),
      clientCpuCores: cores(floor, floor.clientCpuMs),
      notes: cpuNote(floor),
    },
    {
      scenario: `${name}, wake-ups`,
      throughput: answersPerSec(m),
      unit: 'answers/s',
      latencyOf: 'produce send -> poll answer',
      latency: m.wake,
      cpuCores: cores(m, m.cpuMs),
      clientCpuCores: cores(m, m.clientCpuMs),
      floor: { name: 'plain node:http', value: answersPerSec(floor) },
      ratio: answersPerSec(m) / answersPerSec(floor),
      target: `p99 <= ${TARGET_WAKE_P99_MS} ms`,
      met: m.wake.p99Ms <= TARGET_WAKE_P99_MS,
      notes: `${cpuNote(m)}; the floor's p99 ${floor.wake.p99Ms.toFixed(0)} ms`,
    },
  ];
}
