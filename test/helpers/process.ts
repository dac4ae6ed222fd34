/**
 * The real server as a child process, for tests about signals, crashes and start-up.
 *
 * It runs `node --import tsx src/main.ts`: node itself is the server process, so
 * SIGKILL and SIGTERM reach the gateway and nothing in between (`npm start` runs it
 * under a shell that does not pass signals on). tsx rather than `npm run build` +
 * `node dist/main.js` because building writes dist/ in a working tree other test
 * runs may share, and costs a full tsc run; the code under test is the same modules.
 *
 * Port 0 picks a free port; the bound URL is read from the "logway listening" log line,
 * so there is no window in which another process could take a port we chose.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { onTestFinished } from 'vitest';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Keeps only the tail of a child's output: enough to explain a failure, bounded in memory. */
const OUTPUT_TAIL_CHARS = 64 * 1024;

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  port: number;
  /** Everything the server wrote so far (tail). */
  output(): { stdout: string; stderr: string };
  /** Resolves with the exit code and signal once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
}

/** The environment for a child: this process's, minus any Logway settings that would leak in. */
export function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k === 'PORT' || k.startsWith('LOGWAY_')) continue;
    clean[k] = v;
  }
  return { ...clean, ...env };
}

/**
 * Runs `node --import tsx src/main.ts` with `env` and `args`, without waiting for anything.
 * `prefix` runs it under another command (e.g. `unshare -m ...`), which must exec it.
 */
export function spawnMain(env: Record<string, string>, args: string[] = [], prefix: string[] = []): ChildProcess {
  const command = [...prefix, process.execPath, '--import', 'tsx', 'src/main.ts', ...args];
  return spawn(command[0]!, command.slice(1), {
    cwd: REPO_ROOT,
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Collects a child's output and its exit. */
export function watch(child: ChildProcess) {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (s: string) => (stdout = (stdout + s).slice(-OUTPUT_TAIL_CHARS)));
  child.stderr?.setEncoding('utf8').on('data', (s: string) => (stderr = (stderr + s).slice(-OUTPUT_TAIL_CHARS)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { output: () => ({ stdout, stderr }), exited };
}

/**
 * Starts the real server on 127.0.0.1, port 0, with `dataDir`, and resolves once it listens.
 * The process is SIGKILLed when the test finishes if it is still running.
 */
export async function startServerProcess(
  dataDir: string,
  env: Record<string, string> = {},
  startTimeoutMs = 30_000,
  prefix: string[] = [],
): Promise<ServerProcess> {
  const child = spawnMain(
    {
      LOGWAY_HOST: '127.0.0.1',
      LOGWAY_PORT: '0',
      LOGWAY_DATA_DIR: dataDir,
      LOGWAY_LOG_LEVEL: 'info',
      ...env,
    },
    [],
    prefix,
  );
  const { output, exited } = watch(child);
  onTestFinished(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  });

  const url = await new Promise<string>((resolve, reject) => {
    let buffered = '';
    const onData = (chunk: string) => {
      buffered += chunk;
      let newline: number;
      while ((newline = buffered.indexOf('\n')) !== -1) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        if (!line.includes('logway listening')) continue;
        try {
          const entry = JSON.parse(line) as { url?: string };
          if (entry.url) return done(() => resolve(entry.url!));
        } catch {
          // not a JSON log line: keep reading
        }
      }
    };
    const timer = setTimeout(
      () => done(() => reject(new Error(`server did not start within ${startTimeoutMs} ms\n${output().stderr}`))),
      startTimeoutMs,
    );
    const onExit = (code: number | null, signal: string | null) =>
      done(() => reject(new Error(`server exited before listening (code ${code}, signal ${signal})\n${output().stderr}`)));
    const done = (settle: () => void) => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      settle();
    };
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });

  return {
    child,
    url,
    port: Number(new URL(url).port),
    output,
    exited,
    kill: (signal) => child.kill(signal),
  };
}
