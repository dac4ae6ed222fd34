/**
 * Fan-out: N WebSocket subscribers (in a client worker, on the client core) at the tail
 * of one one-partition topic; a producer appends R records in requests of 100 (4 in
 * flight) and the scenario ends when every socket has the last one. Rate = R x N / time.
 * Then the delivery floor: a bare `ws` server broadcasting the same records to the same
 * number of sockets in the same worker, in as many frames per socket as the gateway sent
 * (it coalesces commits into fewer, larger frames; the floor must pay the same per-frame
 * costs). Latency: per frame per socket, from the send of the request holding the frame's
 * last record to the frame's arrival.
 */
import { startGateway } from '../lib/child.js';
import type { BenchContext } from '../lib/context.js';
import { CpuMeter } from '../lib/cpu.js';
import { hasTopicWebSocket } from '../lib/features.js';
import { newHistogram, recordMs, summarize } from '../lib/histogram.js';
import { newProducedTimes, Producer } from '../lib/producer.js';
import type { ScenarioRow } from '../lib/report.js';
import { createTopic } from '../lib/rest.js';
import { ClientWorker, epochMs } from '../lib/worker.js';
import { measureBroadcastFloor } from '../floors/ws-broadcast.js';

const TARGET = 0.5;
const IN_FLIGHT = 4;

export async function fanOut(ctx: BenchContext): Promise<ScenarioRow[]> {
  const { fanOutSockets: count, fanOutRecords: total, recordsPerBatch: batch } = ctx.sizes;
  const name = `fan-out to ${count.toLocaleString('en-US')} sockets`;
  const gateway = await startGateway({ synchronous: ctx.synchronous, settings: ctx.gatewaySettings, cpuProfDir: ctx.cpuProfDir, label: 'fan-out' });
  const worker = ClientWorker.start('bench/clients/ws-sockets.ts');
  const times = newProducedTimes(total);
  const producer = new Producer(gateway.url, 'bench', times, IN_FLIGHT);
  try {
    await createTopic(gateway.url, 'bench', 1);
    if (!(await hasTopicWebSocket(gateway.url, 'bench'))) {
      return [{ scenario: name, skipped: 'GET /v1/topics/{topic}/ws is not served yet', target: `>= ${TARGET * 100}% of delivery` }];
    }
    await worker.call('open', { url: `${gateway.url.replace('http', 'ws')}/v1/topics/bench/ws?from=latest`, count });
    await worker.call('subscribed', { count });

    gateway.rss.reset();
    const clients = new CpuMeter([process.pid, worker.pid]);
    const startedEpoch = epochMs();
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
    const done = (await worker.call('done', { last: total - 1 })) as unknown as { frames: number; lastArrival: number; arrivals: number[] };
    const seconds = (done.lastArrival - startedEpoch) / 1000;
    const peakRssMiB = gateway.rss.peakMiB();
    const cpuCores = gateway.rss.cpuCores();
    const clientCpuCores = clients.cores();
    await worker.call('close');

    // Send times are this process's performance.now(); arrivals are wall-clock ms.
    const latency = newHistogram();
    for (let k = 0; k < done.arrivals.length; k += 2) {
      recordMs(latency, done.arrivals[k]! - (performance.timeOrigin + times.sentAt[done.arrivals[k + 1]!]!));
    }
    const rate = (total * count) / seconds;

    const framesPerSocket = done.frames / count;
    const floorBatch = Math.max(1, Math.ceil(total / framesPerSocket));
    ctx.progress(`fan-out: delivery floor at ${floorBatch} records/frame (${framesPerSocket.toFixed(0)} frames per socket, as the gateway sent)`);
    const floor = await measureBroadcastFloor({ sockets: count, records: total, batch: floorBatch, worker });
    ctx.addFloorRow({
      floor: `delivery: bare ws broadcast, ${floor.sockets} sockets, ${floor.batch}/frame (the gateway's frame count)`,
      value: floor.deliveriesPerSec,
      unit: 'records/s (all sockets)',
      peakRssMiB: floor.peakRssMiB,
      cpuCores: floor.cpuCores,
      clientCpuCores: floor.clientCpuCores,
    });
    return [
      {
        scenario: name,
        throughput: rate,
        unit: 'records/s (all sockets)',
        latencyOf: 'send -> frame arrival',
        latency: summarize(latency),
        peakRssMiB,
        cpuCores,
        clientCpuCores,
        floor: { name: 'delivery', value: floor.deliveriesPerSec },
        ratio: rate / floor.deliveriesPerSec,
        target: `>= ${TARGET * 100}%`,
        met: rate / floor.deliveriesPerSec >= TARGET,
        notes: `${framesPerSocket.toFixed(1)} frames per socket (${(total / framesPerSocket).toFixed(0)} records per frame on average); the floor sent the same count`,
      },
    ];
  } finally {
    producer.close();
    await worker.stop();
    await gateway.dispose();
  }
}
