/**
 * "Partition advanced" signals. After each group commit the log publishes, per
 * partition, the records it just appended; long-poll fetches wait on it, and live
 * subscribers (WebSocket sessions at the tail) are fed from it without reading
 * the store again.
 */
import type { StoredRecord } from '../storage/log-store.js';
import { anyAborted, onAnyAbort } from './abort.js';

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
  signals?: readonly AbortSignal[];
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
  #waiting = 0;

  /**
   * @param onListenerError told of a listener that threw. Publishing happens after a durable
   * commit, so one listener's bug must neither fail the producers' requests (they would retry
   * and duplicate records) nor keep the other listeners from hearing of the append.
   */
  constructor(onListenerError: (err: unknown) => void = () => undefined) {
    this.#onListenerError = onListenerError;
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
    const set = this.#byPartition.get(keyOf(batch.topic, batch.partition));
    if (!set) return;
    for (const listener of [...set]) this.#call(listener, batch);
  }

  publishTopicChange(event: Parameters<TopicListener>[0]): void {
    if (event.kind === 'deleted') this.#published.delete(event.topic);
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
   * or when one of `signals` aborts (a client that went away, the gateway shutting down).
   * Every listener is removed when it resolves.
   *
   * An append published between the caller's read of the store and this call resolves it at
   * once: the caller's await of the store gives other requests' commits (or, with a networked
   * store, another node's appends) the chance to land first, and a listener registered after
   * their publish would otherwise wait for the next record.
   */
  waitForAppend(topic: string, partition: number, wait: WaitForAppend): Promise<boolean> {
    const { highWatermark, timeoutMs, signals = [] } = wait;
    return new Promise((resolve) => {
      if ((this.publishedHighWatermark(topic, partition) ?? -1) > highWatermark) return resolve(true);
      if (anyAborted(signals) || timeoutMs <= 0) return resolve(false);
      const endWait = this.beginWait();
      const done = (result: boolean) => {
        endWait();
        clearTimeout(timer);
        offAppend();
        offTopic();
        offAbort();
        resolve(result);
      };
      const timer = setTimeout(() => done(false), timeoutMs);
      const offAppend = this.onAppend(topic, partition, (batch) => {
        if (batch.highWatermark > highWatermark) done(true);
      });
      const offTopic = this.onTopicChange((e) => {
        if (e.topic === topic && e.kind === 'deleted') done(false);
      });
      const offAbort = onAnyAbort(signals, () => done(false));
    });
  }

  /** The partition's high watermark as last published by this process, if it has published one. */
  publishedHighWatermark(topic: string, partition: number): number | undefined {
    return this.#published.get(topic)?.[partition];
  }

  /**
   * Counts a long-poll as waiting until the returned function is called (once; later calls do nothing).
   * waitForAppend counts its own; a caller that waits on onAppend directly (group polls) calls this.
   */
  beginWait(): () => void {
    this.#waiting++;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.#waiting--;
    };
  }

  /** Long-polls waiting for an append now (for metrics). */
  get waiting(): number {
    return this.#waiting;
  }

  /** Listeners registered, for tests and metrics. */
  get listenerCount(): number {
    let n = this.#topicListeners.size;
    for (const set of this.#byPartition.values()) n += set.size;
    return n;
  }
}
