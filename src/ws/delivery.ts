/**
 * A socket's delivery of records: one feed per streamed partition (partition-feed.ts), live
 * batches sent as they are appended, and catch-up reads of the log for feeds behind, in turn
 * across feeds, within the socket's send window (send-window.ts).
 *
 * Memory: appended batches waiting for credit or a drain are held by reference up to
 * wsHighWaterBytes per socket; past that they are dropped and the partitions read from
 * the log again at their position, so a stalled socket costs no memory.
 */
import type { Config } from '../config.js';
import type { Log } from '../core/log.js';
import type { AppendedRecords } from '../core/notifier.js';
import { isGatewayError } from '../errors.js';
import type { EncodedRecords, PartitionOffsets } from '../storage/log-store.js';
import { PartitionFeed } from './partition-feed.js';
import { encodedRecordsBody, recordsFrameTail, type FrameParts, type SharedFrames } from './records-frame.js';
import type { SendWindow } from './send-window.js';
import { frameBytes, type OutboundFrame } from './socket-sink.js';
import type { Subscription } from './subscription.js';

export type DeliverySettings = Pick<Config, 'wsHighWaterBytes' | 'fetchMaxLimit' | 'fetchDefaultMaxBytes'>;

export interface DeliveryDeps {
  log: Log;
  settings: DeliverySettings;
  frames: SharedFrames;
  /** Told of every records frame sent (for metrics). */
  onDelivered?: ((topic: string, records: number, bytes: number) => void) | undefined;
}

/** What delivery needs from its session. */
export interface DeliveryHost {
  closed(): boolean;
  /** The socket's subscriptions by topic (the session adds and removes them). */
  readonly subscriptions: ReadonlyMap<string, Subscription>;
  /** A subscription that cannot go on (its topic was deleted during a catch-up read, say). */
  endSubscription(subscription: Subscription, err: unknown): void;
  /** A bug while streaming: the session closes. */
  failed(err: unknown): void;
}

export class Delivery {
  readonly #deps: DeliveryDeps;
  readonly #window: SendWindow;
  readonly #host: DeliveryHost;
  #pumping = false;
  #pumpAgain = false;
  #queuedBytes = 0;

  constructor(deps: DeliveryDeps, window: SendWindow, host: DeliveryHost) {
    this.#deps = deps;
    this.#window = window;
    this.#host = host;
  }

  /** Bytes of appended batches held for this socket. */
  get queuedBytes(): number {
    return this.#queuedBytes;
  }

  /** Streams `partition` of the subscription's topic from `offset` (the partition's high watermark was `highWatermark`). */
  addFeed(subscription: Subscription, partition: number, offset: number, highWatermark: number): void {
    const feed = new PartitionFeed(subscription.topic, partition, offset, highWatermark, subscription.readsOnly);
    feed.listenWith(this.#deps.log.notifier.onAppend(subscription.topic, partition, (batch) => this.#onAppend(feed, batch)));
    subscription.feeds.set(partition, feed);
  }

  /** Stops a feed and forgets what it held. */
  stopFeed(feed: PartitionFeed): void {
    this.#queuedBytes -= feed.queuedBytes;
    feed.stop();
  }

  #onAppend(feed: PartitionFeed, batch: AppendedRecords): void {
    if (this.#host.closed() || feed.stopped) return;
    const before = feed.queuedBytes;
    feed.offer(batch);
    this.#queuedBytes += feed.queuedBytes - before; // a detected gap drops the feed's queue
    if (!feed.live) {
      this.schedulePump(); // catching up (or just fell back to it): the reads will find the batch
      return;
    }
    if (!feed.hasQueued) return;
    if (this.#queuedBytes > this.#deps.settings.wsHighWaterBytes) {
      // Too much held for a socket that is not taking it: read from the log later instead.
      for (const s of this.#host.subscriptions.values()) {
        for (const f of s.feeds.values()) {
          if (f.hasQueued) {
            this.#queuedBytes -= f.queuedBytes;
            f.catchUp();
          }
        }
      }
      this.#queuedBytes = 0;
      return;
    }
    this.#drainQueue(feed);
  }

  #canSend(): boolean {
    return !this.#host.closed() && this.#window.open;
  }

  #drainQueue(feed: PartitionFeed): boolean {
    let sent = false;
    while (this.#canSend() && feed.hasQueued) {
      const before = feed.queuedBytes;
      const { batch, start, end } = feed.take(this.#window.credit)!;
      this.#queuedBytes -= before - feed.queuedBytes;
      const body = this.#deps.frames.forSlice(feed.topic, feed.partition, batch, start, end);
      this.#sendRecords(feed, [body], batch[end - 1]!.offset + 1, end - start);
      sent = true;
    }
    return sent;
  }

