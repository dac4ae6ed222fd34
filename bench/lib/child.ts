/**
 * Servers under test run as separate Node processes, so the load generator in
 * this process never shares an event loop with them. Node is started directly
 * (not through npm, whose shell does not pass signals on) and each child prints
 * a line naming its URL once it listens.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildGatewayOnce, GATEWAY_ENTRY } from './gateway-build.js';
import { pinned, pinning } from './pinning.js';
import { PeakRss } from './rss.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface ChildServer {
  readonly url: string;
  readonly pid: number;
  readonly rss: PeakRss;
  /** SIGTERM, then SIGKILL if it has not exited within the grace period. */
  stop(): Promise<void>;
}

export interface SpawnOptions {
  /** Script path relative to the repo root: JavaScript runs as it is, TypeScript through tsx. */
  script: string;
  args?: string[];
  /** Extra node flags, e.g. --cpu-prof. */
  nodeArgs?: string[];
  env?: Record<string, string>;
  /** Picks the listening URL out of one line of the child's stdout. */
  urlFrom: (line: string) => string | undefined;
  startTimeoutMs?: number;
  /** taskset CPU list; the server core (bench/lib/pinning.ts) by default. */
  cpus?: string;
}

/** Numbers each child's log file. */
let spawned = 0;

export async function spawnServer(options: SpawnOptions): Promise<ChildServer> {
  // The child must not pick up settings meant for another gateway.
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('LOGWAY_')) env[k] = v;
  Object.assign(env, options.env);
  const [command, args] = pinned(options.cpus ?? pinning().server, process.execPath, [
    ...serverNodeFlags(),
    ...(options.nodeArgs ?? []),
    ...(options.script.endsWith('.ts') ? ['--import', 'tsx'] : []),
    options.script,
    ...(options.args ?? []),
  ]);
  // The child's stdout (the gateway's request log) goes to a file, not to a pipe this process drains: this
  // process is also the load generator, and while it is busy a burst of log lines fills the pipe (64 KiB), and
  // the gateway's synchronous log write then sleeps 100 ms per retry with its event loop blocked (pino's
  // sonic-boom on EAGAIN). With 1,000 joins at once that was ~0.5 s of the gateway's loop (group-join, --profile).
  const logFile = path.join(os.tmpdir(), `logway-bench-${process.pid}-${++spawned}.log`);
  const out = fs.openSync(logFile, 'w');
  // taskset execs the command, so the child's pid is the server's.
  const child = spawn(command, args, {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', out, 'pipe'],
  });
  fs.closeSync(out);
  const removeLog = () => fs.rmSync(logFile, { force: true });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  let stopping = false;
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code, signal) => {
      // A server dying mid-scenario would otherwise show only as a timeout: say why at once.
      if (!stopping) process.stderr.write(`[bench] ${options.script} exited unexpectedly (${signal ?? code})\n${stderr}\n`);
      resolve(code);
    }),
  );

  const url = await new Promise<string>((resolve, reject) => {
    let settled = false;
    const finish = (error: Error | undefined, found?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearInterval(poll);
      if (error) reject(error);
      else resolve(found!);
    };
    const timer = setTimeout(() => finish(new Error(`${options.script} did not start in time\n${stderr}`)), options.startTimeoutMs ?? 30_000);
    // The URL line is among the first the child prints: read the file from the start until it shows up.
    const poll = setInterval(() => {
      const text = fs.readFileSync(logFile, 'utf8');
      for (const line of text.split('\n').slice(0, -1)) {
        const found = options.urlFrom(line);
        if (found) return finish(undefined, found);
      }
    }, 20);
    void exited.then((code) => finish(new Error(`${options.script} exited with ${code} before listening\n${stderr}`)));
  }).catch((err: unknown) => {
    removeLog();
    throw err;
  });

  const rss = new PeakRss(child.pid!);
  return {
    url,
    pid: child.pid!,
    rss,
    async stop() {
      rss.stop();
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return removeLog();
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
      removeLog();
    },
  };
}

/**
 * glibc malloc settings the container image runs the gateway with (Dockerfile `ENV GLIBC_TUNABLES`,
 * checked equal by test/dockerfile.test.ts), so the bench measures the gateway as shipped. With
 * glibc's defaults a catch-up chunk's MB-sized buffers are mmap'ed and unmapped, or trimmed off
 * the heap after each GC, and faulted in again for the next chunks: 0.007-0.075 minor page faults
 * per record from one run to the next, at ~22 µs a fault on the bench VM (docs/performance.md).
 */
export const GATEWAY_GLIBC_TUNABLES = 'glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=134217728';

/** `BENCH_GLIBC_TUNABLES=` (empty) runs the gateway with glibc's defaults instead, for an A/B. */
function gatewayTunables(): string {
  return process.env.BENCH_GLIBC_TUNABLES ?? GATEWAY_GLIBC_TUNABLES;
}

/**
 * V8 flags the container image runs the gateway with (Dockerfile `CMD`, checked equal by
 * test/dockerfile.test.ts); every Node server the bench starts (the gateway, the floor servers) gets
 * them. With Node 20's 16 MiB semi-spaces, batched produce (~20 KB bodies, their records held until
 * their group commit) filled the young generation every ~15 ms, while most of what it held was still
 * waiting for a commit, so each scavenge copied most of it: 331 scavenges and 3.5 s of pauses in 12 s
 * of load (--trace-gc), against 124 and 0.6 s with 64 MiB (docs/performance.md).
 */
export const GATEWAY_NODE_FLAGS = ['--max-semi-space-size=64'];

/** `BENCH_NODE_FLAGS=` (empty) runs the servers with Node's defaults instead, for an A/B (space-separated flags). */
function serverNodeFlags(): string[] {
  const flags = process.env.BENCH_NODE_FLAGS;
  return flags === undefined ? GATEWAY_NODE_FLAGS : flags.split(' ').filter(Boolean);
}

/** The real gateway (dist/main.js, compiled from src/ first: gateway-build.ts) on loopback, port 0, with its own temp data dir. */
export interface GatewayProcess extends ChildServer {
  readonly dataDir: string;
  /** Stops the gateway and removes its data dir. */
  dispose(): Promise<void>;
}

export async function startGateway(options: {
  synchronous: 'FULL' | 'NORMAL';
  settings?: Record<string, string | number | boolean>;
  /** Directory for --cpu-prof output; profiling is off when undefined. */
  cpuProfDir?: string;
  label?: string;
}): Promise<GatewayProcess> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'logway-bench-'));
  const args = ['--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir, '--synchronous', options.synchronous, '--log-level', 'info'];
  for (const [k, v] of Object.entries(options.settings ?? {})) {
    args.push('--' + k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase()), String(v));
  }
  buildGatewayOnce();
  // One folder per run: Node names each thread's profile itself (the checkpoint worker has its own).
  const nodeArgs = options.cpuProfDir
    ? ['--cpu-prof', '--cpu-prof-dir', path.join(options.cpuProfDir, `${options.label ?? 'gateway'}-${Date.now()}`)]
    : [];
  const server = await spawnServer({
    script: GATEWAY_ENTRY,
    args,
    nodeArgs,
    env: { GLIBC_TUNABLES: gatewayTunables() },
    urlFrom: (line) => {
      if (!line.includes('logway listening')) return undefined;
      try {
        return (JSON.parse(line) as { url?: string }).url;
      } catch {
        return undefined;
      }
    },
  });
  return {
    ...server,
    dataDir,
    async dispose() {
      await server.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
