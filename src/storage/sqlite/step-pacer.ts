/**
 * Sizes background delete steps (compaction, retention) by their whole cost, commit included.
 *
 * A step's statements stop within its time budget, but its commit comes after them: SQLite then
 * writes every page the step dirtied to the WAL, fsyncs it (synchronous=FULL) and, every ~1,000
 * pages, checkpoints. Deleting the old versions of keys dirties about one table page per record (a
 * key's versions lie all over the partition); deleting a range of expired records dirties fewer pages
 * per record, but as many as it deletes (WAL mode writes even the pages it frees: ~250 bytes of WAL
 * per 200-byte record). Either way a step that spent its budget deleting could spend several times as
 * long committing, holding the event loop and the write lock ahead of the produce commits waiting
 * behind it. The pacer learns what one deleted record adds to a commit and lets a
 * step delete only as many records as its budget still pays for, commit included.
 *
 * A commit costs a fixed part (the fsync, ~5-7 ms on the development machine's disk, paid by every
 * commit, produce's too) plus a part per page written. Only the second is charged to a step's
 * budget, else a budget below one fsync would shrink every step to the minimum and compaction would
 * crawl. The fixed part is the median of the store's recent appends (a produce commit is mostly its
 * fsync); with no appends seen, the median of recent steps, so that compaction on an idle gateway,
 * with no producer to protect, is bounded by its statements' time as before.
 */

/** Records a step may always delete, so that every step makes progress whatever was learned. */
export const MIN_STEP_DELETES = 32;
/** Commits remembered per kind (appends, steps) for the fixed part. */
const RECENT_COMMITS = 32;
/** Weight of the newest step in the per-record cost (the rest is the steps before it). */
const SMOOTHING = 0.3;

export class StepPacer {
  /** Times of the most recent append commits and step commits, newest last. */
  readonly #appends: number[] = [];
  readonly #steps: number[] = [];
  /** Commit time per deleted record beyond the fixed part; 0 until learned. */
  #msPerRecord = 0;

  /** What one deleted record adds to its step's commit, as learned so far (ms). */
  get msPerRecord(): number {
    return this.#msPerRecord;
  }

  /**
   * How many more records a step may delete, having spent `elapsedMs` in statements and deleted
   * `removed` records so far, so that its statements and its commit's share for its records fit
   * `budgetMs`. At least MIN_STEP_DELETES for a step that has deleted nothing yet.
   */
  allowance(budgetMs: number, elapsedMs: number, removed: number): number {
    const perRecord = this.#msPerRecord;
    const left = perRecord > 0 ? Math.floor((budgetMs - elapsedMs) / perRecord) - removed : Number.MAX_SAFE_INTEGER;
    return removed === 0 ? Math.max(MIN_STEP_DELETES, left) : Math.max(0, left);
  }

  /** An append committed (its inserts included): appends price the fixed part of a commit. */
  appendCommitted(ms: number): void {
    remember(this.#appends, ms);
  }

  /** A step committed: its commit took `commitMs` for `removed` records deleted. */
  stepCommitted(commitMs: number, removed: number): void {
    // Too few records say more about the fixed part than about the cost of one.
    if (removed >= MIN_STEP_DELETES) {
      const fixed = median(this.#appends.length >= 8 ? this.#appends : this.#steps);
      const sample = Math.max(0, commitMs - fixed) / removed;
      this.#msPerRecord = this.#msPerRecord === 0 ? sample : SMOOTHING * sample + (1 - SMOOTHING) * this.#msPerRecord;
    }
    remember(this.#steps, commitMs);
  }
}

function remember(recent: number[], ms: number): void {
  recent.push(ms);
  if (recent.length > RECENT_COMMITS) recent.shift();
}

function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
}
