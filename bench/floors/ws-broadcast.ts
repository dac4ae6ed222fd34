/**
 * Delivery floor: the bare `ws` broadcast server, the same sockets and records as the
 * fan-out scenario, in as many frames per socket as the gateway sent there (so the
 * per-frame costs are the same), with the sockets in a client worker on the client core.
 */
import { spawnServer } from '../lib/child.js';
import { CpuMeter } from '../lib/cpu.js';
import { epochMs, type ClientWorker } from '../lib/worker.js';

export interface BroadcastFloor {
  sockets: number;
  records: number;
  batch: number;
  /** Records delivered per second, summed over all sockets. */
  deliveriesPerSec: number;
  peakRssMiB: number;
  cpuCores: number | undefined;
  clientCpuCores: number | undefined;
}

export async function measureBroadcastFloor(options: { sockets: number; records: number; batch: number; worker: ClientWorker }): Promise<BroadcastFloor> {
  const { worker } = options;
  const server = await spawnServer({
    script: 'bench/floors/ws-broadcast-server.ts',
    urlFrom: (line) => (line.startsWith('{"url"') ? (JSON.parse(line) as { url: string }).url : undefined),
  });
  try {
    await worker.call('open', { url: server.url.replace('http', 'ws') + '/', count: options.sockets });
    server.rss.reset();
    const clients = new CpuMeter([process.pid, worker.pid]);
    const started = epochMs();
    const res = await fetch(`${server.url}/broadcast?records=${options.records}&batch=${options.batch}`);
    if (Number(await res.text()) !== options.sockets) throw new Error('broadcast floor: not every socket was connected');
    const done = (await worker.call('done', { last: options.records - 1 })) as unknown as { lastArrival: number };
    const seconds = (done.lastArrival - started) / 1000;
    return {
      sockets: options.sockets,
      records: options.records,
      batch: options.batch,
      deliveriesPerSec: (options.records * options.sockets) / seconds,
      peakRssMiB: server.rss.peakMiB(),
      cpuCores: server.rss.cpuCores(),
      clientCpuCores: clients.cores(),
    };
  } finally {
    await worker.call('close');
    await server.stop();
  }
}
