/**
 * "Partition advanced" signals. After each group commit the log publishes, per
 * partition, the records it just appended; live subscribers (WebSocket sessions at
 * the tail) are fed from it without reading the store again, and parked long-polls
 * (the waiter registry) are woken from it on later turns of the event loop.
 */
import type { StoredRecord } from '../storage/log-store.js';
import type { AbortSource } from './abort.js';
import { RecentRecords } from './recent-records.js';
import { WaiterRegistry, type Wake } from './waiter-registry.js';

export interface AppendedRecords {
  topic: string;
  partition: number;
  /** Dense, in offset order. */
  records: StoredRecord[];
  /** The partition's high watermark after this append. */
  highWatermark: number;
}

export interface WaitForAppend {
  /** The partition's high watermark as the caller last read it: wait for it to pass. */
  highWatermark: number;
  timeoutMs: number;
  signals?: readonly AbortSource[];
}

export type AppendListener = (batch: AppendedRecords) => void;
/** A topic was created, deleted, or given more partitions (`partitions`: its count now). */
export interface TopicChange {
  topic: string;
  kind: 'created' | 'deleted' | 'partitions-added';
  partitions: number;
}
export type TopicListener = (event: TopicChange) => void;

const keyOf = (topic: string, partition: number) => `${partition}\u0000${topic}`;

export class Notifier {
  readonly #byPartition = new Map<string, Set<AppendListener>>();
  readonly #topicListeners = new Set<TopicListener>();
  /** Per topic, each partition's high watermark as last published: one number per partition appended to. */
  readonly #published = new Map<string, number[]>();
  readonly #onListenerError: (err: unknown) => void;
  readonly #waiters: WaiterRegistry;
  readonly #recent: RecentRecords;

  /**
   * @param onListenerError told of a listener that threw. Publishing happens after a durable
   * commit, so one listener's bug must neither fail the producers' requests (they would retry
   * and duplicate records) nor keep the other listeners from hearing of the append.
   * @param options.wakeChunk most long-polls answered per turn of the event loop (config longPollWakeChunk).
   * @param options.turnMs time budget of a turn's long-poll answers (config longPollTurnMs); absent: none.
   * @param options.recentBytes most bytes of appended records kept for reads (config recentRecordsBytes); absent: none.
   */
  constructor(
    onListenerError: (err: unknown) => void = () => undefined,
    options: { wakeChunk?: number; turnMs?: number; recentBytes?: number } = {},
  ) {
    this.#onListenerError = onListenerError;
    this.#recent = new RecentRecords(options.recentBytes ?? 0);
    this.#waiters = new WaiterRegistry({ wakeChunk: options.wakeChunk ?? 256, turnMs: options.turnMs }, (topic, partition) =>
      this.publishedHighWatermark(topic, partition),
    );
  }

  /** Parked long-polls and group polls. */
  get waiters(): WaiterRegistry {
    return this.#waiters;
  }

  /** Records appended lately to the partitions being read, encoded once (see recent-records.ts). */
  get recent(): RecentRecords {
    return this.#recent;
  }

  /** Calls `listener` with every batch appended to the partition until the returned function is called. */
  onAppend(topic: string, partition: number, listener: AppendListener): () => void {
    const key = keyOf(topic, partition);
    let set = this.#byPartition.get(key);
    if (!set) this.#byPartition.set(key, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.#byPartition.get(key) === set) this.#byPartition.delete(key);
    };
  }

  /** Topic-level changes: deletion, partitions added. */
  onTopicChange(listener: TopicListener): () => void {
    this.#topicListeners.add(listener);
    return () => this.#topicListeners.delete(listener);
  }

  publish(batch: AppendedRecords): void {
    let published = this.#published.get(batch.topic);
    if (!published) this.#published.set(batch.topic, (published = []));
    if (!(published[batch.partition]! >= batch.highWatermark)) published[batch.partition] = batch.highWatermark;
    // After a durable commit: a failure here must not fail the producers (see the constructor).
    this.#call((b: AppendedRecords) => this.#recent.append(b), batch);
    // Only queued here: parked polls are answered after the producers (see waiter-registry.ts).
    this.#waiters.wake(batch);
    const set = this.#byPartition.get(keyOf(batch.topic, batch.partition));
    if (!set) return;
    for (const listener of [...set]) this.#call(listener, batch);
  }

  publishTopicChange(event: Parameters<TopicListener>[0]): void {
    if (event.kind === 'deleted') {
      this.#published.delete(event.topic);
      this.#recent.dropTopic(event.topic);
      this.#waiters.endTopic(event.topic);
    }
    for (const listener of [...this.#topicListeners]) this.#call(listener, event);
  }

  #call<T>(listener: (arg: T) => void, arg: T): void {
    try {
      listener(arg);
    } catch (err) {
      this.#onListenerError(err);
    }
  }

  /**
   * Resolves true as soon as the partition's high watermark passes `highWatermark` (the one
   * the caller read from the store), or false after `timeoutMs`, when the topic is deleted,
   * or when one of `signals` aborts. A parked wait of the waiter registry (see there for the
   * append that lands between the caller's read and this call).
   */
  async waitForAppend(topic: string, partition: number, wait: WaitForAppend): Promise<boolean> {
    const woken = await this.waitForAppendBatch(topic, partition, wait);
    return woken.reason === 'appended';
  }

  /** waitForAppend(), telling why it ended and, when an append woke it, which batch. */
  waitForAppendBatch(topic: string, partition: number, wait: WaitForAppend & { minBytes?: number | undefined }): Promise<Wake> {
    return this.#waiters.park({
      partitions: [{ topic, partition, highWatermark: wait.highWatermark }],
      timeoutMs: wait.timeoutMs,
      signals: wait.signals,
      minBytes: wait.minBytes,
    }).result;
  }

  /** The partition's high watermark as last published by this process, if it has published one. */
  publishedHighWatermark(topic: string, partition: number): number | undefined {
    return this.#published.get(topic)?.[partition];
  }

  /** Long-polls waiting now, parked or queued for their wake-up (the metrics gauge logway_long_polls_waiting). */
  get waiting(): number {
    return this.#waiters.size;
  }

  /** Listeners registered (parked long-polls are counted by `waiters.size`), for tests and metrics. */
  get listenerCount(): number {
    let n = this.#topicListeners.size;
    for (const set of this.#byPartition.values()) n += set.size;
    return n;
  }
}
