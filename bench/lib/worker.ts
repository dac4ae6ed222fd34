/**
 * Client load in a separate Node process (bench/clients/*), so thousands of client
 * connections neither share the bench process's event loop with the load it
 * measures nor hide their CPU in it: the worker's own CPU is reported per phase.
 * Parent and worker talk over Node's IPC channel: the parent sends commands, the
 * worker answers each with one message naming the command.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from './child.js';
import { CpuMeter } from './cpu.js';
import { pinning } from './pinning.js';

export interface WorkerMessage {
  reply: string;
  [key: string]: unknown;
}

export class ClientWorker {
  readonly #child: ChildProcess;
  /** The worker's CPU since `cpu.reset()`. */
  readonly cpu: CpuMeter;
  #pending = new Map<string, { resolve: (m: WorkerMessage) => void; reject: (e: Error) => void }>();
  #stderr = '';

  private constructor(child: ChildProcess) {
    this.#child = child;
    this.cpu = new CpuMeter([child.pid!]);
    child.stderr!.on('data', (d: Buffer) => (this.#stderr = (this.#stderr + d.toString()).slice(-4000)));
    child.stdout!.resume();
    child.on('message', (m: WorkerMessage) => {
      const waiter = this.#pending.get(m.reply);
      this.#pending.delete(m.reply);
      if (!waiter) return;
      if (typeof m.error === 'string') waiter.reject(new Error(`worker ${m.reply}: ${m.error}`));
      else waiter.resolve(m);
    });
    child.once('exit', (code, signal) => {
      for (const w of this.#pending.values()) w.reject(new Error(`client worker exited (${signal ?? code})\n${this.#stderr}`));
      this.#pending.clear();
    });
  }

  /** Starts `script` (relative to the repo root, run through tsx) on the client core (bench/lib/pinning.ts) unless told otherwise. */
  static start(script: string, options: { cpus?: string } = {}): ClientWorker {
    const file = path.join(REPO_ROOT, script);
    const cpus = options.cpus ?? pinning().client;
    const child = cpus
      ? fork(file, [], { execPath: 'taskset', execArgv: ['-c', cpus, process.execPath, '--import', 'tsx'], stdio: ['ignore', 'pipe', 'pipe', 'ipc'], cwd: REPO_ROOT })
      : fork(file, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'pipe', 'pipe', 'ipc'], cwd: REPO_ROOT });
    return new ClientWorker(child);
  }

  get pid(): number {
    return this.#child.pid!;
  }

  /** Sends `{cmd, ...args}`; resolves with the worker's reply to it (one command of a kind at a time). */
  call(cmd: string, args: Record<string, unknown> = {}): Promise<WorkerMessage> {
    return new Promise((resolve, reject) => {
      if (this.#pending.has(cmd)) return reject(new Error(`worker: ${cmd} already pending`));
      this.#pending.set(cmd, { resolve, reject });
      this.#child.send({ cmd, ...args });
    });
  }

  async stop(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    const exited = new Promise((r) => this.#child.once('exit', r));
    this.#child.kill('SIGTERM');
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
}

/** The worker side: answers each command with its handler's result (or its error). */
export function serveCommands(handlers: Record<string, (args: Record<string, unknown>) => Promise<Record<string, unknown>> | Record<string, unknown>>): void {
  process.on('message', (m: { cmd: string }) => {
    const handler = handlers[m.cmd];
    const reply = (body: Record<string, unknown>) => process.send!({ reply: m.cmd, ...body });
    if (!handler) return reply({ error: `unknown command ${m.cmd}` });
    Promise.resolve()
      .then(() => handler(m))
      .then(reply, (err: unknown) => reply({ error: err instanceof Error ? err.message : String(err) }));
  });
  process.on('disconnect', () => process.exit(0));
}

/** Wall-clock ms with sub-ms precision, comparable between processes on one machine. */
export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}
