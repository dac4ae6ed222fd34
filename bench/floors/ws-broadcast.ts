/** Delivery floor: the bare `ws` broadcast server, the same sockets, records and frame size as the fan-out scenario. */
import { spawnServer } from '../lib/child.js';
import { closeSockets, lastOffsetIn, openSockets, waitUntil } from '../lib/ws-clients.js';

export interface BroadcastFloor {
  sockets: number;
  records: number;
  batch: number;
  /** Records delivered per second, summed over all sockets. */
  deliveriesPerSec: number;
  peakRssMiB: number;
  cpuCores: number | undefined;
}

export async function measureBroadcastFloor(options: { sockets: number; records: number; batch: number }): Promise<BroadcastFloor> {
  const server = await spawnServer({
    script: 'bench/floors/ws-broadcast-server.ts',
    urlFrom: (line) => (line.startsWith('{"url"') ? (JSON.parse(line) as { url: string }).url : undefined),
  });
  const positions = new Array<number>(options.sockets).fill(-1);
  let done = 0;
  const last = options.records - 1;
  const sockets = await openSockets(server.url.replace('http', 'ws') + '/', options.sockets, (i, frame) => {
    const offset = lastOffsetIn(frame);
    if (offset > positions[i]!) {
      positions[i] = offset;
      if (offset === last) done++;
    }
  });
  try {
    server.rss.reset();
    const started = performance.now();
    const res = await fetch(`${server.url}/broadcast?records=${options.records}&batch=${options.batch}`);
    if (Number(await res.text()) !== options.sockets) throw new Error('broadcast floor: not every socket was connected');
    await waitUntil(() => done === options.sockets, 300_000, 'the broadcast floor to deliver');
    const seconds = (performance.now() - started) / 1000;
    return {
      sockets: options.sockets,
      records: options.records,
      batch: options.batch,
      deliveriesPerSec: (options.records * options.sockets) / seconds,
      peakRssMiB: server.rss.peakMiB(),
      cpuCores: server.rss.cpuCores(),
    };
  } finally {
    await closeSockets(sockets);
    await server.stop();
  }
}
