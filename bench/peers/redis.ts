/**
 * Redis Streams as a peer: Debian's redis-server on an ephemeral port with a temp dir
 * and `appendfsync always` (every write acknowledged after an fsync, as the gateway's
 * synchronous=FULL), pinned to the server core; load from redis-benchmark, the C client
 * that ships with it (so the client is not the bound), on the client core.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { CpuMeter } from '../lib/cpu.js';
import { pinned, pinning } from '../lib/pinning.js';
import { startPeer, type PeerProcess } from './server-process.js';
import { VALUE_BYTES } from '../lib/records.js';

export const REDIS_SERVER = '/usr/bin/redis-server';
export const REDIS_BENCHMARK = '/usr/bin/redis-benchmark';

/** Why Redis rows cannot run here, or undefined when they can. */
export function redisMissing(): string | undefined {
  for (const bin of [REDIS_SERVER, REDIS_BENCHMARK]) if (!fs.existsSync(bin)) return `${bin} not found (Debian packages redis-server, redis-tools)`;
  return undefined;
}

export type RedisServer = PeerProcess;

export function startRedis(): Promise<RedisServer> {
  return startPeer({
    name: 'redis-server',
    binary: REDIS_SERVER,
    args: (port, dir) => [
      '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always',
      '--save', '', '--protected-mode', 'no', '--daemonize', 'no', '--logfile', '',
    ],
    readyText: 'Ready to accept connections',
  });
}

export interface RedisBenchResult {
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** Cores the server and redis-benchmark used over the run. */
  serverCpuCores?: number;
  clientCpuCores?: number;
}

/** The `rps`, `p50_latency_ms` and `p99_latency_ms` of redis-benchmark's --csv output (header line, then one line per test). */
export function parseRedisBenchmarkCsv(csv: string): { requestsPerSec: number; p50Ms: number; p99Ms: number } {
  const lines = csv.trim().split('\n').filter((l) => l.startsWith('"'));
  const header = lines[0] ? (JSON.parse(`[${lines[0]}]`) as string[]) : [];
  const row = lines[1] ? (JSON.parse(`[${lines[1]}]`) as string[]) : [];
  const field = (name: string) => {
    const at = header.indexOf(name);
    const value = Number(row[at]);
    if (at < 0 || !Number.isFinite(value)) throw new Error(`redis-benchmark output has no ${name}: ${csv.slice(0, 300)}`);
    return value;
  };
  return { requestsPerSec: field('rps'), p50Ms: field('p50_latency_ms'), p99Ms: field('p99_latency_ms') };
}

/** Runs redis-benchmark with `command` (e.g. XADD s * v <value>) for `requests` requests. */
export async function redisBenchmark(server: RedisServer, options: { clients: number; requests: number; pipeline: number; command: string[] }): Promise<RedisBenchResult> {
  const [command, args] = pinned(pinning().client, REDIS_BENCHMARK, [
    '-h', '127.0.0.1', '-p', String(server.port), '-c', String(options.clients), '-n', String(options.requests), '-P', String(options.pipeline),
    '--csv', ...options.command,
  ]);
  const serverCpu = new CpuMeter([server.pid]);
  const child: ChildProcess = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const clientCpu = new CpuMeter([child.pid!]);
  let out = '';
  let err = '';
  let clientCpuCores: number | undefined;
  let serverCpuCores: number | undefined;
  // Read the client's CPU just before it exits (its /proc entry goes with it): sample until then.
  const sampler = setInterval(() => {
    const c = clientCpu.cores();
    if (c !== undefined) {
      clientCpuCores = c;
      serverCpuCores = serverCpu.cores();
    }
  }, 100);
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearInterval(sampler);
  if (code !== 0) throw new Error(`redis-benchmark exited with ${code}: ${err.slice(0, 300)}`);
  return { ...parseRedisBenchmarkCsv(out), serverCpuCores, clientCpuCores };
}

/** A 200-byte value, the size of the gateway's benchmark records. */
export const REDIS_VALUE = 'x'.repeat(VALUE_BYTES);
