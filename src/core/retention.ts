/**
 * Retention: deletes records older than a topic's `retentionMs` and advances the
 * partition's log start offset, as Kafka's time-based retention does (Kafka drops
 * whole segments; here the cut is exact to the record). Also forgets expired
 * Idempotency-Keys. Runs on a timer; `runOnce` is public for tests.
 */
import type { LogStore } from '../storage/log-store.js';
import type { Clock } from './clock.js';
import { noObserver, type CoreObserver } from './observer.js';

export interface RetentionOptions {
  /** Time one delete step may take (its transaction's work, before the commit). */
  stepMs?: number;
  /**
   * Resolves once the produce commits pending now are done (Log.commitsSettled): each step
   * waits for it, so produce never queues behind more than one step.
   */
  afterPendingCommits?: () => Promise<void>;
  /** Told of every pass (metrics). */
  observer?: CoreObserver;
}

export class Retention {
  readonly #store: LogStore;
  readonly #clock: Clock;
  readonly #stepMs: number;
  readonly #afterPendingCommits: () => Promise<void>;
  readonly #observer: CoreObserver;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  /** Set by stop(): a pass under way ends after its current step (a large delete takes many). */
  #stopped = false;

  constructor(store: LogStore, clock: Clock, options: RetentionOptions = {}) {
    this.#store = store;
    this.#clock = clock;
    this.#stepMs = options.stepMs ?? 5;
    this.#afterPendingCommits = options.afterPendingCommits ?? (() => Promise.resolve());
    this.#observer = options.observer ?? noObserver;
  }

  start(intervalMs: number, onError: (err: unknown) => void): void {
    this.#timer = setInterval(() => {
      if (!this.#running) this.#running = this.runOnce().then(() => undefined, onError).finally(() => (this.#running = undefined));
    }, intervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    await this.#running;
  }

  async runOnce(): Promise<{ truncated: number; expiredKeys: number }> {
    const started = performance.now();
    const counted = { truncated: 0 };
    try {
      const result = await this.#run(counted);
      this.#observer.retentionRan('ok', result.truncated, (performance.now() - started) / 1000);
      return result;
    } catch (err) {
      this.#observer.retentionRan('failed', counted.truncated, (performance.now() - started) / 1000);
      throw err;
    }
  }

  /** `counted.truncated` keeps up as it goes, so a failed pass still reports what it deleted. */
  async #run(counted: { truncated: number }): Promise<{ truncated: number; expiredKeys: number }> {
    const now = this.#clock.now();
    let truncated = 0;
    for (const topic of await this.#store.listTopics()) {
      if (this.#stopped) break;
      const retentionMs = topic.config.retentionMs;
      if (retentionMs === undefined || retentionMs === null) continue;
      const cutoff = now - retentionMs;
      for (const bounds of await this.#store.offsets(topic.name)) {
        if (this.#stopped) break;
        if (bounds.logStartOffset === bounds.highWatermark) continue;
        const first = await this.#store.offsetForTimestamp(topic.name, bounds.partition, cutoff);
        const keepFrom = first ?? bounds.highWatermark;
        // In steps bounded in time, each after the produce commits pending when it starts: one
        // huge delete would hold the event loop (and, with SQLite, the write lock) for as long as
        // it takes, and steps sized by count took tens of milliseconds each, ahead of every commit.
        for (let from = bounds.logStartOffset; from < keepFrom; ) {
          await this.#yieldToProduce();
          // Shutting down: what is left is deleted by the next gateway's first pass.
          if (this.#stopped) break;
          const reached = await this.#store.truncateBefore(topic.name, bounds.partition, keepFrom, this.#stepMs);
          if (reached <= from) break; // another deleter got there first, or nothing could be deleted
          truncated += reached - from;
          counted.truncated = truncated;
          from = reached;
        }
      }
    }
    const expiredKeys = this.#stopped ? 0 : await this.#store.expireIdempotencyKeys(now);
    return { truncated, expiredKeys };
  }

  /** One event-loop turn (requests that arrived meanwhile reach the group commit), then the commits pending. */
  async #yieldToProduce(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    await this.#afterPendingCommits();
  }
}
