/**
 * One topic streamed over the gateway's WebSocket (docs/websocket.md), kept alive across dropped
 * connections and gateway restarts: each new socket resumes where the last one stopped (the
 * cursor, else every partition's next offset), and a record already received is never delivered
 * again. Frames are delivered one at a time, in the order received; the next waits until every
 * `records` listener (and the promise it returns) is done. Credit is granted only for records
 * delivered, so a slow page holds at most `credit` records and the gateway pauses instead.
 */
import { Backoff, type BackoffOptions } from './backoff.js';
import { Emitter } from './emitter.js';
import { LogwayError } from './errors.js';
import { Position } from './position.js';
import type { From, LogwayRecord, PartitionPosition } from './types.js';

export interface SubscribeOptions {
  /** Where to start the first time (default 'latest'). A group member: only 'earliest' or 'latest', for partitions its group never committed. */
  from?: From;
  /** Only these partitions (not with `group`). Default: every partition. */
  partitions?: number[];
  /** Consume as a member of this consumer group: the gateway assigns partitions; processed records are committed. */
  group?: string;
  /** Records the gateway may send ahead of what the listeners have processed (default 500). */
  credit?: number;
  /** Group mode: how often processed offsets are committed (default 1000 ms; also on `commit()` and `close()`). */
  commitIntervalMs?: number;
  /** Delays between reconnection attempts. */
  reconnect?: BackoffOptions;
}

export interface RecordsBatch {
  partition: number;
  /** The cursor after these records, when the gateway sends one: resume from it later with `from: { cursor }`. */
  cursor: string | undefined;
}

export interface SubscriptionEvents<V> {
  /** Records of one partition, in offset order, each exactly once. Return a promise to hold the next batch (and credit) until it settles. */
  records: (records: LogwayRecord<V>[], batch: RecordsBatch) => void | Promise<void>;
  /** A socket is subscribed: the first time and after every reconnection. In group mode `partitions` come in `assigned`. */
  open: (info: { partitions: PartitionPosition[]; reconnected: boolean; memberId?: string }) => void;
  /** The position was older than retention: these partitions continue at their log start (records in between were deleted). */
  reset: (resets: { partition: number; offset: number; logStartOffset: number }[]) => void;
  /** Group mode: partitions granted to this member, and where each starts. */
  assigned: (partitions: PartitionPosition[]) => void;
  /** Group mode: partitions taken away. */
  revoked: (partitions: number[]) => void;
  /** The connection dropped; the next attempt is in `delayMs`. */
  reconnecting: (info: { attempt: number; delayMs: number; code: number; reason: string }) => void;
  /** Something failed: an error frame, a refused commit, a listener that threw. The subscription goes on unless `closed` follows. */
  error: (error: LogwayError) => void;
  /** The subscription ended: `close()` was called, or the gateway refused it for good (then with the error). */
  closed: (info: { code: number; reason: string; error?: LogwayError }) => void;
}

interface RecordsFrame {
  type: 'records';
  records: LogwayRecord[];
  cursor?: string;
}

/** A frame waiting for the listeners: its new records, and how many the gateway sent (credit is owed for those). */
interface QueuedFrame {
  records: LogwayRecord[];
  cursor: string | undefined;
  sent: number;
}

/** How to reach the gateway (given by Logway). */
export interface Connector {
  /** The socket URL of `path` on the gateway, or on `base` (another gateway's http(s) URL) when given. */
  socketUrl(path: string, query: URLSearchParams, base?: string): string;
  protocols(): Promise<string[]>;
  /** Whether a fresh credential could be had (a token function): then a 4401 close is worth a retry. */
  canRefreshToken: boolean;
}

/** Closes not worth retrying: the request itself is wrong, or the topic is gone. */
const FINAL_CLOSES = new Set([1003, 1009, 4400, 4403, 4404, 4416]);

