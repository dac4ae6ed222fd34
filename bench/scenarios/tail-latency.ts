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
import { newProducedTimes, Producer } from '../lib/producer.js';
import type { ScenarioRow } from '../lib/report.js';
import { createTopic } from '../lib/rest.js';
import { closeSockets, firstOffsetIn, isSubscribedFrame, lastOffsetIn, openSockets, waitUntil } from '../lib/ws-clients.js';

const TARGET_P99_MS = 5;

export async function tailLatency(ctx: BenchContext): Promise<ScenarioRow[]> {
  const rate = ctx.sizes.tailRatePerSec;
  const total = rate * ctx.sizes.tailSec;
  const name = `live tail at ${rate.toLocaleString('en-US')} records/s, 1 socket`;
  const gateway = await startGateway({ synchronous: ctx.synchronous, settings: ctx.gatewaySettings, cpuProfDir: ctx.cpuProfDir, label: 'tail-latency' });
  let sockets: WebSocket[] = [];
  const times = newProducedTimes(total);
  const producer = new Producer(gateway.url, 'bench', times, 50);
  try {
    await createTopic(gateway.url, 'bench', 1);
    if (!(await hasTopicWebSocket(gateway.url, 'bench'))) {
      return [{ scenario: name, skipped: 'GET /v1/topics/{topic}/ws is not served yet', target: `p99 <= ${TARGET_P99_MS} ms` }];
    }
    const deliveredAt = new Float64Array(total).fill(NaN);
    let delivered = 0;
    let subscribed = false;
    sockets = await openSockets(`${gateway.url.replace('http', 'ws')}/v1/topics/bench/ws?from=latest`, 1, (_i, frame) => {
      if (isSubscribedFrame(frame)) subscribed = true;
      const first = firstOffsetIn(frame);
      if (first < 0) return;
      const now = performance.now();
      const last = lastOffsetIn(frame);
      for (let o = first; o <= last && o < total; o++) deliveredAt[o] = now;
      delivered = Math.max(delivered, last + 1);
    });
    await waitUntil(() => subscribed, 10_000, 'the subscription');

    gateway.rss.reset();
    const client = new CpuMeter([process.pid]);
    // Paced producer: every ~1 ms, send the records due by now (never more than 1,000 at once).
    const started = performance.now();
    let sent = 0;
    const inFlight = new Set<Promise<void>>();
    let failure: unknown;
    while (sent < total && failure === undefined) {
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate));
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
    await waitUntil(() => delivered >= total, 30_000, 'every record to reach the socket');
    const elapsed = (performance.now() - started) / 1000;
    const peakRssMiB = gateway.rss.peakMiB();
    const cpuCores = gateway.rss.cpuCores();
    const clientCpuCores = client.cores();

    const both = newHistogram();
    const sendToAck = newHistogram();
    const sendToDelivery = newHistogram();
    let beforeAck = 0;
    for (let o = 0; o < total; o++) {
      const sent = times.sentAt[o]!;
      const acked = times.ackedAt[o]!;
      const d = deliveredAt[o]!;
      if (d <= acked) beforeAck++;
      recordMs(both, Math.max(acked, d) - sent);
      recordMs(sendToAck, acked - sent);
      recordMs(sendToDelivery, d - sent);
    }
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
        notes: `${((beforeAck / total) * 100).toFixed(1)}% of records reached the socket before their acknowledgement reached the producer; the latency counts the later of the two`,
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
