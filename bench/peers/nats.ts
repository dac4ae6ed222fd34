/**
 * NATS JetStream as a peer: Debian's nats-server with JetStream's file store in a temp dir, on
 * an ephemeral loopback port, pinned to the server core. Load comes from the official JavaScript
 * clients (@nats-io/transport-node, @nats-io/jetstream) in the bench process on the client core,
 * spread over several connections; there is no C load generator for JetStream here, so each row
 * shows the client's CPU: near one core, the row is bound by the client, not by nats-server.
 *
 * Durability differs from the other rows: nats-server 2.9 has no per-acknowledgement fsync
 * (`sync_interval: always` came with 2.10); its file store acknowledges once the write reached
 * the operating system and syncs every two minutes, as `synchronous=NORMAL` would.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { DeliverPolicy, jetstream, jetstreamManager, StorageType } from '@nats-io/jetstream';
import { CpuMeter } from '../lib/cpu.js';
import { newHistogram, recordMs, summarize, type LatencySummary } from '../lib/histogram.js';
import { pinned, pinning } from '../lib/pinning.js';
import { VALUE_BYTES } from '../lib/records.js';
import { freePort } from './redis.js';

export const NATS_SERVER = '/usr/sbin/nats-server';

/** Why the JetStream rows cannot run here, or undefined when they can. */
export function natsMissing(): string | undefined {
  return fs.existsSync(NATS_SERVER) ? undefined : `${NATS_SERVER} not found (Debian package nats-server)`;
}

export interface NatsServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export async function startNats(): Promise<NatsServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logway-nats-'));
  const port = await freePort();
  const [command, args] = pinned(pinning().server, NATS_SERVER, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir]);
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`nats-server did not start\n${output}`)), 15_000);
    const onData = (d: Buffer) => {
      output = (output + d.toString()).slice(-4000);
      if (output.includes('Server is ready')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then(() => reject(new Error(`nats-server exited before it was ready\n${output}`)));
  });
  child.stdout!.resume();
  child.stderr!.resume();
  return {
    url: `127.0.0.1:${port}`,
    pid: child.pid!,
    async stop() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface NatsLoadResult {
  messagesPerSec: number;
  latency: LatencySummary;
  serverCpuCores: number | undefined;
  clientCpuCores: number | undefined;
}

const PAYLOAD = new Uint8Array(VALUE_BYTES).fill(0x78);

/** A file-store stream taking `subject`. */
export async function createStream(server: NatsServer, name: string, subject: string): Promise<void> {
  const nc = await connect({ servers: server.url });
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name, subjects: [subject], storage: StorageType.File });
  } finally {
    await nc.close();
  }
}

/**
 * Publishes `total` 200-byte messages to `subject` from `publishers` publishers spread over
 * `connections` connections, each publisher keeping `inFlight` publishes awaiting their
 * acknowledgement (1: one at a time, as a single-record producer; 100: as a pipeline).
 * Latency: publish -> acknowledgement.
 */
export async function publishLoad(
  server: NatsServer,
  options: { subject: string; total: number; publishers: number; inFlight: number; connections: number },
): Promise<NatsLoadResult> {
  const conns: NatsConnection[] = await Promise.all(Array.from({ length: options.connections }, () => connect({ servers: server.url })));
  try {
    const streams = conns.map((nc) => jetstream(nc));
    const histogram = newHistogram();
    let sent = 0;
    const slot = async (js: ReturnType<typeof jetstream>) => {
      while (sent < options.total) {
        sent++;
        const started = performance.now();
        // A long timeout: thousands of publishes wait for acknowledgement at once (the client's default is 5 s).
        await js.publish(options.subject, PAYLOAD, { timeout: 120_000 });
        recordMs(histogram, performance.now() - started);
      }
    };
    const serverCpu = new CpuMeter([server.pid]);
    const clientCpu = new CpuMeter([process.pid]);
    const started = performance.now();
    const slots: Promise<void>[] = [];
    for (let p = 0; p < options.publishers; p++) for (let i = 0; i < options.inFlight; i++) slots.push(slot(streams[p % streams.length]!));
    await Promise.all(slots);
    const sec = (performance.now() - started) / 1000;
    return { messagesPerSec: options.total / sec, latency: summarize(histogram), serverCpuCores: serverCpu.cores(), clientCpuCores: clientCpu.cores() };
  } finally {
    await Promise.all(conns.map((nc) => nc.close()));
  }
}

/** Reads `total` messages of `stream` from its start with an ordered consumer (one reader). Latency: between batches of 10,000. */
export async function readLoad(server: NatsServer, options: { stream: string; total: number }): Promise<NatsLoadResult> {
  const nc = await connect({ servers: server.url });
  try {
    const consumer = await jetstream(nc).consumers.get(options.stream, { deliver_policy: DeliverPolicy.All });
    const histogram = newHistogram();
    const serverCpu = new CpuMeter([server.pid]);
    const clientCpu = new CpuMeter([process.pid]);
    const started = performance.now();
    let last = started;
    let count = 0;
    let bytes = 0;
    const messages = await consumer.consume({ max_messages: 10_000 });
    for await (const message of messages) {
      count++;
      bytes += message.data.length;
      if (count % 10_000 === 0) {
        const now = performance.now();
        recordMs(histogram, now - last);
        last = now;
      }
      if (count >= options.total) break;
    }
    const sec = (performance.now() - started) / 1000;
    if (bytes !== count * VALUE_BYTES) throw new Error(`read ${bytes} bytes in ${count} messages, not ${VALUE_BYTES} each`);
    return { messagesPerSec: count / sec, latency: summarize(histogram), serverCpuCores: serverCpu.cores(), clientCpuCores: clientCpu.cores() };
  } finally {
    await nc.close();
  }
}
