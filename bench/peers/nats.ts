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
import fs from 'node:fs';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { DeliverPolicy, jetstream, jetstreamManager, StorageType } from '@nats-io/jetstream';
import { CpuMeter } from '../lib/cpu.js';
import { newHistogram, recordMs, summarize, type LatencySummary } from '../lib/histogram.js';
import { VALUE_BYTES } from '../lib/records.js';
import { startPeer } from './server-process.js';

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
  const peer = await startPeer({
    name: 'nats-server',
    binary: NATS_SERVER,
    args: (port, dir) => ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir],
    readyText: 'Server is ready',
  });
  return { url: `127.0.0.1:${peer.port}`, pid: peer.pid, stop: () => peer.stop() };
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
