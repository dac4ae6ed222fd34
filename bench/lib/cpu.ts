/**
 * CPU accounting from Linux's /proc/<pid>/stat: user + system time of whole
 * processes (every thread), so a row can show both the server's CPU and its
 * clients'. A row whose client is near a full core is bound by the client, not
 * by the server it measures.
 */
import fs from 'node:fs';

/** USER_HZ: the unit of utime/stime in /proc, 100 on every Linux the bench runs on. */
const TICKS_PER_SEC = 100;

/** user + system CPU ms from the text of /proc/<pid>/stat (the command name may hold spaces and parentheses). */
export function parseStatCpuMs(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the name: state is field 0, utime field 11, stime field 12 (fields 14 and 15 of proc(5)).
  const ticks = Number(fields[11]) + Number(fields[12]);
  if (!Number.isFinite(ticks)) throw new Error(`unreadable /proc stat: ${stat.slice(0, 80)}`);
  return (ticks * 1000) / TICKS_PER_SEC;
}

/**
 * Minor page faults (first touches of memory the kernel maps without I/O) from the text of
 * /proc/<pid>/stat. On some virtual machines each costs microseconds, so a path that allocates
 * fresh buffers per chunk can spend more in faults than in its work: the catch-up rows show it.
 */
export function parseStatMinorFaults(stat: string): number {
  // minflt is field 7 after the name (field 10 of proc(5)).
  const faults = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[7]);
  if (!Number.isFinite(faults)) throw new Error(`unreadable /proc stat: ${stat.slice(0, 80)}`);
  return faults;
}

/** Minor page faults of the process so far; undefined once it is gone or off Linux. */
export function minorFaults(pid: number): number | undefined {
  try {
    return parseStatMinorFaults(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** CPU time (user + system) the process has used, in ms; undefined once it is gone or off Linux. */
export function cpuTimeMs(pid: number): number | undefined {
  try {
    return parseStatCpuMs(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** The CPU that a set of processes used over a phase, in cores (1 = one core busy all the phase). */
export class CpuMeter {
  readonly #pids: number[];
  #cpuAtReset = 0;
  #wallAtReset = 0;

  constructor(pids: number[]) {
    this.#pids = pids;
    this.reset();
  }

  #total(): number | undefined {
    let sum = 0;
    for (const pid of this.#pids) {
      const ms = cpuTimeMs(pid);
      if (ms === undefined) return undefined;
      sum += ms;
    }
    return sum;
  }

  reset(): void {
    this.#cpuAtReset = this.#total() ?? NaN;
    this.#wallAtReset = performance.now();
  }

  /** Cores used since the last reset; undefined where /proc cannot be read. */
  cores(): number | undefined {
    const now = this.#total();
    if (now === undefined || Number.isNaN(this.#cpuAtReset)) return undefined;
    return (now - this.#cpuAtReset) / (performance.now() - this.#wallAtReset);
  }

  /** CPU ms used since the last reset. */
  cpuMs(): number | undefined {
    const now = this.#total();
    return now === undefined || Number.isNaN(this.#cpuAtReset) ? undefined : now - this.#cpuAtReset;
  }
}

/** Run-queue wait (ms) from the text of /proc/<pid>/schedstat: time on CPU, time waiting for one, timeslices (ns, ns, count). */
export function parseSchedstatWaitMs(schedstat: string): number {
  const waitNs = Number(schedstat.split(' ')[1]);
  if (!Number.isFinite(waitNs)) throw new Error(`unreadable /proc schedstat: ${schedstat.slice(0, 80)}`);
  return waitNs / 1e6;
}

/**
 * Time the process's main thread has spent runnable but waiting for a CPU (the run queue), in ms, from
 * /proc/<pid>/schedstat; undefined once it is gone or off Linux. On a pinned core it is the time other
 * processes (or the process's own other threads) held that core: a latency row whose server waited long
 * here was bound by the machine's load.
 */
export function runQueueWaitMs(pid: number): number | undefined {
  try {
    return parseSchedstatWaitMs(fs.readFileSync(`/proc/${pid}/schedstat`, 'utf8'));
  } catch {
    return undefined;
  }
}
