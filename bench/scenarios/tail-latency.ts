/**
 * Live tail latency: one WebSocket subscriber at the tail of a one-partition topic
 * while a producer appends at a fixed 10,000 records/s (a request every millisecond
 * or so, carrying the records due by then). For every record, the time from the
 * producer's send until both its acknowledgement has reached the producer and the
 * record has reached the subscriber: a record is not "live" until everyone has it,
 * and the gateway writes to sockets before it answers the producer, so timing
 * delivery from the ack would read 0 by construction. Send -> ack and send ->
 * delivery are shown beside it.
 */
import type WebSocket from 'ws';
import { startGateway } from '../lib/child.js';
import { CpuMeter } from '../lib/cpu.js';
import type { BenchContext } from '../lib/context.js';
import { hasTopicWebSocket } from '../lib/features.js';
import { newHistogram, recordMs, summarize } from '../lib/histogram.js';
import { ClientLoopDelay } from '../lib/loop-delay.js';
import { GatewayVitals } from '../lib/gateway-vitals.js';
import { newProducedTimes, Producer, type ProducedTimes } from '../lib/producer.js';
import type { ScenarioRow } from '../lib/report.js';
import { createTopic } from '../lib/rest.js';
import { closeSockets, firstOffsetIn, isSubscribedFrame, lastOffsetIn, openSockets, waitUntil } from '../lib/ws-clients.js';

const TARGET_P99_MS = 5;

export async function tailLatency(ctx: BenchContext): Promise<ScenarioRow[]> {
  const rate = ctx.sizes.tailRatePerSec;
  const total = rate * ctx.sizes.tailSec;
  const capacity = Math.round((ctx.sizes.tailSec + ctx.sizes.tailWarmSec) * rate);
  const name = `live tail at ${rate.toLocaleString('en-US')} records/s, 1 socket`;
  const gateway = await startGateway({ synchronous: ctx.synchronous, settings: ctx.gatewaySettings, cpuProfDir: ctx.cpuProfDir, label: 'tail-latency' });
  let sockets: WebSocket[] = [];
  const times = newProducedTimes(capacity);
  const producer = new Producer(gateway.url, 'bench', times, 50);
  try {
    await createTopic(gateway.url, 'bench', 1);
    if (!(await hasTopicWebSocket(gateway.url, 'bench'))) {
      return [{ scenario: name, skipped: 'GET /v1/topics/{topic}/ws is not served yet', target: `p99 <= ${TARGET_P99_MS} ms` }];
    }
    const deliveredAt = new Float64Array(capacity).fill(NaN);
    let delivered = 0;
    let subscribed = false;
    sockets = await openSockets(`${gateway.url.replace('http', 'ws')}/v1/topics/bench/ws?from=latest`, 1, (_i, frame) => {
      if (isSubscribedFrame(frame)) subscribed = true;
      const first = firstOffsetIn(frame);
      if (first < 0) return;
      const now = performance.now();
      const last = lastOffsetIn(frame);
      for (let o = first; o <= last && o < capacity; o++) deliveredAt[o] = now;
      delivered = Math.max(delivered, last + 1);
    });
    await waitUntil(() => subscribed, 10_000, 'the subscription');

    // Warm-up at the same rate, not counted: the first requests of a fresh gateway run cold code
    // (p99 80-170 ms in the first half second of unwarmed runs, 10-30 ms after). Its figures go to the notes.
    const warmUp = Math.round(ctx.sizes.tailWarmSec * rate);
    const warmUpStarted = performance.now();
    await pace(producer, rate, 0, warmUp);
    await waitUntil(() => delivered >= warmUp, 30_000, 'the warm-up records to reach the socket');
    const warmUpLatency = summarize(latencies(times, deliveredAt, 0, warmUp).both);
    const warmUpSec = (performance.now() - warmUpStarted) / 1000;

    gateway.rss.reset();
    const vitals = new GatewayVitals(gateway.url, gateway.pid);
    await vitals.reset();
    const client = new CpuMeter([process.pid]);
    const clientLoop = new ClientLoopDelay();
    const started = performance.now();
    await pace(producer, rate, warmUp, warmUp + total);
    await waitUntil(() => delivered >= warmUp + total, 30_000, 'every record to reach the socket');
    const elapsed = (performance.now() - started) / 1000;
    const peakRssMiB = gateway.rss.peakMiB();
    const cpuCores = gateway.rss.cpuCores();
    const clientCpuCores = client.cores();
    const clientLoopNote = clientLoop.describe();
    const vitalsNote = await vitals.describe(elapsed);

    const { both, sendToAck, sendToDelivery, beforeAck } = latencies(times, deliveredAt, warmUp, warmUp + total);
    const whole = summarize(both);
    const row = (suffix: string, latencyOf: string, latency: ReturnType<typeof summarize>): ScenarioRow => ({
      scenario: `${name}${suffix}`,
      throughput: total / elapsed,
      unit: 'records/s',
      latencyOf,
      latency,
      peakRssMiB,
      cpuCores,
      clientCpuCores,
    });
    return [
      {
        ...row('', 'send -> ack and delivery', whole),
        target: `p99 <= ${TARGET_P99_MS} ms`,
        met: whole.p99Ms <= TARGET_P99_MS,
        notes: [
          `${((beforeAck / total) * 100).toFixed(1)}% of records reached the socket before their acknowledgement reached the producer; the latency counts the later of the two`,
          `not counted: ${warmUp.toLocaleString('en-US')} records of warm-up first (${warmUpSec.toFixed(1)} s, p50 ${warmUpLatency.p50Ms} ms, p99 ${warmUpLatency.p99Ms} ms, max ${warmUpLatency.maxMs} ms)`,
          ...(vitalsNote ? [vitalsNote] : []),
          clientLoopNote,
        ].join('; '),
      },
      row(' (ack alone)', 'send -> ack', summarize(sendToAck)),
      row(' (delivery alone)', 'send -> delivery', summarize(sendToDelivery)),
    ];
  } finally {
    producer.close();
    await closeSockets(sockets);
    await gateway.dispose();
  }
}

/**
 * Paced producer: every ~1 ms, sends the records due by now (never more than 1,000 at once) until
 * offset `to` is sent, then waits for every acknowledgement. Offsets `from`..`to` are this phase's (one
 * partition, nothing else produces, and the phase before has been acknowledged).
 */
async function pace(producer: Producer, rate: number, from: number, to: number): Promise<void> {
  const started = performance.now();
  let sent = from;
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  while (sent < to && failure === undefined) {
    const due = Math.min(to, from + Math.floor(((performance.now() - started) / 1000) * rate));
    const n = Math.min(due - sent, 1000);
    if (n > 0) {
      const p = producer.send(n).catch((err: unknown) => {
        failure = err;
      });
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
      sent += n;
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  await Promise.all(inFlight);
  if (failure !== undefined) throw failure;
}

/** Per record of offsets `from`..`to`: the later of ack and delivery, each alone, from the send. */
function latencies(times: ProducedTimes, deliveredAt: Float64Array, from: number, to: number) {
  const both = newHistogram();
  const sendToAck = newHistogram();
  const sendToDelivery = newHistogram();
  let beforeAck = 0;
  for (let o = from; o < to; o++) {
    const sent = times.sentAt[o]!;
    const acked = times.ackedAt[o]!;
    const d = deliveredAt[o]!;
    if (d <= acked) beforeAck++;
    recordMs(both, Math.max(acked, d) - sent);
    recordMs(sendToAck, acked - sent);
    recordMs(sendToDelivery, d - sent);
  }
  return { both, sendToAck, sendToDelivery, beforeAck };
}
