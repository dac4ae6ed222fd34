/**
 * Slow consumers: S WebSocket subscribers at the tail stop reading (their TCP
 * receive windows fill) while R records are produced, then resume. The gateway's
 * memory must stay bounded by its settings (wsHighWaterBytes of queued batches per
 * socket, after which a socket reads from the log again), not grow with R; every
 * socket must then receive every record. Rate: records delivered to all sockets per
 * second after they resume.
 */
import type WebSocket from 'ws';
import { startGateway } from '../lib/child.js';
import type { BenchContext } from '../lib/context.js';
import { hasTopicWebSocket } from '../lib/features.js';
import { newProducedTimes, Producer } from '../lib/producer.js';
import type { ScenarioRow } from '../lib/report.js';
import { createTopic } from '../lib/rest.js';
import { closeSockets, isSubscribedFrame, lastOffsetIn, openSockets, waitUntil } from '../lib/ws-clients.js';

const HIGH_WATER_BYTES = 1024 * 1024; // the gateway's default wsHighWaterBytes

export async function slowConsumers(ctx: BenchContext): Promise<ScenarioRow[]> {
  const { slowSockets: count, slowRecords: total, recordsPerBatch: batch } = ctx.sizes;
  const name = `slow consumers: ${count} paused sockets, ${total.toLocaleString('en-US')} records`;
  const gateway = await startGateway({ synchronous: ctx.synchronous, settings: ctx.gatewaySettings, cpuProfDir: ctx.cpuProfDir, label: 'slow-consumers' });
  let sockets: WebSocket[] = [];
  const producer = new Producer(gateway.url, 'bench', newProducedTimes(0), 4);
  try {
    await createTopic(gateway.url, 'bench', 1);
    if (!(await hasTopicWebSocket(gateway.url, 'bench'))) {
      return [{ scenario: name, skipped: 'GET /v1/topics/{topic}/ws is not served yet' }];
    }
    let subscribed = 0;
    let done = 0;
    const positions = new Array<number>(count).fill(-1);
    sockets = await openSockets(`${gateway.url.replace('http', 'ws')}/v1/topics/bench/ws?from=latest`, count, (i, frame) => {
      if (isSubscribedFrame(frame)) {
        subscribed++;
        return;
      }
      const last = lastOffsetIn(frame);
      if (last > positions[i]! && last === total - 1) done++;
      if (last > positions[i]!) positions[i] = last;
    });
    await waitUntil(() => subscribed === count, 60_000, 'every subscription');
    for (const ws of sockets) ws.pause();

    const baselineMiB = gateway.rss.currentMiB();
    gateway.rss.reset();
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < total) {
          const n = Math.min(batch, total - next);
          next += n;
          await producer.send(n);
        }
      }),
    );
    const peakWhilePausedMiB = gateway.rss.peakMiB();

    const resumed = performance.now();
    for (const ws of sockets) ws.resume();
    await waitUntil(() => done === count, 600_000, 'every paused socket to receive every record');
    const seconds = (performance.now() - resumed) / 1000;
    const perSocketMiB = (peakWhilePausedMiB - baselineMiB) / count;
    return [
      {
        scenario: name,
        throughput: (total * count) / seconds,
        unit: 'records/s (all sockets, after resume)',
        peakRssMiB: gateway.rss.peakMiB(),
        cpuCores: gateway.rss.cpuCores(),
        notes:
          `RSS ${baselineMiB} MiB before producing, peak ${peakWhilePausedMiB} MiB while ${count} sockets were paused ` +
          `(${perSocketMiB.toFixed(2)} MiB per socket; wsHighWaterBytes bounds queued batches at ${HIGH_WATER_BYTES / 1024 / 1024} MiB per socket; ` +
          `the records produced were ${((total * 230) / 1024 / 1024).toFixed(0)} MiB per socket); every socket then received all ${total.toLocaleString('en-US')} records`,
      },
    ];
  } finally {
    producer.close();
    await closeSockets(sockets);
    await gateway.dispose();
  }
}
