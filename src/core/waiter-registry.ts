/**
 * Parked long-polls (REST fetches and group polls), woken off the commit path.
 *
 * Waking used to happen inside the commit, before the producers were answered: with thousands
 * of parked polls, one produce waited for all of them. Here an append only moves the
 * partition's waiters onto a queue (O(1) in the commit path); they are woken in chunks of
 * `wakeChunk`, one chunk per turn of the event loop (setImmediate), so the producers' answers
 * go out first and new requests are read between chunks. A woken waiter is handed the batch
 * that woke it, so it can answer from memory (see shared-batch.ts) instead of reading the store.
 *
 * The same per-turn budget serves long-polls that find records already there (`turn()`): a
 * tailer answered from an older batch re-polls and finds the records committed since, and
 * used to be answered at once, outside the budget; 1,000 tailers then looped as fast as the
 * gateway could serve them and starved the producers. The budget is one of time: the
 * answers given in a turn are measured (their work runs in the microtasks right after the
 * drain, when the store answers synchronously) and the next chunk is sized to take about
 * `turnMs` of CPU, at most `wakeChunk` waiters. New requests (a produce among them) are read and
 * committed between chunks, so each is behind at most one chunk of answers.
 *
 * A chunk also gives way to produce requests waiting for their commit (`yieldTo`): both run on
 * setImmediate, and a drain rescheduled in one turn is queued ahead of the commit of the requests
 * read in the next, so every commit would wait behind a chunk of answers. When commits are
 * waiting, the chunk moves to the next turn (once: the chunk after it runs whatever is waiting).
 * The budget holds on average too: one answer can cost more than `turnMs` (a tailer far behind
 * reads 1,000 records), and the chunk is never less than one, so while producers are active the
 * time a chunk took over the budget is paid back before the next chunk: by turns without answers
 * while commits wait (one per `turnMs` over), else, for a chunk of twice its budget or more, by a
 * pause that long (their next requests are on their way: a turn without answers would find none
 * of them and end at once). Without that, 1,000 tailers far behind took one ~2.7 ms answer per
 * produce round trip whatever the budget, and five single-record producers kept 26-36% of their rate.
 *
 * Abort signals are shared across waits: each signal gets ONE listener while any wait uses it,
 * whatever the number of waits. The process-wide shutdown signal used to get one listener per
 * parked wait (quadratic to add and remove, and Node's MaxListenersExceededWarning past 10).
 */
import type { AbortSource } from './abort.js';
import type { AppendedRecords } from './notifier.js';
import { batchBytesFrom } from './shared-batch.js';

export interface WatchedPartition {
  topic: string;
  partition: number;
  /** The high watermark the caller last read: wake once an append passes it. */
  highWatermark: number;
}

export interface ParkRequest {
  partitions: readonly WatchedPartition[];
  timeoutMs: number;
  /** Any of them ends the wait (the client went away, the gateway is shutting down). */
  signals?: readonly AbortSource[] | undefined;
  /**
   * Kafka's fetch.min.bytes: wake only once this many record bytes (keys, values, headers) were
   * appended past the watched high watermarks. Default 1: any record.
   */
  minBytes?: number | undefined;
}

export type WakeReason = 'appended' | 'timeout' | 'aborted' | 'ended';

export interface Wake {
  reason: WakeReason;
  /** The append that woke the wait, when one did and the waiter saw every append before it. */
  batch?: AppendedRecords;
}

export interface ParkedWait {
  readonly result: Promise<Wake>;
  /** Ends the wait now (reason 'ended'), e.g. when a group member's assignment changes. */
  end(): void;
}

interface Waiter {
  watches: WatchedPartition[];
  /** Record bytes still wanted before waking (minBytes minus what was appended since parking). */
  needBytes: number;
  signals: readonly AbortSource[];
  timer: NodeJS.Timeout | undefined;
  settled: boolean;
  resolve: (wake: Wake) => void;
}

/** A registry entry to process in a turn: an append's waiters, or one long-poll waiting for its turn to answer. */
type Queued = { waiters: Set<Waiter>; batch: AppendedRecords; turn?: undefined } | { turn: Waiter };

export interface RegistrySettings {
  /** Most waiters processed per turn of the event loop. */
  wakeChunk: number;
  /** Time budget of a turn's answers, in ms: chunks are sized from the measured cost of the last ones. */
  turnMs?: number | undefined;
}

interface SignalEntry {
  waiters: Set<Waiter>;
  onAbort: () => void;
}

/** Turns between two measured ones (see #schedule). */
const MEASURE_EVERY = 8;

const keyOf = (topic: string, partition: number) => `${partition}\u0000${topic}`;

