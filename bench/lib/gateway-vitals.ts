/**
 * What the gateway's own /metrics say about a phase: its GC pauses, its slow commits and its event-loop
 * delay, from the scrape before the phase to the one after (prom-client resets the event-loop histogram
 * at every scrape, and the others are counters). With the run-queue wait of its main thread
 * (bench/lib/cpu.ts) they tell a stall of the gateway's own (GC, a long commit) from one of the machine
 * (another process on the server core, a slow disk) when a latency row misses its target.
 */
import { runQueueWaitMs } from './cpu.js';

/** prom-client's default event-loop sampling interval (`eventLoopMonitoringPrecision`). */
const LOOP_SAMPLE_MS = 10;

/** The counters read from one scrape. */
export interface Vitals {
  gcCount: number;
  gcSec: number;
  /** GC pauses of 10 ms or more (prom-client's buckets: 1, 10, 100 ms ...). */
  gcOver10Ms: number;
  commits: number;
  /** Commits (fsync included) of 10 ms or more. */
  commitsOver10Ms: number;
  /** Largest event-loop delay since the scrape before, ms (prom-client samples every 10 ms: its figures hold those 10 ms, taken off here). */
  loopMaxMs: number;
}

interface Scrape extends Vitals {
  runQueueMs: number;
}

function sumOf(text: string, pattern: RegExp): number {
  let sum = 0;
  for (const m of text.matchAll(pattern)) sum += Number(m[1]);
  return sum;
}

/** The figures of one /metrics text (sums over every label set). */
export function readVitals(text: string): Vitals {
  const all = (name: string) => sumOf(text, new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'gm'));
  const le = (name: string, bound: string) => sumOf(text, new RegExp(`^${name}_bucket\\{le="${bound}"[^}]*\\} (\\S+)$`, 'gm'));
  const gcCount = all('logway_nodejs_gc_duration_seconds_count');
  const commits = all('logway_commit_duration_seconds_count');
  return {
    gcCount,
    gcSec: all('logway_nodejs_gc_duration_seconds_sum'),
    gcOver10Ms: gcCount - le('logway_nodejs_gc_duration_seconds', '0.01'),
    commits,
    commitsOver10Ms: commits - le('logway_commit_duration_seconds', '0.01'),
    loopMaxMs: Math.max(0, all('logway_nodejs_eventloop_lag_max_seconds') * 1000 - LOOP_SAMPLE_MS),
  };
}

async function scrape(url: string, pid: number): Promise<Scrape | undefined> {
  try {
    const res = await fetch(`${url}/metrics`);
    if (!res.ok) return undefined;
    return { ...readVitals(await res.text()), runQueueMs: runQueueWaitMs(pid) ?? NaN };
  } catch {
    return undefined;
  }
}

export class GatewayVitals {
  readonly #url: string;
  readonly #pid: number;
  #before: Scrape | undefined;

  constructor(url: string, pid: number) {
    this.#url = url;
    this.#pid = pid;
  }

  /** Starts a phase. */
  async reset(): Promise<void> {
    this.#before = await scrape(this.#url, this.#pid);
  }

  /** One sentence on the phase since reset(), for a row's notes; undefined where /metrics is not served. */
  async describe(phaseSec: number): Promise<string | undefined> {
    const after = await scrape(this.#url, this.#pid);
    const before = this.#before;
    if (!after || !before) return undefined;
    const gc = after.gcCount - before.gcCount;
    const runQueue = after.runQueueMs - before.runQueueMs;
    return (
      `gateway: ${gc} GC pauses, ${Math.round((after.gcSec - before.gcSec) * 1000)} ms in all, ${after.gcOver10Ms - before.gcOver10Ms} of 10 ms or more; ` +
      `${after.commitsOver10Ms - before.commitsOver10Ms} of ${after.commits - before.commits} commits took 10 ms or more; ` +
      `event-loop delay at most ${Math.round(after.loopMaxMs)} ms (sampled every 10 ms); ` +
      `its main thread waited ${Number.isNaN(runQueue) ? '?' : Math.round(runQueue / phaseSec)} ms a second for the server core (run queue)`
    );
  }
}
