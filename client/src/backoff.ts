/**
 * Reconnect delays: exponential with full jitter (a random delay between 0 and the exponential
 * ceiling), so clients dropped together by a gateway restart do not all come back at once.
 */
export interface BackoffOptions {
  /** Ceiling of the first retry's delay (default 250 ms). */
  initialDelayMs?: number;
  /** Largest ceiling (default 15 s). */
  maxDelayMs?: number;
  /** Give up after this many failed attempts in a row (default: never). */
  maxAttempts?: number;
}

export class Backoff {
  readonly #initial: number;
  readonly #max: number;
  readonly maxAttempts: number;
  #attempt = 0;

  constructor(options: BackoffOptions = {}, private readonly random: () => number = Math.random) {
    this.#initial = options.initialDelayMs ?? 250;
    this.#max = options.maxDelayMs ?? 15_000;
    this.maxAttempts = options.maxAttempts ?? Infinity;
  }

  /** Failed attempts in a row. */
  get attempt(): number {
    return this.#attempt;
  }

  /** The delay before the next attempt. */
  next(): number {
    const ceiling = Math.min(this.#max, this.#initial * 2 ** this.#attempt);
    this.#attempt++;
    return Math.round(this.random() * ceiling);
  }

  /** A connection worked: the next failure starts from the shortest delay again. */
  reset(): void {
    this.#attempt = 0;
  }
}
