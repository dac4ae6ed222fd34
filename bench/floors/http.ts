/** HTTP floor: the same produce bodies, connections and duration against the bare hono server. */
import { spawnServer } from '../lib/child.js';
import { CpuMeter } from '../lib/cpu.js';
import type { LatencySummary } from '../lib/histogram.js';
import { httpLoad } from '../lib/http-load.js';
import { produceBody } from '../lib/records.js';

export interface HttpFloor {
  /** none: JSON.parse and a length check (the floor); zod: the gateway's record schema too. */
  validate: 'none' | 'zod';
  recordsPerRequest: number;
  connections: number;
  recordsPerSec: number;
  requestsPerSec: number;
  latency: LatencySummary;
  peakRssMiB: number;
  cpuCores: number | undefined;
  /** The load generator's (this process's) CPU. */
  clientCpuCores: number | undefined;
}

export async function measureHttpFloor(options: {
  validate: 'none' | 'zod';
  recordsPerRequest: number;
  connections: number;
  durationSec: number;
}): Promise<HttpFloor> {
  const server = await spawnServer({
    script: 'bench/floors/http-floor-server.ts',
    args: ['--validate', options.validate],
    urlFrom: (line) => (line.startsWith('{"url"') ? (JSON.parse(line) as { url: string }).url : undefined),
  });
  try {
    const url = `${server.url}/v1/topics/bench/records`;
    const body = produceBody(options.recordsPerRequest);
    // A short warm-up lets V8 optimize the hot paths, as it will have in the gateway runs too.
    await httpLoad({ url, body, connections: options.connections, durationSec: 1 });
    server.rss.reset();
    const client = new CpuMeter([process.pid]);
    const load = await httpLoad({ url, body, connections: options.connections, durationSec: options.durationSec });
    if (load.failed > 0) throw new Error(`HTTP floor: ${load.failed} requests failed`);
    return {
      validate: options.validate,
      clientCpuCores: client.cores(),
      recordsPerRequest: options.recordsPerRequest,
      connections: options.connections,
      recordsPerSec: load.requestsPerSec * options.recordsPerRequest,
      requestsPerSec: load.requestsPerSec,
      latency: load.latency,
      peakRssMiB: server.rss.peakMiB(),
      cpuCores: server.rss.cpuCores(),
    };
  } finally {
    await server.stop();
  }
}