export class WaiterRegistry {
  readonly #wakeChunk: number;
  readonly #turnMs: number;
  /** Waiters processed per turn: adapts to the measured cost of an answer (see turnMs). */
  #chunk: number;
  /** Measured cost of one processed waiter, ms (a moving average). */
  #costMs: number | undefined;
  #turns = 0;
  readonly #publishedHighWatermark: (topic: string, partition: number) => number | undefined;
  /** Waiters by watched partition. A set is taken out whole when an append wakes it. */
  readonly #byPartition = new Map<string, Set<Waiter>>();
  readonly #bySignal = new Map<AbortSource, SignalEntry>();
  /** Appends whose waiters are not all processed yet, oldest first (each set as taken out of the index). */
  readonly #queue: Queued[] = [];
  /** Where the drain is in the head's waiters. */
  #cursor: Iterator<Waiter> | undefined;
  #scheduled = false;
  #size = 0;
  /** True while produce requests wait for a commit (see yieldTo). */
  #commitsWaiting: () => boolean = () => false;
  /** The last chunk was moved to this turn for commits: this one runs whatever is waiting (unless #overMs). */
  #deferred = false;
  /** CPU time the last chunk took over turnMs, not yet paid back by turns without answers (see yieldTo). */
  #overMs = 0;
  /** Appends published (producers are active when it moves), and its value when the last chunk ran. */
  #appends = 0;
  #appendsAtChunk = 0;
  #pauses = 0;

  /**
   * @param settings most waiters processed per turn (or a number: that alone, no time budget),
   *   and the time budget of a turn's answers.
   * @param publishedHighWatermark the partition's high watermark as last published, to catch
   *   an append that landed before the caller parked (or while its waiter was queued).
   */
  constructor(settings: RegistrySettings | number, publishedHighWatermark: (topic: string, partition: number) => number | undefined) {
    const { wakeChunk, turnMs } = typeof settings === 'number' ? { wakeChunk: settings, turnMs: undefined } : settings;
    if (!Number.isInteger(wakeChunk) || wakeChunk < 1) throw new RangeError('wakeChunk must be a positive integer');
    if (turnMs !== undefined && !(turnMs > 0)) throw new RangeError('turnMs must be positive');
    this.#wakeChunk = wakeChunk;
    this.#turnMs = turnMs ?? Infinity;
    // With a time budget, start small: the first turn measures what an answer costs.
    this.#chunk = turnMs === undefined ? wakeChunk : Math.min(wakeChunk, 8);
    this.#publishedHighWatermark = publishedHighWatermark;
  }

  /**
   * Chunks give way to commits: while `commitsWaiting()` says produce requests wait for one,
   * a chunk moves to the next turn of the event loop: once in a row, and once more for every
   * `turnMs` the last chunk took over its budget (so answers go on under a steady stream of
   * produce, taking about turnMs per turn on average).
   */
  yieldTo(commitsWaiting: () => boolean): void {
    this.#commitsWaiting = commitsWaiting;
  }

  /** Turns of the event loop in which waiters were processed so far (a read shared within one turn is keyed by it). */
  get turns(): number {
    return this.#turns;
  }

  /** Waiters the next turn processes at most (the chunk the time budget allows now). */
  get chunk(): number {
    return this.#chunk;
  }

  /** Waits parked and not yet answered (a cheap gauge of waiting long-polls). */
  get size(): number {
    return this.#size;
  }

  /** Pauses taken to pay back a chunk's overrun while producers were active (see the file's comment). */
  get pauses(): number {
    return this.#pauses;
  }

  /** Abort listeners this registry holds: one per distinct signal in use, however many waits share it. */
  get signalListeners(): number {
    return this.#bySignal.size;
  }

  /** Partitions with at least one waiter (an ended wait leaves none behind). */
  get watchedPartitions(): number {
    return this.#byPartition.size;
  }

