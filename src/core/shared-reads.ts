/**
 * Reads shared by the long-poll answers of one turn of the waiter registry. Tailers answered
 * from one batch re-poll at the same offset and get their turns together (waiter-registry.ts),
 * so the same read (same partition, offset, limits and bounds: the same answer) is made once
 * per turn instead of once per tailer. Entries live for one turn, so what they hold is bounded
 * by that turn's answers, which are in memory anyway.
 */
export class SharedReads<T> {
  readonly #turnNow: () => number;
  #turn = -1;
  #reads = new Map<string, Promise<T>>();
  #made = 0;

  /** @param turnNow the registry's turn counter: a new turn drops the last turn's reads. */
  constructor(turnNow: () => number) {
    this.#turnNow = turnNow;
  }

  /** `read()`'s answer, made once per turn for each `key` (which must name everything the answer depends on). */
  get(key: string, read: () => Promise<T>): Promise<T> {
    const turn = this.#turnNow();
    if (turn !== this.#turn) {
      this.#turn = turn;
      this.#reads = new Map();
    }
    let answer = this.#reads.get(key);
    if (!answer) {
      answer = read();
      this.#made++;
      this.#reads.set(key, answer);
      // A failed read is not shared: the next caller tries again.
      answer.catch(() => this.#reads.get(key) === answer && this.#reads.delete(key));
    }
    return answer;
  }

  /** Reads made so far (for tests: N answers at one position in one turn cost one read). */
  get made(): number {
    return this.#made;
  }
}
