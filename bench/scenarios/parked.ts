/**
 * Parked long-polls: N REST long-polls (a worker process) wait at the tail of a
 * one-partition topic; then one single-record produce. Measured: that produce's
 * acknowledgement (send -> answer) and every poll's wake-up (the produce's send ->
 * the poll's answer arriving at the worker; both processes read the same wall clock).
 * Several rounds, each re-parking every poll at the new tail.
 */
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

export async function parked(ctx: BenchContext): Promise<ScenarioRow[]> {
  const { parkedPolls: count, parkedRounds: rounds } = ctx.sizes;
  // Parking thousands of polls may take longer than the default longest wait (30 s): the
  // first polls must still be parked when the produce comes.
  const gateway = await startGatewayFor(ctx, 'parked', { fetchMaxWaitMs: PARK_WAIT_MS });
  const worker = ClientWorker.start('bench/clients/long-polls.ts');
  try {
    await createTopic(gateway.url, 'parked', 1);
    const acks = newHistogram();
    const wakes = newHistogram();
    const ackList: number[] = [];
    let parkSec = 0;
    let cpuMs = 0;
    let clientCpuMs = 0;
    let measuredMs = 0;
    let parkCpuMs = 0;
    gateway.rss.reset();
    for (let round = 0; round < rounds; round++) {
      ctx.progress(`parked: round ${round + 1}, parking ${count} long-polls`);
      const parkStarted = performance.now();
      const parkCpu = new CpuMeter([gateway.pid]);
      await worker.call('park', { url: gateway.url, topic: 'parked', count, offset: round, waitMs: PARK_WAIT_MS });
      await waitForIdle(gateway.pid, { timeoutMs: ctx.quick ? 5_000 : 30_000 });
      parkSec = Math.max(parkSec, (performance.now() - parkStarted) / 1000);
      parkCpuMs += parkCpu.cpuMs() ?? NaN;

      const gatewayCpu = new CpuMeter([gateway.pid]);
      const clientCpu = new CpuMeter([process.pid, worker.pid]);
      const started = performance.now();
      const sentAt = epochMs();
      const res = await fetch(`${gateway.url}/v1/topics/parked/records`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: produceBody(1, round) });
      const ackMs = performance.now() - started;
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`parked: produce answered ${res.status}`);
      recordMs(acks, ackMs);
      ackList.push(ackMs);
      const { woken } = (await worker.call('waitWoken')) as unknown as { woken: number[] };
      for (const at of woken) recordMs(wakes, at - sentAt);
      measuredMs += performance.now() - started;
      cpuMs += gatewayCpu.cpuMs() ?? NaN;
      clientCpuMs += clientCpu.cpuMs() ?? NaN;
    }
    const ack = summarize(acks);
    const wake = summarize(wakes);
    const cores = (ms: number) => (Number.isNaN(ms) ? undefined : ms / measuredMs);
    // Gateway CPU per poll: to park one (request read, validated, parked), and to answer one (woken, written).
    const perPoll = (ms: number) => (Number.isNaN(ms) ? '?' : `${Math.round((ms * 1000) / (count * rounds))} µs`);
    const cpuNote = `gateway CPU per poll: ${perPoll(parkCpuMs)} to park (until idle), ${perPoll(cpuMs)} to wake and answer (the produce included)`;
    const name = `parked: ${count.toLocaleString('en-US')} long-polls, one produce`;
    return [
      {
        scenario: `${name}, its ack`,
        latencyOf: `produce ack (${rounds} rounds)`,
        latency: ack,
        peakRssMiB: gateway.rss.peakMiB(),
        cpuCores: cores(cpuMs),
        clientCpuCores: cores(clientCpuMs),
        target: `<= ${TARGET_ACK_MS} ms`,
        met: ack.maxMs <= TARGET_ACK_MS,
        notes: `acks ${ackList.map((a) => a.toFixed(1)).join(', ')} ms; parking ${count.toLocaleString('en-US')} polls took up to ${parkSec.toFixed(1)} s (until the gateway went idle)`,
      },
      {
        scenario: `${name}, wake-ups`,
        throughput: wake.count / (measuredMs / 1000),
        unit: 'answers/s',
        latencyOf: 'produce send -> poll answer',
        latency: wake,
        cpuCores: cores(cpuMs),
        clientCpuCores: cores(clientCpuMs),
        target: `p99 <= ${TARGET_WAKE_P99_MS} ms`,
        met: wake.p99Ms <= TARGET_WAKE_P99_MS,
        notes: cpuNote,
      },
    ];
  } finally {
    await worker.stop();
    await gateway.dispose();
  }
}
