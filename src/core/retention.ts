/**
 * Cleanup, on a timer: retention deletes records older than a topic's `retentionMs`, and the oldest
 * records of a partition whose records pass `retentionBytes`, advancing the partition's log start
 * offset, as Kafka's retention does (Kafka drops whole segments; here the cut is exact to the record);
 * compaction (compaction.ts) runs on compacted topics. Also forgets expired Idempotency-Keys.
 * On a cluster the timer's passes run on one gateway at a time (cleanup-lease.ts). `runOnce` is public for tests.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { hasKeyOperations, type LogStore } from '../storage/log-store.js';
import type { Clock } from './clock.js';
import { CleanupPacing } from './cleanup-pacing.js';
import type { AppendCounts } from './producer.js';
import { compacts, deletes } from './cleanup-policy.js';
import { Compaction } from './compaction.js';
import { noObserver, type CoreObserver } from './observer.js';
import { Periodic } from './periodic.js';
import { SnapshotLeases } from './snapshot-leases.js';

const NO_APPENDS: AppendCounts = { records: 0, toCleanedUpTopics: 0 };

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
  /** Open snapshots, which compaction must not outrun (see snapshot-leases.ts); by default the store's, by this clock. */
  leases?: SnapshotLeases;
  /** On a cluster, only the holder of this lease runs the timer's passes (see cleanup-lease.ts); every pass when absent. */
  clusterLease?: { hold(): Promise<boolean> };
  /** Percent of the time cleanup steps may take while producers write (cleanup-pacing.ts); default 100: no pause. */
  sharePercent?: number;
  /** Records appended so far (Log.appends), which pacing compares its steps with. */
  appends?: () => Readonly<AppendCounts>;
  /** Waits between paced steps; default a timer that stop() cuts short (tests pass their own to see the pauses). */
  pause?: (ms: number) => Promise<void>;
}

export interface CleanupResult {
  /** Records deleted by retention (time and size). */
  truncated: number;
  /** Records deleted by compaction (superseded versions and expired tombstones). */
  compacted: number;
  expiredKeys: number;
}

export class Retention {
  readonly #store: LogStore;
  readonly #clock: Clock;
  readonly #stepMs: number;
  readonly #afterPendingCommits: () => Promise<void>;
  readonly #observer: CoreObserver;
  readonly #compaction: Compaction;
  readonly #clusterLease: { hold(): Promise<boolean> } | undefined;
  #periodic: Periodic | undefined;
  readonly #pacing: CleanupPacing;
  /** Set by stop(): a pass under way ends after its current step (a large delete takes many). */
  #stopped = false;
  /** Aborted by stop(): cuts a pause between steps short. */
  readonly #stopping = new AbortController();