  /**
   * Parks a wait. It resolves with 'appended' once an append passes one of the watched high
   * watermarks (and brings `minBytes`), 'timeout' after `timeoutMs`, 'aborted' when a signal
   * aborts, 'ended' on end() or when a watched topic is deleted. An append published before
   * the call that the caller had not seen answers at once (its read awaited the store, so
   * other commits could land meanwhile), without a batch: the caller reads it.
   */
  park(request: ParkRequest): ParkedWait {
    let waiter: Waiter | undefined;
    const result = new Promise<Wake>((resolve) => {
      const signals = request.signals ?? [];
      if (signals.some((s) => s.aborted)) return resolve({ reason: 'aborted' });
      if (this.#missedAppend(request.partitions)) return resolve({ reason: 'appended' });
      // No partitions is a wait too: a group member without any yet waits for a grant (end()).
      if (request.timeoutMs <= 0) return resolve({ reason: 'timeout' });
      const w: Waiter = {
        watches: request.partitions.map((p) => ({ ...p })),
        needBytes: Math.max(request.minBytes ?? 1, 1),
        signals,
        timer: undefined,
        settled: false,
        resolve,
      };
      waiter = w;
      this.#size++;
      w.timer = setTimeout(() => this.#settle(w, { reason: 'timeout' }), request.timeoutMs);
      for (const watch of w.watches) this.#index(w, watch);
      for (const signal of signals) this.#listen(w, signal);
    });
    return {
      result,
      end: () => {
        if (waiter) this.#settle(waiter, { reason: 'ended' });
      },
    };
  }

  /**
   * Resolves at this caller's turn to answer a long-poll that has records already (no parking):
   * in order with the wake-ups queued before it, within the same per-turn budget. At once when
   * a signal aborts (the client went away, or the gateway is shutting down: it answers now).
   */
  turn(signals: readonly AbortSource[] = []): Promise<void> {
    return new Promise<void>((resolve) => {
      if (signals.some((s) => s.aborted)) return resolve();
      const w: Waiter = { watches: [], needBytes: 0, signals, timer: undefined, settled: false, resolve: () => resolve() };
      this.#size++;
      for (const signal of signals) this.#listen(w, signal);
      this.#queue.push({ turn: w });
      this.#schedule();
    });
  }

  /** An append committed: its partition's waiters are queued and woken on later turns. */
  wake(batch: AppendedRecords): void {
    this.#appends++;
    const key = keyOf(batch.topic, batch.partition);
    const set = this.#byPartition.get(key);
    if (!set) return;
    this.#byPartition.delete(key);
    this.#queue.push({ waiters: set, batch });
    this.#schedule();
  }

  /** The topic was deleted: its waits end (their callers find it gone). */
  endTopic(topic: string): void {
    const ended: Waiter[] = [];
    for (const [key, set] of this.#byPartition) {
      if (key.slice(key.indexOf('\u0000') + 1) === topic) ended.push(...set);
    }
    for (const entry of this.#queue) {
      if (entry.turn === undefined && entry.batch.topic === topic) ended.push(...entry.waiters);
    }
    for (const w of ended) this.#settle(w, { reason: 'ended' });
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    let started: NodeJS.CpuUsage | undefined;
    let processed = 0;
    let measured = false;
    setImmediate(() => {
      this.#scheduled = false;
      if ((!this.#deferred || this.#overMs > 0) && this.#commitsWaiting()) {
        // The commit's setImmediate is queued behind this one, in this turn: let it go first.
        // This turn goes without answers: it pays back one budget of the last chunk's overrun.
        this.#overMs = Math.max(0, this.#overMs - this.#turnMs);
        this.#deferred = true;
        this.#schedule();
        return;
      }
      if (this.#overMs >= this.#turnMs && this.#appends !== this.#appendsAtChunk) {
        // Producers are active, none waits now: their next requests are on the way. Pay the overrun back in time.
        // Only a chunk of twice its budget or more: a measured turn a little over (a GC) is no reason to hold answers.
        this.#pause(this.#overMs);
        return;
      }
      this.#deferred = false;
      this.#overMs = 0;
      this.#appendsAtChunk = this.#appends;
      // One turn in MEASURE_EVERY is measured (and the first): process.cpuUsage is a getrusage
      // call, ~9 µs on this project's VMs, and two a turn were ~10% of the CPU of 5,000 wake-ups.
      // Every turn when answers are dear (a chunk of one or two: each half the budget or more): their
      // cost varies most (a tailer far behind reads 1,000 records, one at the tail a few), and the
      // time over the budget is paid back from it; two calls are then a few % of the turn.
      measured =
        this.#turnMs !== Infinity && (this.#costMs === undefined || this.#chunk <= 2 || this.#turns % MEASURE_EVERY === 0);
      if (measured) started = process.cpuUsage();
      processed = this.#drain();
      // Unmeasured turns are costed at the running average; a measured one corrects it below.
      if (this.#costMs !== undefined) this.#overMs = Math.max(0, processed * this.#costMs - this.#turnMs);
    });
    // Queued right behind the drain, so it runs once the drain's microtasks (the answers) have.
    // CPU time, not wall time: on a busy machine the process being descheduled is not an answer's cost.
    setImmediate(() => {
      if (!measured || processed === 0) return;
      const used = process.cpuUsage(started);
      const elapsedMs = (used.user + used.system) / 1000;
      this.#overMs = Math.max(0, elapsedMs - this.#turnMs);
      this.#measure(processed, elapsedMs);
    });
  }

  /** The next chunk after `ms` (rounded up to the timers' 1 ms), with no turn scheduled meanwhile. */
  #pause(ms: number): void {
    this.#overMs = 0;
    this.#pauses++;
    this.#scheduled = true;
    setTimeout(() => {
      this.#scheduled = false;
      this.#schedule();
    }, Math.ceil(ms));
  }

  /** One chunk: up to `#chunk` queued waiters woken (or parked again), then the next turn. Returns how many. */
  #drain(): number {
    this.#turns++;
    let budget = this.#chunk;
    while (budget > 0 && this.#queue.length > 0) {
      const head = this.#queue[0]!;
      if (head.turn) {
        this.#queue.shift();
        if (head.turn.settled) continue;
        budget--;
        this.#settle(head.turn, { reason: 'appended' });
        continue;
      }
      this.#cursor ??= head.waiters.values();
      while (budget > 0) {
        const next = this.#cursor.next();
        if (next.done) {
          this.#queue.shift();
          this.#cursor = undefined;
          break;
        }
        if (next.value.settled) continue;
        budget--;
        this.#offer(next.value, head.batch);
      }
    }
    if (this.#queue.length > 0) this.#schedule();
    return this.#chunk - budget;
  }

  /** Sizes the next chunk so that its answers take about turnMs (from the cost of the last ones). */
  #measure(processed: number, elapsedMs: number): void {
    if (processed === 0 || this.#turnMs === Infinity) return;
    const cost = elapsedMs / processed;
    this.#costMs = this.#costMs === undefined ? cost : (this.#costMs + cost) / 2;
    this.#chunk = Math.max(1, Math.min(this.#wakeChunk, Math.floor(this.#turnMs / this.#costMs)));
  }

  #offer(w: Waiter, batch: AppendedRecords): void {
    const watch = w.watches.find((x) => x.partition === batch.partition && x.topic === batch.topic);
    if (!watch) return;
    const first = batch.records[0]?.offset ?? batch.highWatermark;
    if (batch.highWatermark > watch.highWatermark) {
      if (first > watch.highWatermark) {
        // Records between what the caller read and this batch were not seen here: let it read them.
        return this.#settle(w, { reason: 'appended' });
      }
      // A record counts at least one byte: one whose key and value are empty still answers the
      // default minBytes of 1 (Kafka counts a record's framing, so its records are never empty).
      w.needBytes -= Math.max(batchBytesFrom(batch.records, watch.highWatermark - first), 1);
      watch.highWatermark = batch.highWatermark;
      if (w.needBytes <= 0) return this.#settle(w, { reason: 'appended', batch });
    }
    // Not enough yet (minBytes), or a stale batch: wait on, unless an append went by while queued.
    if (this.#missedAppend([watch])) return this.#settle(w, { reason: 'appended' });
    this.#index(w, watch);
  }

  #missedAppend(partitions: readonly WatchedPartition[]): boolean {
    return partitions.some((p) => (this.#publishedHighWatermark(p.topic, p.partition) ?? -1) > p.highWatermark);
  }

  #index(w: Waiter, watch: WatchedPartition): void {
    const key = keyOf(watch.topic, watch.partition);
    let set = this.#byPartition.get(key);
    if (!set) this.#byPartition.set(key, (set = new Set()));
    set.add(w);
  }

  #listen(w: Waiter, signal: AbortSource): void {
    let entry = this.#bySignal.get(signal);
    if (!entry) {
      const waiters = new Set<Waiter>();
      const onAbort = () => {
        for (const x of [...waiters]) this.#settle(x, { reason: 'aborted' });
      };
      entry = { waiters, onAbort };
      this.#bySignal.set(signal, entry);
      signal.addEventListener('abort', onAbort, { once: true });
    }
    entry.waiters.add(w);
  }

  #settle(w: Waiter, wake: Wake): void {
    if (w.settled) return;
    w.settled = true;
    this.#size--;
    clearTimeout(w.timer);
    for (const watch of w.watches) {
      const key = keyOf(watch.topic, watch.partition);
      const set = this.#byPartition.get(key);
      if (set?.delete(w) && set.size === 0) this.#byPartition.delete(key);
    }
    for (const signal of w.signals) {
      const entry = this.#bySignal.get(signal);
      if (!entry) continue;
      entry.waiters.delete(w);
      if (entry.waiters.size === 0) {
        signal.removeEventListener('abort', entry.onAbort);
        this.#bySignal.delete(signal);
      }
    }
    w.resolve(wake);
  }
}
