/**
 * Cleanup steps (compaction, retention) carried by the next produce commit while producers are active.
 *
 * A step on its own pays a commit of its own: an fsync (~5 ms on the development machine's disk), and
 * the produce commits waiting behind it wait for that fsync too. Carried, the step runs inside the
 * next append's transaction, after its records, and both share one commit. The step runs in a
 * savepoint: if it fails, only its own work is rolled back, the append commits and its producers are
 * answered as if there had been no step. If the append's transaction fails anyway, the store appends
 * again without the step, and the step runs on its own (sqlite-store.ts). A step stays bounded (its pacer sizes it, commit share included), so the produce commit
 * grows by about one step's budget.
 *
 * With no producers active (none to protect, and none to carry it), a step runs at once on its own;
 * a step that waited CARRY_WAIT_MS for an append that did not come, too.
 */

/**
 * Producers are active when the last two appends committed within this of each other and the last
 * one this recently: a step then waits for the next append (a lone append promises no other).
 */
export const ACTIVE_WITHIN_MS = 50;
/** Most a step waits for an append to carry it before it runs on its own. */
export const CARRY_WAIT_MS = 20;

/** A step: its work inside a transaction, and what follows its commit (given the whole transaction's duration, commit included). */
export interface CarriedStep<T> {
  work: () => T;
  committed: (result: T, commitMs: number) => void;
}

interface Waiting {
  step: CarriedStep<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
  timer: NodeJS.Timeout;
}

/** What a carried step did inside an append's transaction. */
export interface Ride {
  waiting: Waiting;
  /** Set when the step's work succeeded (and so will commit with the append). */
  result?: { value: unknown };
  error?: unknown;
  workMs: number;
}

export class StepCarrier {
  /** Runs a step in a transaction of its own (the store's write path); throws what the write throws. */
  readonly #runAlone: <T>(work: () => T) => T;
  /** Runs `work` in a savepoint of the open transaction: rolled back alone if it throws. */
  readonly #savepoint: <T>(work: () => T) => T;
  #waiting: Waiting | undefined;
  /** When the last two appends committed, the older first. */
  #appendsAt = [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY];

  constructor(runAlone: <T>(work: () => T) => T, savepoint: <T>(work: () => T) => T) {
    this.#runAlone = runAlone;
    this.#savepoint = savepoint;
  }

  /** Runs `step`: in the next append's commit while producers are active, else now in its own. */
  run<T>(step: CarriedStep<T>): Promise<T> {
    const [before, last] = this.#appendsAt as [number, number];
    if (this.#waiting || performance.now() - last > ACTIVE_WITHIN_MS || last - before > ACTIVE_WITHIN_MS) {
      return new Promise((resolve) => resolve(this.runNow(step)));
    }
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => this.#runWaiting(), CARRY_WAIT_MS);
      timer.unref();
      this.#waiting = { step: step as CarriedStep<unknown>, resolve: resolve as (value: unknown) => void, reject, timer };
    });
  }

  /** Inside an append's transaction, after its records: the waiting step, in a savepoint. */
  carry(): Ride | undefined {
    const waiting = this.#waiting;
    if (!waiting) return undefined;
    this.#waiting = undefined;
    clearTimeout(waiting.timer);
    const started = performance.now();
    const ride: Ride = { waiting, workMs: 0 };
    try {
      ride.result = { value: this.#savepoint(waiting.step.work) };
    } catch (err) {
      ride.error = err;
    }
    ride.workMs = performance.now() - started;
    return ride;
  }

  /**
   * After the append's transaction: `transactionMs` is its whole duration when it committed,
   * undefined when it failed (the step then runs on its own).
   */
  settle(ride: Ride | undefined, transactionMs: number | undefined): void {
    if (transactionMs !== undefined) this.#appendsAt = [this.#appendsAt[1]!, performance.now()];
    if (!ride) return;
    const { step, resolve, reject } = ride.waiting;
    if (transactionMs === undefined) {
      try {
        resolve(this.runNow(step));
      } catch (err) {
        reject(err);
      }
      return;
    }
    if (!ride.result) {
      reject(ride.error);
      return;
    }
    // The whole transaction: beyond the step's statements it is the append's part, about the fixed
    // part the pacer subtracts, and the step's share of the commit.
    step.committed(ride.result.value, transactionMs);
    resolve(ride.result.value);
  }

  /** Runs the waiting step on its own now (store closing, or no append came to carry it). */
  flush(): void {
    this.#runWaiting();
  }

  #runWaiting(): void {
    const waiting = this.#waiting;
    if (!waiting) return;
    this.#waiting = undefined;
    clearTimeout(waiting.timer);
    try {
      waiting.resolve(this.runNow(waiting.step));
    } catch (err) {
      waiting.reject(err);
    }
  }

  /** Runs `step` now in a transaction of its own. */
  runNow<T>(step: CarriedStep<T>): T {
    const started = performance.now();
    const result = this.#runAlone(step.work);
    step.committed(result, performance.now() - started);
    return result;
  }
}