  constructor(store: LogStore, clock: Clock, options: RetentionOptions = {}) {
    this.#store = store;
    this.#clock = clock;
    this.#stepMs = options.stepMs ?? 5;
    this.#afterPendingCommits = options.afterPendingCommits ?? (() => Promise.resolve());
    this.#observer = options.observer ?? noObserver;
    this.#clusterLease = options.clusterLease;
    const signal = this.#stopping.signal;
    this.#pacing = new CleanupPacing({
      sharePercent: options.sharePercent ?? 100,
      appends: options.appends ?? (() => NO_APPENDS),
      // Not ref'd, as the timer of the passes is not: a pause never holds the process open.
      pause: options.pause ?? ((ms) => sleep(ms, undefined, { signal, ref: false }).catch(() => undefined)),
    });
    this.#compaction = new Compaction({
      store,
      leases: options.leases ?? new SnapshotLeases(store.snapshotLeases, clock, { snapshotLeaseMs: 0, maxOpenSnapshots: 0 }),
      stepMs: this.#stepMs,
      step: (work) => this.#step(work, (done) => done.removed),
      stopped: () => this.#stopped,
    });
  }

  start(intervalMs: number, onError: (err: unknown) => void): void {
    this.#periodic = new Periodic(() => this.#pass(), onError);
    this.#periodic.start(intervalMs);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#stopping.abort();
    await this.#periodic?.stop();
  }

  /** A pass of the timer: only on the lease's holder (another gateway of the cluster cleans up otherwise). */
  async #pass(): Promise<void> {
    if (this.#clusterLease && !(await this.#clusterLease.hold())) return;
    if (this.#stopped) return;
    await this.runOnce();
  }

  async runOnce(): Promise<CleanupResult> {
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
  async #run(counted: { truncated: number }): Promise<CleanupResult> {
    const now = this.#clock.now();
    this.#pacing.beginPass();
    let compacted = 0;
    const compactedTopics = new Set<string>();
    for (const topic of await this.#store.listTopics()) {
      if (this.#stopped) break;
      if (deletes(topic.config)) {
        const { retentionMs, retentionBytes } = topic.config;
        if (retentionMs !== undefined && retentionMs !== null) await this.#retainByTime(topic.name, now - retentionMs, counted);
        if (retentionBytes !== undefined && retentionBytes !== null) await this.#retainBySize(topic.name, retentionBytes, counted);
      }
      if (compacts(topic.config)) {
        compactedTopics.add(topic.name);
        compacted += await this.#compaction.compactTopic(topic, now);
      }
    }
    if (!this.#stopped) this.#compaction.forgetExcept(compactedTopics);
    const expiredKeys = this.#stopped ? 0 : await this.#store.expireIdempotencyKeys(now);
    return { truncated: counted.truncated, compacted, expiredKeys };
  }

  async #retainByTime(topic: string, cutoff: number, counted: { truncated: number }): Promise<void> {
    for (const bounds of await this.#store.offsets(topic)) {
      if (bounds.logStartOffset === bounds.highWatermark) continue;
      const first = await this.#store.offsetForTimestamp(topic, bounds.partition, cutoff);
      await this.#truncate(topic, bounds.partition, bounds.logStartOffset, first ?? bounds.highWatermark, counted);
    }
  }

  /** Kafka's retention.bytes, per partition: the oldest records go until the rest fit. */
  async #retainBySize(topic: string, maxBytes: number, counted: { truncated: number }): Promise<void> {
    const store = this.#store;
    if (!hasKeyOperations(store)) return; // a store without retention by size (see LogStore)
    for (const bounds of await this.#store.offsets(topic)) {
      let from = bounds.logStartOffset;
      for (;;) {
        await this.#yieldToProduce();
        if (this.#stopped) break;
        // Budgeted: a first cut over a long partition may come in parts.
        const cut = await store.offsetForSizeLimit(topic, bounds.partition, maxBytes, this.#stepMs);
        if (cut.offset <= from) break;
        const reached = await this.#truncate(topic, bounds.partition, from, cut.offset, counted);
        // Asking again after the full cut would only find what producers appended meanwhile, and while
        // they append, every answer has more: the pass would never end. That goes at the next pass.
        if (!cut.partial || reached <= from) break;
        from = reached;
      }
    }
  }

  /** Deletes [from, keepFrom) in time-bounded steps; returns the log start offset reached. */
  async #truncate(topic: string, partition: number, from: number, keepFrom: number, counted: { truncated: number }): Promise<number> {
    // In steps bounded in time, each after the produce commits pending when it starts: one
    // huge delete would hold the event loop (and, with SQLite, the write lock) for as long as
    // it takes, and steps sized by count took tens of milliseconds each, ahead of every commit.
    while (from < keepFrom) {
      const start = from;
      const reached = await this.#step(
        () => this.#store.truncateBefore(topic, partition, keepFrom, this.#stepMs),
        (at) => Math.max(0, at - start),
      );
      // Shutting down (what is left is deleted by the next gateway's first pass), another deleter got
      // there first, or nothing could be deleted.
      if (reached === undefined || reached <= from) break;
      counted.truncated += reached - from;
      from = reached;
    }
    return from;
  }

  /**
   * One delete step: after the produce commits pending (#yieldToProduce), timed, then paced by what it
   * deleted (`removedOf` its result); undefined, without running it, once stop() was called.
   */
  async #step<T>(work: () => Promise<T>, removedOf: (result: T) => number): Promise<T | undefined> {
    await this.#yieldToProduce();
    if (this.#stopped) return undefined;
    const started = performance.now();
    const result = await work();
    await this.#pacing.afterStep(performance.now() - started, removedOf(result));
    return result;
  }

  /**
   * One event-loop turn (requests that arrived meanwhile reach the group commit), then the commits
   * pending, then one more turn: the commits' producers are answered in the microtasks after
   * them, and without this turn the next step (its statements and its commit, the event loop held
   * throughout) would run first, adding a whole step to every acknowledgement.
   */
  async #yieldToProduce(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    await this.#afterPendingCommits();
    await new Promise((resolve) => setImmediate(resolve));
  }
}
