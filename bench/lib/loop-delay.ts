/**
 * The bench process's own event-loop delay over a phase: its clients (producers, sockets) share that
 * loop, so a stall of it delays sends and the reading of answers, and shows in every latency it times.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

export class ClientLoopDelay {
  readonly #histogram: IntervalHistogram;

  /** Starts sampling (every ms). */
  constructor() {
    this.#histogram = monitorEventLoopDelay({ resolution: 1 });
    this.#histogram.enable();
  }

  /** Stops sampling; one phrase for a row's notes. */
  describe(): string {
    this.#histogram.disable();
    // The histogram holds the time between samples (ns), so the 1 ms resolution is taken off.
    const ms = (ns: number) => Math.max(0, ns / 1e6 - 1).toFixed(1);
    return `bench process event-loop delay p99 ${ms(this.#histogram.percentile(99))} ms, max ${ms(this.#histogram.max)} ms`;
  }
}
