/**
 * The tail feed: every partition stream republishes the headers of each stored batch (with its
 * sequence), and every gateway listens. It moves this gateway's view of each tail forward without a
 * round trip, and hands other gateways' batches to the notifier, so long-polls and sockets here hear
 * records produced elsewhere. The feed is at-most-once: a gap makes the partition re-read its tail.
 */
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { ForeignAppend } from '../log-store.js';
import { batchHeader } from './batch-codec.js';
import type { PartitionLog } from './partition-log.js';

/** Own message ids remembered at most: one whose feed message was lost must not stay forever. */
const OWN_IDS_LIMIT = 100_000;

export interface FeedTarget {
  /** The partition log for `<inc>/<partition>`, when this gateway has one open. */
  log(inc: string, partition: number): PartitionLog | undefined;
  /** The topic name of an incarnation still current. */
  topicOf(inc: string): string | undefined;
}

export class TailFeed {
  readonly #target: FeedTarget;
  #subscription: Subscription | undefined;
  /** Message ids this gateway published and has not yet heard back on the feed. */
  readonly #ownMsgIds = new Set<string>();
  #listener: ((batch: ForeignAppend) => void) | undefined;
  #counter: ((topic: string, records: number) => void) | undefined;
  readonly #relays = new Map<string, Promise<void>>();
  #stopped = false;

  constructor(target: FeedTarget) {
    this.#target = target;
  }

  start(nc: NatsConnection, wildcard: string): void {
    this.#subscription = nc.subscribe(wildcard, {
      callback: (err, msg) => {
        if (err) return;
        const [inc, p] = msg.subject.split('.').slice(-2);
        const seq = Number(msg.headers?.get('Nats-Sequence'));
        if (!(seq > 0)) return;
        const header = batchHeader(msg.headers);
        const log = this.#target.log(inc!, Number(p));
        log?.heard(seq, header);
        if (this.#ownMsgIds.delete(msg.headers?.get('Nats-Msg-Id') ?? '')) return; // ours: the core has published it already
        const topic = this.#target.topicOf(inc!);
        if (!topic) return;
        // Counted on every partition, open here or not; relayed (fetched) only where this gateway has it open.
        this.#counter?.(topic, header.count);
        if (log && this.#listener) this.#relay(log, inc!, topic, Number(p), seq, header.base + header.count);
      },
    });
  }

  /** Told before each publish, so that the batch is not relayed as another gateway's. */
  published(msgId: string): void {
    if (this.#ownMsgIds.size > OWN_IDS_LIMIT) this.#ownMsgIds.clear();
    this.#ownMsgIds.add(msgId);
  }

  watchForeignAppends(listener: (batch: ForeignAppend) => void): void {
    this.#listener = listener;
  }

  countForeignAppends(counter: (topic: string, records: number) => void): void {
    this.#counter = counter;
  }

  /** Fetches another gateway's batch and hands it on, in order per partition (one chain each). */
  #relay(log: PartitionLog, inc: string, topic: string, partition: number, seq: number, highWatermark: number): void {
    const key = `${topic}/${partition}`;
    const previous = this.#relays.get(key) ?? Promise.resolve();
    const next = previous.then(async () => {
      const records = await log.batch(seq);
      // The topic may have been deleted (and made again under its name) while the batch was fetched:
      // its records must not reach the new topic's readers.
      const current = this.#target.topicOf(inc) === topic;
      if (records && records.length > 0 && current && !this.#stopped) this.#listener?.({ topic, partition, records, highWatermark });
    });
    const settled = next.catch(() => undefined);
    this.#relays.set(key, settled);
    void settled.then(() => {
      if (this.#relays.get(key) === settled) this.#relays.delete(key);
    });
  }

  stop(): void {
    this.#stopped = true;
    this.#subscription?.unsubscribe();
  }
}
