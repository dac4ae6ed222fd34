/**
 * Fan-out: N WebSocket subscribers at the tail of one one-partition topic; a producer
 * appends R records in requests of 100 (4 in flight) and the scenario ends when every
 * socket has the last one. Rate = R x N / time. Compared with the delivery floor: a
 * bare `ws` server broadcasting the same frames to the same number of sockets.
 * Latency: per frame per socket, from the send of the request holding the frame's
 * last record to the frame's arrival.
 */
import type WebSocket from 'ws';
import { startGateway } from '../lib/child.js';
import type { BenchContext } from '../lib/context.js';
import { hasTopicWebSocket } from '../lib/features.js';
import { newHistogram, recordMs, summarize } from '../lib/histogram.js';
import { newProducedTimes, Producer } from '../lib/producer.js';
import type { ScenarioRow } from '../lib/report.js';
import { createTopic } from '../lib/rest.js';
import { closeSockets, isSubscribedFrame, lastOffsetIn, openSockets, waitUntil } from '../lib/ws-clients.js';

const TARGET = 0.5;
const IN_FLIGHT = 4;

export async function fanOut(ctx: BenchContext): Promise<ScenarioRow[]> {
  const { fanOutSockets: count, fanOutRecords: total, recordsPerBatch: batch } = ctx.sizes;
  const name = `fan-out to ${count.toLocaleString('en-US')} sockets`;
  const floor = ctx.floors.broadcast!.deliveriesPerSec;
  const gateway = await startGateway({ synchronous: ctx.synchronous, settings: ctx.gatewaySettings, cpuProfDir: ctx.cpuProfDir, label: 'fan-out' });
  let sockets: WebSocket[] = [];
  const times = newProducedTimes(total);
  const producer = new Producer(gateway.url, 'bench', times, IN_FLIGHT);
  try {
    await createTopic(gateway.url, 'bench', 1);
    if (!(await hasTopicWebSocket(gateway.url, 'bench'))) {
      return [{ scenario: name, skipped: 'GET /v1/topics/{topic}/ws is not served yet', target: `>= ${TARGET * 100}% of delivery` }];
    }
    // Arrivals per socket: (time, last offset) pairs, turned into latencies once every ack is in.
    const arrivals: number[][] = Array.from({ length: count }, () => []);
    const positions = new Array<number>(count).fill(-1);
    let subscribed = 0;
    let done = 0;
    sockets = await openSockets(`${gateway.url.replace('http', 'ws')}/v1/topics/bench/ws?from=latest`, count, (i, frame) => {
      if (isSubscribedFrame(frame)) {
        subscribed++;
        return;
      }
      const last = lastOffsetIn(frame);
      if (last < 0) return;
      arrivals[i]!.push(performance.now(), last);
      if (last > positions[i]! && last === total - 1) done++;
      positions[i] = last;
    });
    await waitUntil(() => subscribed === count, 60_000, 'every subscription');

    gateway.rss.reset();
    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < total) {
          const n = Math.min(batch, total - next);
          next += n;
          await producer.send(n);
        }
      }),
    );
    await waitUntil(() => done === count, 600_000, 'every socket to receive every record');
    const seconds = (performance.now() - started) / 1000;
    const peakRssMiB = gateway.rss.peakMiB();
    const cpuCores = gateway.rss.cpuCores();

    const latency = newHistogram();
    for (const list of arrivals) {
      for (let k = 0; k < list.length; k += 2) recordMs(latency, list[k]! - times.sentAt[list[k + 1]!]!);
    }
    const rate = (total * count) / seconds;
    return [
      {
        scenario: name,
        throughput: rate,
        unit: 'records/s (all sockets)',
        latencyOf: 'send -> frame arrival',
        latency: summarize(latency),
        peakRssMiB,
        cpuCores,
        floor: { name: 'delivery', value: floor },
        ratio: rate / floor,
        target: `>= ${TARGET * 100}%`,
        met: rate / floor >= TARGET,
      },
    ];
  } finally {
    producer.close();
    await closeSockets(sockets);
    await gateway.dispose();
  }
}
