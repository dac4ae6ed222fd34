/**
 * A peer broker as a child process: its own temp dir, an ephemeral loopback port, pinned to the
 * server core, ready once it prints its ready line; stopped with SIGTERM (SIGKILL after 10 s).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pinned, pinning } from '../lib/pinning.js';

/** A free TCP port on loopback (the server binds it a moment later). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

export interface PeerProcess {
  port: number;
  pid: number;
  stop(): Promise<void>;
}

export interface PeerSpec {
  /** For messages, e.g. `redis-server`. */
  name: string;
  binary: string;
  /** The command line, given the port and the temp dir. */
  args(port: number, dir: string): string[];
  /** A line of its output that says it accepts clients. */
  readyText: string;
}

export async function startPeer(spec: PeerSpec): Promise<PeerProcess> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `logway-${spec.name}-`));
  const port = await freePort();
  const [command, args] = pinned(pinning().server, spec.binary, spec.args(port, dir));
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${spec.name} did not start\n${output}`)), 15_000);
    const onData = (d: Buffer) => {
      output = (output + d.toString()).slice(-4000);
      if (output.includes(spec.readyText)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then(() => reject(new Error(`${spec.name} exited before it was ready\n${output}`)));
  });
  child.stdout!.resume();
  child.stderr!.resume();
  return {
    port,
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
