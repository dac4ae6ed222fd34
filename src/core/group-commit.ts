/**
 * Group commit: concurrent callers share one durable write.
 *
 * Requests that arrive while a flush is in flight wait and go together in the
 * next one; the first request after an idle period is flushed on the next turn
 * of the event loop (setImmediate), so the requests parsed in the same turn share
 * its commit. Each caller is answered only after the flush that holds its request
 * has settled, so nothing is acknowledged before it is on disk.
 */
export class GroupCommit<Req, Res> {
  readonly #flush: (batch: Req[]) => Promise<Res[]>;
  readonly #maxBatch: number;
  #queue: { req: Req; resolve: (r: Res) => void; reject: (e: unknown) => void }[] = [];
  #flushing = false;
  #scheduled = false;
  /** Requests submitted and requests settled (flushed or failed) so far: `settled()` waits on them. */
  #submitted = 0;
  #settled = 0;
  #settledWaiters: { upTo: number; resolve: () => void }[] = [];

  /**
   * @param flush writes a batch durably and returns one result per request, in order.
   * @param maxBatch most requests in one flush; the rest wait for the next.
   */
  constructor(flush: (batch: Req[]) => Promise<Res[]>, maxBatch = 1000) {
    this.#flush = flush;
    this.#maxBatch = maxBatch;
  }

  submit(req: Req): Promise<Res> {
    return new Promise<Res>((resolve, reject) => {
      this.#queue.push({ req, resolve, reject });
      this.#submitted++;
      this.#schedule();
    });
  }

  /**
   * Resolves once every request submitted before the call has been flushed (or has failed),
   * at once when none is waiting. Requests submitted later do not extend the wait, so background
   * work that goes after pending commits (retention) is never starved by a steady stream of them.
   */
  settled(): Promise<void> {
    const upTo = this.#submitted;
    if (this.#settled >= upTo) return Promise.resolve();
    return new Promise((resolve) => this.#settledWaiters.push({ upTo, resolve }));
  }

  /** Requests waiting for a flush. */
  get pending(): number {
    return this.#queue.length;
  }

  #schedule(): void {
    if (this.#flushing || this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      void this.#run();
    });
  }

  async #run(): Promise<void> {
    if (this.#flushing || this.#queue.length === 0) return;
    this.#flushing = true;
    const batch = this.#queue.length <= this.#maxBatch ? this.#queue : this.#queue.slice(0, this.#maxBatch);
    this.#queue = batch === this.#queue ? [] : this.#queue.slice(this.#maxBatch);
    try {
      const results = await this.#flush(batch.map((b) => b.req));
      for (let i = 0; i < batch.length; i++) batch[i]!.resolve(results[i]!);
    } catch (err) {
      for (const b of batch) b.reject(err);
    } finally {
      this.#flushing = false;
      this.#settled += batch.length;
      // Requests flush in submission order, so the waiters are settled in the order they came.
      while (this.#settledWaiters.length > 0 && this.#settledWaiters[0]!.upTo <= this.#settled) this.#settledWaiters.shift()!.resolve();
      if (this.#queue.length > 0) this.#schedule();
    }
  }
}