export type SubscriptionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export class Subscription<V = unknown> extends Emitter<SubscriptionEvents<V>> {
  readonly topic: string;
  readonly #options: SubscribeOptions;
  readonly #connector: Connector;
  readonly #window: number;
  readonly #backoff: Backoff;
  readonly #position: Position;
  #state: SubscriptionState = 'connecting';
  #socket: WebSocket | undefined;
  /** The current socket got `subscribed`. */
  #opened = false;
  #everOpened = false;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;

  /** Frames received and not yet delivered (they may outlive the socket they came on). */
  readonly #queue: QueuedFrame[] = [];
  #queuedRecords = 0;
  #draining = false;
  /** Records delivered since credit was last granted to the current socket. */
  #ungranted = 0;

  /** Next offset per partition after what the listeners processed: what the group commits. */
  readonly #processed = new Map<number, number>();
  #processedCursor: string | undefined;
  readonly #committed = new Map<number, number>();
  #commitTimer: ReturnType<typeof setInterval> | undefined;
  #commandId = 0;
  readonly #pending = new Map<string, { resolve: () => void; reject: (err: LogwayError) => void }>();
  #closedInfo: Promise<void> | undefined;
  /**
   * Group mode on a cluster: the gateway coordinating the group, as a NOT_COORDINATOR refusal named it. Reconnections
   * go there; a refusal naming none (null) sends them back to the configured gateway.
   */
  #coordinator: string | undefined;
  #resolveClosed: (() => void) | undefined;

  constructor(topic: string, options: SubscribeOptions, connector: Connector) {
    super();
    this.topic = topic;
    this.#options = options;
    this.#connector = connector;
    this.#window = Math.max(1, Math.floor(options.credit ?? 500));
    this.#backoff = new Backoff(options.reconnect);
    this.#position = new Position(options.group === undefined ? options.from : undefined);
    if (options.group !== undefined) {
      this.#commitTimer = setInterval(() => void this.commit().catch(() => {}), options.commitIntervalMs ?? 1000);
    }
    // Listeners are added right after subscribe() returns: connect once they are.
    queueMicrotask(() => void this.#connect());
  }

  get state(): SubscriptionState {
    return this.#state;
  }

  /** The cursor after the last records the listeners processed (when the gateway sends cursors): save it to resume later. */
  get cursor(): string | undefined {
    return this.#processedCursor;
  }

  /** The next offset of each partition after what the listeners processed. */
  get positions(): PartitionPosition[] {
    return [...this.#processed].map(([partition, offset]) => ({ partition, offset }));
  }

  /** Group mode: commits what the listeners processed (done anyway every commitIntervalMs and on close). */
  commit(): Promise<void> {
    const group = this.#options.group;
    if (group === undefined) return Promise.reject(new LogwayError('NOT_A_MEMBER', 'commit() is for group subscriptions'));
    const offsets = [...this.#processed]
      .filter(([p, o]) => this.#committed.get(p) !== o)
      .map(([partition, offset]) => ({ topic: this.topic, partition, offset }));
    const socket = this.#socket;
    if (offsets.length === 0 || socket === undefined || socket.readyState !== WebSocket.OPEN || !this.#opened) return Promise.resolve();
    const id = `commit-${++this.#commandId}`;
    return new Promise<void>((resolve, reject) => {
      this.#pending.set(id, {
        resolve: () => {
          for (const o of offsets) this.#committed.set(o.partition, o.offset);
          resolve();
        },
        reject,
      });
      socket.send(JSON.stringify({ type: 'commit', id, group, offsets }));
    });
  }

  /** Stops for good: a group member commits what was processed first. Resolves once the socket is closed. */
  async close(): Promise<void> {
    if (this.#state === 'closed') return this.#closedInfo;
    if (this.#options.group !== undefined) await this.commit().catch(() => {});
    this.#finish(1000, 'closed by the client');
    return this.#closedInfo;
  }

  async #connect(): Promise<void> {
    if (this.#state === 'closed') return;
    const query = new URLSearchParams();
    const { group, partitions, from } = this.#options;
    if (group !== undefined) {
      query.set('group', group);
      if (typeof from === 'string') query.set('from', from);
    } else {
      const resume = this.#position.resumeFrom();
      if (resume !== undefined) query.set('from', resume);
      // Offsets name their partitions themselves.
      if (partitions !== undefined && !/^\d+:/.test(resume ?? '')) query.set('partitions', partitions.join(','));
    }
    // What is still queued from an earlier socket counts against the window.
    query.set('credit', String(Math.max(0, this.#window - this.#queuedRecords)));
    this.#ungranted = 0;
    let protocols: string[];
    try {
      protocols = await this.#connector.protocols();
    } catch (err) {
      return this.#dropped(1006, `no credential: ${err instanceof Error ? err.message : String(err)}`);
    }
    // close() may have been called while the credential was fetched.
    if ((this.#state as SubscriptionState) === 'closed') return;
    const socket = new WebSocket(this.#connector.socketUrl(`/v1/topics/${encodeURIComponent(this.topic)}/ws`, query, this.#coordinator), protocols);
    this.#socket = socket;
    this.#opened = false;
    socket.onmessage = (event) => {
      if (socket === this.#socket && typeof event.data === 'string') this.#onFrame(JSON.parse(event.data));
    };
    socket.onclose = (event) => {
      if (socket === this.#socket) this.#dropped(event.code, event.reason);
    };
  }

  #onFrame(frame: Record<string, unknown> & { type: string }): void {
    switch (frame.type) {
      case 'records':
        return this.#onRecords(frame as unknown as RecordsFrame);
      case 'subscribed': {
        const partitions = (frame.partitions as PartitionPosition[] | undefined) ?? [];
        for (const p of partitions) this.#startAt(p);
        if (typeof frame.cursor === 'string') {
          this.#position.startAt(frame.cursor);
          // Nothing left to deliver: the listeners are at this socket's start.
          if (this.#queue.length === 0 && !this.#draining) this.#processedCursor = frame.cursor;
        }
        const reconnected = this.#everOpened;
        this.#opened = true;
        this.#everOpened = true;
        this.#state = 'open';
        this.#backoff.reset();
        this.emit('open', { partitions, reconnected, memberId: frame.memberId as string | undefined });
        if (Array.isArray(frame.resets) && frame.resets.length > 0) this.emit('reset', frame.resets);
        return;
      }
      case 'assigned': {
        const partitions = (frame.partitions as PartitionPosition[]).map(({ partition, offset }) => ({ partition, offset }));
        for (const p of partitions) this.#startAt(p);
        this.emit('assigned', partitions);
        return;
      }
      case 'revoked': {
        const partitions = (frame.partitions as { partition: number }[]).map((p) => p.partition);
        for (const p of partitions) {
          this.#position.forget(p);
          this.#processed.delete(p);
          this.#committed.delete(p);
        }
        this.emit('revoked', partitions);
        return;
      }
      case 'committed':
      case 'error': {
        const id = typeof frame.id === 'string' ? frame.id : undefined;
        const pending = id === undefined ? undefined : this.#pending.get(id);
        if (id !== undefined) this.#pending.delete(id);
        if (frame.type === 'committed') return pending?.resolve();
        const { code, message, ...details } = frame as unknown as { code: string; message: string };
        const error = new LogwayError(code, message, undefined, details);
        if (pending) return pending.reject(error);
        if (code === 'NOT_COORDINATOR' && this.#options.group !== undefined) {
          // Another gateway coordinates the group: the socket closes (4503) and the next connection goes there.
          const coordinator = (details as { coordinator?: unknown }).coordinator;
          this.#coordinator = typeof coordinator === 'string' && /^https?:\/\//.test(coordinator) ? coordinator : undefined;
          if (this.#coordinator !== undefined) return;
        }
        this.emit('error', error);
        return;
      }
    }
  }

  /** A partition starts at `offset`, unless this client is already past it (a group resuming from an older commit). */
  #startAt({ partition, offset }: PartitionPosition): void {
    const known = this.#position.offsets.get(partition);
    if (known === undefined || offset > known) this.#position.start(partition, offset);
    const processed = this.#processed.get(partition);
    if (processed === undefined || offset > processed) this.#processed.set(partition, offset);
  }

  #onRecords(frame: RecordsFrame): void {
    const sent = frame.records.length;
    // Credit is owed for every record sent, repeated ones included.
    this.#queue.push({ records: this.#position.accept(frame.records, frame.cursor), cursor: frame.cursor, sent });
    this.#queuedRecords += sent;
    void this.#drain();
  }

  async #drain(): Promise<void> {
    if (this.#draining) return;
    this.#draining = true;
    try {
      while (this.#queue.length > 0 && this.#state !== 'closed') {
        const frame = this.#queue.shift()!;
        if (frame.records.length > 0) {
          const partition = frame.records[0]!.partition;
          try {
            await Promise.all(this.emit('records', frame.records as LogwayRecord<V>[], { partition, cursor: frame.cursor }));
          } catch (err) {
            this.emit('error', new LogwayError('LISTENER_FAILED', `a records listener failed: ${err instanceof Error ? err.message : String(err)}`));
          }
          this.#processed.set(partition, frame.records.at(-1)!.offset + 1);
        }
        if (frame.cursor !== undefined) this.#processedCursor = frame.cursor;
        this.#queuedRecords -= frame.sent;
        this.#grant(frame.sent);
      }
    } finally {
      this.#draining = false;
    }
  }

  /** Gives the current socket credit for delivered records, in batches of half the window (fewer, smaller frames). */
  #grant(delivered: number): void {
    this.#ungranted += delivered;
    const socket = this.#socket;
    if (this.#ungranted < Math.ceil(this.#window / 2) || socket === undefined || socket.readyState !== WebSocket.OPEN) return;
    socket.send(JSON.stringify({ type: 'credit', records: this.#ungranted }));
    this.#ungranted = 0;
  }

  #dropped(code: number, reason: string): void {
    this.#socket = undefined;
    this.#opened = false;
    for (const pending of this.#pending.values()) pending.reject(new LogwayError('CLOSED', `the connection closed before the answer (${code})`));
    this.#pending.clear();
    if (this.#state === 'closed') return;
    const final = FINAL_CLOSES.has(code) || (code === 4401 && !this.#connector.canRefreshToken);
    if (final || this.#backoff.attempt >= this.#backoff.maxAttempts) {
      const status = code >= 4000 ? code - 4000 : undefined;
      const error = new LogwayError(final ? 'SUBSCRIPTION_REFUSED' : 'RECONNECT_FAILED', reason || `the connection closed (${code})`, status);
      this.#finish(code, reason, error);
      return;
    }
    this.#state = 'reconnecting';
    const delayMs = this.#backoff.next();
    this.emit('reconnecting', { attempt: this.#backoff.attempt, delayMs, code, reason });
    this.#retryTimer = setTimeout(() => void this.#connect(), delayMs);
  }

  #finish(code: number, reason: string, error?: LogwayError): void {
    this.#state = 'closed';
    clearTimeout(this.#retryTimer);
    clearInterval(this.#commitTimer);
    const socket = this.#socket;
    this.#socket = undefined;
    this.#closedInfo = new Promise<void>((resolve) => (this.#resolveClosed = resolve));
    const done = () => {
      this.emit('closed', error ? { code, reason, error } : { code, reason });
      this.#resolveClosed?.();
    };
    if (socket !== undefined && socket.readyState !== WebSocket.CLOSED) {
      socket.onclose = done;
      socket.close(1000, reason);
    } else {
      done();
    }
  }
}