  /** Sends what may be sent now and reads on for feeds catching up (at most one pump at a time). */
  schedulePump(): void {
    if (this.#host.closed()) return;
    if (this.#pumping) {
      this.#pumpAgain = true;
      return;
    }
    this.#pumping = true;
    this.#pump()
      .catch((err: unknown) => this.#host.failed(err))
      .finally(() => {
        this.#pumping = false;
        // A window that reopened while this pump was ending (a write's callback runs as a tick,
        // before this promise settles) only set #pumpAgain: without this its wake-up is lost
        // and the socket waits forever.
        if (this.#pumpAgain) this.schedulePump();
      });
  }

  /** Sends queued batches and reads the log for feeds catching up, round-robin, while allowed. */
  async #pump(): Promise<void> {
    for (;;) {
      this.#pumpAgain = false;
      let progressed = false;
      for (const subscription of [...this.#host.subscriptions.values()]) {
        for (const feed of [...subscription.feeds.values()]) {
          if (!this.#canSend()) return;
          if (feed.stopped) continue;
          if (feed.hasQueued) progressed = this.#drainQueue(feed) || progressed;
          else if (!feed.live) progressed = (await this.#catchUpOnce(subscription, feed)) || progressed;
        }
      }
      if (!progressed && !this.#pumpAgain) return;
      // Out of credit or paused (the usual end of a catch-up chunk, which takes the whole
      // credit): the window's reopening schedules the next pump, so no turn is spent waiting.
      if (!this.#canSend()) return;
      // Store reads may resolve at once and a socket's writes may never block, so without
      // this a socket with ample credit could hold the event loop for its whole catch-up.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /** One bounded read at the feed's position. Returns true if it sent or should read again. */
  async #catchUpOnce(subscription: Subscription, feed: PartitionFeed): Promise<boolean> {
    const settings = this.#deps.settings;
    const position = feed.position;
    let encoded: EncodedRecords;
    try {
      encoded = await this.#deps.log.readEncoded(
        feed.topic,
        feed.partition,
        position,
        // Chunks as large as credit and bytes allow: each chunk costs a read, a frame and a
        // turn of the event loop, so 500-record chunks held catch-up to ~40% of the raw read
        // rate where 2,000-4,000 reach ~60% (npm run bench, catch-up scenario).
        Math.min(this.#window.credit, settings.fetchMaxLimit),
        Math.min(settings.fetchDefaultMaxBytes, settings.wsHighWaterBytes),
        subscription.format,
      );
    } catch (err) {
      return this.#catchUpFailed(subscription, feed, err);
    }
    // The feed may have been removed, or moved on, while the read was in flight.
    if (feed.stopped || this.#host.closed() || feed.live || feed.position !== position) return false;
    if (encoded.count === 0) {
      if (feed.tryGoLive()) return false;
      // Appends reached past `position` yet nothing is stored there: either an append landed
      // after the read (read again), or retention deleted the records (skip to the log start).
      let bounds: PartitionOffsets;
      try {
        bounds = await this.#deps.log.partitionOffsets(feed.topic, feed.partition);
      } catch (err) {
        return this.#catchUpFailed(subscription, feed, err);
      }
      if (feed.stopped || this.#host.closed() || feed.live || feed.position !== position) return false;
      if (position < bounds.logStartOffset) feed.position = bounds.logStartOffset;
      return true;
    }
    if (encoded.nextOffset > feed.knownHighWatermark) feed.knownHighWatermark = encoded.nextOffset;
    this.#sendRecords(feed, encodedRecordsBody(encoded.json), encoded.nextOffset, encoded.count);
    return true;
  }

  /**
   * A catch-up query refused (the topic was deleted meanwhile, say): that subscription ends
   * with the error's code, the socket's others go on. Anything else is a bug (the pump closes).
   */
  #catchUpFailed(subscription: Subscription, feed: PartitionFeed, err: unknown): false {
    if (!isGatewayError(err)) throw err;
    // A feed stopped meanwhile (unsubscribed, revoked, its topic's deletion already handled) has nothing to end.
    if (!feed.stopped) this.#host.endSubscription(subscription, err);
    return false;
  }

  /**
   * Sends a records frame: `body` (shared with other sockets when live; head and store-encoded
   * records when read) and a tail with this subscription's cursor after it; `next` is the
   * offset after its last record.
   */
  #sendRecords(feed: PartitionFeed, body: FrameParts, next: number, count: number): void {
    feed.position = next;
    const subscription = this.#host.subscriptions.get(feed.topic);
    subscription?.member?.advance(feed.partition, next);
    const frame: OutboundFrame = [...body, recordsFrameTail(subscription?.cursor())];
    this.#deps.onDelivered?.(feed.topic, count, frameBytes(frame));
    this.#window.write(frame, count);
  }
}
