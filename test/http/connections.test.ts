/**
 * maxConnections bounds the gateway's open TCP connections (and with them every
 * per-connection buffer): one over the limit is closed as soon as it is accepted, and
 * a slot frees when a connection closes. listenBacklog is the kernel's accept queue.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startGateway } from '../helpers/gateway.js';
import { until } from '../helpers/until.js';

/** GET /healthz on a connection of `agent`'s (undefined agent: a fresh connection); the status, or the error code. */
function healthz(url: string, agent: http.Agent | false): Promise<number | string> {
  return new Promise((resolve) => {
    const req = http.get(`${url}/healthz`, { agent }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode!));
    });
    req.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

/** An agent holding one keep-alive connection, open until the test ends. */
function keepAliveAgent(): http.Agent {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  onTestFinished(() => agent.destroy());
  return agent;
}

describe('maxConnections', () => {
  it('closes a connection over the limit at once, and accepts again when one closes', async () => {
    const { url } = await startGateway({ maxConnections: 2 });
    const first = keepAliveAgent();
    const second = keepAliveAgent();
    // Answered, so the server holds both connections (kept alive by the agents).
    expect(await healthz(url, first)).toBe(200);
    expect(await healthz(url, second)).toBe(200);

    const refused = await healthz(url, false);
    expect(refused, 'a third connection while two are open').not.toBe(200);
    expect(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'socket hang up']).toContain(refused);
    // The open connections still work.
    expect(await healthz(url, first)).toBe(200);

    // Once the server has seen one close, a new connection is served.
    first.destroy();
    await until('a new connection to be served after one closed', async () => (await healthz(url, false)) === 200);
  });
});

describe('listenBacklog', () => {
  /** The listening socket's accept queue limit as the kernel reports it (`ss`: Send-Q of a LISTEN socket). */
  async function kernelBacklog(port: number): Promise<number> {
    const out = await new Promise<string>((resolve, reject) =>
      execFile('ss', ['-ltnH', `sport = :${port}`], (err, stdout) => (err ? reject(err) : resolve(stdout))),
    );
    const [, , sendQ] = out.trim().split(/\s+/);
    return Number(sendQ);
  }
  const somaxconn = () => Number(fs.readFileSync('/proc/sys/net/core/somaxconn', 'utf8'));

  it('is the queue of connections the kernel holds until the gateway accepts them (Node alone would use 511)', async () => {
    const { port } = await startGateway({ listenBacklog: 1000 });
    expect(await kernelBacklog(port)).toBe(Math.min(1000, somaxconn()));
    const defaults = await startGateway();
    expect(await kernelBacklog(defaults.port)).toBe(Math.min(4096, somaxconn()));
  });
});

describe('keepAliveTimeoutMs', () => {
  /** One GET /healthz on a raw kept-alive connection: the answer's head, and a promise of the server closing the idle connection. */
  function keepAliveOf(url: string): Promise<{ head: string; closedByServer: Promise<void> }> {
    const { hostname, port } = new URL(url);
    return new Promise((resolve, reject) => {
      const socket = net.connect(Number(port), hostname, () => socket.write(`GET /healthz HTTP/1.1\r\nHost: ${hostname}\r\n\r\n`));
      onTestFinished(() => void socket.destroy());
      const closedByServer = new Promise<void>((closed) => socket.once('end', () => closed()));
      let received = '';
      socket.setEncoding('utf8').on('data', (chunk: string) => {
        received += chunk;
        const end = received.indexOf('\r\n\r\n');
        if (end !== -1) resolve({ head: received.slice(0, end).toLowerCase(), closedByServer });
      });
      socket.once('error', reject);
    });
  }

  it('is said in every answer (Keep-Alive: timeout=<seconds>), and the idle connection is closed by the server once it passes', async () => {
    const long = await keepAliveOf((await startGateway({ keepAliveTimeoutMs: 65_000 })).url);
    expect(long.head).toContain('\r\nkeep-alive: timeout=65');
    const short = await keepAliveOf((await startGateway({ keepAliveTimeoutMs: 1_000 })).url);
    expect(short.head).toContain('\r\nkeep-alive: timeout=1');
    await short.closedByServer;
  });
});
