/**
 * Paces cleanup steps (retention and compaction) so that, while producers write, they take at most a
 * share of the writer's time: after a step that took `d` ms, a pause of `d * (100 - share) / share`.
 *
 * Why: on the SQLite store a delete step writes and fsyncs about one page of WAL per page of records it
 * frees, to the disk the produce commits fsync to (docs/storage-format.md). Steps back to back with the
 * produce commits held the produce p99 at 3-5x its figure without them; with pauses, cleanup takes
 * longer and the commits between its steps meet a quieter disk (docs/performance.md, "Cleanup paced").
 *
 * There is no pause:
 * - after a step that deleted nothing (it wrote no pages);
 * - when nothing was appended since the step before: no producer to protect (an idle gateway cleans up
 *   at full speed);
 * - until this pass has deleted more than twice what was appended, since it began, to topics cleanup
 *   works on (retention set, or compacted): those appends are cleanup's coming work. Held to twice
 *   their rate, cleanup still shrinks what it started the pass with by at least that rate, so a pass
 *   ends and the backlog stays bounded: pauses whenever deletions merely exceeded the appends would hold
 *   cleanup at the appends' rate, and the backlog a pass began with would never shrink.
 */
import type { AppendCounts } from './producer.js';

/** Cleanup is ahead of its work once it has deleted more than this many times what was appended to it. */
const AHEAD_FACTOR = 2;

export interface CleanupPacingOptions {
  /** Percent of the time cleanup may take while producers write; 100: no pause. */
  sharePercent: number;
  /** The appends so far (counters that only grow). */
  appends: () => Readonly<AppendCounts>;
  /** Waits `ms` (cut short when the gateway stops). */
  pause: (ms: number) => Promise<void>;
}

export class CleanupPacing {
  readonly #options: CleanupPacingOptions;
  /** Appends to cleaned-up topics when the pass began. */
  #workAtStart = 0;
  /** All appends at the step before. */
  #recordsAtLastStep = 0;
  /** Deleted in this pass. */
  #removed = 0;

  constructor(options: CleanupPacingOptions) {
    this.#options = options;
  }

  /** A cleanup pass begins: appends and deletions are counted from here. */
  beginPass(): void {
    const appends = this.#options.appends();
    this.#workAtStart = appends.toCleanedUpTopics;
    this.#recordsAtLastStep = appends.records;
    this.#removed = 0;
  }

  /** The pause after a step that took `stepMs` and deleted `removed` records (0: none). */
  pauseAfter(stepMs: number, removed: number): number {
    const { sharePercent } = this.#options;
    const appends = this.#options.appends();
    const producing = appends.records > this.#recordsAtLastStep;
    this.#recordsAtLastStep = appends.records;
    this.#removed += removed;
    const ahead = this.#removed > AHEAD_FACTOR * (appends.toCleanedUpTopics - this.#workAtStart);
    if (sharePercent >= 100 || removed === 0 || !producing || !ahead) return 0;
    return (stepMs * (100 - sharePercent)) / sharePercent;
  }

  /** Pauses after a step as `pauseAfter` says. */
  async afterStep(stepMs: number, removed: number): Promise<void> {
    const ms = this.pauseAfter(stepMs, removed);
    if (ms > 0) await this.#options.pause(ms);
  }
}
