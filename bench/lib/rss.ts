/**
 * Peak resident memory of a child process, from Linux's /proc/<pid>/status.
 *
 * VmHWM is the kernel's own high-water mark of RSS, so no short spike between
 * samples is missed. Writing "5" to /proc/<pid>/clear_refs resets it (Linux >= 4.0),
 * which lets one process report a separate peak per phase. Where that is refused,
 * polling VmRSS every 20 ms is the fallback.
 */
import fs from 'node:fs';
import { cpuTimeMs } from './cpu.js';

function readStatusKiB(pid: number, field: 'VmHWM' | 'VmRSS'): number | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

export class PeakRss {
  readonly #pid: number;
  #polledMaxKiB = 0;
  #timer: NodeJS.Timeout | undefined;
  #cpuAtReset: number | undefined;
  #wallAtReset = 0;

  constructor(pid: number) {
    this.#pid = pid;
  }

  /** Starts a new phase: forgets the peak so far. */
  reset(): void {
    try {
      fs.writeFileSync(`/proc/${this.#pid}/clear_refs`, '5');
    } catch {
      // Not Linux, or not allowed: the polled maximum below still bounds the peak.
    }
    this.#polledMaxKiB = readStatusKiB(this.#pid, 'VmRSS') ?? 0;
    this.#cpuAtReset = cpuTimeMs(this.#pid);
    this.#wallAtReset = performance.now();
    clearInterval(this.#timer);
    this.#timer = setInterval(() => {
      const rss = readStatusKiB(this.#pid, 'VmRSS');
      if (rss !== undefined && rss > this.#polledMaxKiB) this.#polledMaxKiB = rss;
    }, 20);
    this.#timer.unref();
  }

  /** RSS now, in MiB. */
  currentMiB(): number {
    return Math.round((readStatusKiB(this.#pid, 'VmRSS') ?? 0) / 102.4) / 10;
  }

  /** Peak RSS in MiB since the last reset. */
  peakMiB(): number {
    const hwm = readStatusKiB(this.#pid, 'VmHWM') ?? 0;
    return Math.round(Math.max(hwm, this.#polledMaxKiB) / 102.4) / 10;
  }

  /** Cores the process kept busy since the last reset (1 = one core all the time). */
  cpuCores(): number | undefined {
    const now = cpuTimeMs(this.#pid);
    if (now === undefined || this.#cpuAtReset === undefined) return undefined;
    return (now - this.#cpuAtReset) / (performance.now() - this.#wallAtReset);
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
