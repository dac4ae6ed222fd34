/**
 * Honest CPU figures on a small machine: the server under test (gateway, floor
 * server or peer) runs pinned to one core and every load generator to another,
 * so neither steals the other's core and each row's server CPU (<= 1 core) and
 * client CPU show which side bound it. Off with --unpinned, or where taskset is
 * missing or the machine has a single core.
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';

export interface Pinning {
  /** taskset CPU list for servers under test, e.g. "0"; undefined when not pinned. */
  server?: string;
  /** taskset CPU list for the bench process and its client workers. */
  client?: string;
}

let current: Pinning = {};

export function pinning(): Pinning {
  return current;
}

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Pins this process (all its threads) to the client core; later servers go to the server core. Returns why not, if not. */
export function pinProcesses(enabled: boolean): string | undefined {
  if (!enabled) return 'unpinned (--unpinned)';
  if (os.cpus().length < 2) return 'unpinned (one core)';
  if (!hasTaskset()) return 'unpinned (no taskset)';
  current = { server: '0', client: '1' };
  execFileSync('taskset', ['-a', '-p', '-c', current.client!, String(process.pid)], { stdio: 'ignore' });
  return undefined;
}

/** The command and arguments that run `command args` on `cpus` (unchanged when cpus is undefined). */
export function pinned(cpus: string | undefined, command: string, args: string[]): [string, string[]] {
  return cpus === undefined ? [command, args] : ['taskset', ['-c', cpus, command, ...args]];
}
