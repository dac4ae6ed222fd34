/**
 * One WebSocket client's state, free of any transport: its commands, its subscriptions
 * (subscription.ts), and the delivery of their records under flow control (delivery.ts,
 * send-window.ts). handler.ts binds it to a `ws` socket; tests can bind it to anything
 * with a SocketSink's three members. A topic read as a group member is driven by a
 * GroupMember (api/group-member.ts).
 */
import type { Config } from '../config.js';
import type { Log } from '../core/log.js';
import type { RecordFormat } from '../core/record-validation.js';
import type { TopicChange } from '../core/notifier.js';
import { decodeProduceRecord } from '../core/record-codec.js';
import { ErrorCode, GatewayError, invalid, isGatewayError } from '../errors.js';
import { withFieldPrefix } from '../api/field-paths.js';
import { closeCodeFor, closeReason, CloseCode } from './close-codes.js';
import type { CommandAccess } from './command-access.js';
import { parseCommand, type CommandId } from './command-parse.js';
import { GroupMember, type MemberStreams } from '../api/group-member.js';
import type { GroupPort } from '../api/group-port.js';
import { Delivery } from './delivery.js';
import { resolveStarts } from './start-positions.js';
import {
  GROUP_FROM_MESSAGE,
  groupFromAllowed,
  MessageType,
  startPositionOf,
  type CommitCommand,
  type ProduceCommand,
  type StartPosition,
} from './protocol.js';
import type { SharedFrames } from './records-frame.js';
import { SendWindow } from './send-window.js';
import type { OutboundFrame, SocketSink } from './socket-sink.js';
import { Subscription } from './subscription.js';

export type { SocketSink } from './socket-sink.js';

export type SessionSettings = Pick<
  Config,
  | 'wsDefaultCreditRecords'
  | 'wsHighWaterBytes'
  | 'wsMaxBufferedBytes'
  | 'fetchMaxLimit'
  | 'fetchDefaultMaxBytes'
  | 'maxRecordsPerRequest'
>;

export interface SessionDeps {
  log: Log;
  settings: SessionSettings;
  frames: SharedFrames;
  /** Absent: subscribing with a group is refused. */
  groups?: GroupPort;
  /** Checks each command against the socket's principal (throws FORBIDDEN or RATE_LIMITED); absent: all allowed. */
  access?: CommandAccess;
  onUnexpectedError: (err: unknown) => void;
  /** Told of every records frame sent (for metrics). */
  onDelivered?: (topic: string, records: number, bytes: number) => void;
}

export interface SessionOptions {
  /** Explicit initial credit (`?credit=`); absent: automatic credit. */
  credit?: number;
  /**
   * For a socket opened on one topic's URL: when that subscription ends with an error
   * (topic deleted, member fenced), close the socket with the error's code.
   */
  closeOnSubscriptionError?: boolean;
}

export interface SubscribeRequest {
  id?: string | number;
  topic: string;
  start: StartPosition;
  partitions?: number[];
  group?: string;
  /** Where a bad `from` (a cursor of another topic, say) is reported: `query/from` or `message/from`. */
  fromField?: string;
  /** Values of a topic bound to a schema: decoded to JSON (default) or in Confluent's wire format. */
  format?: RecordFormat | undefined;
}

export class Session {
  readonly #deps: SessionDeps;
  readonly #sink: SocketSink;
  readonly #options: SessionOptions;
  readonly #window: SendWindow;
  readonly #subscriptions = new Map<string, Subscription>();
  readonly #unlistenTopics: () => void;
  readonly #delivery: Delivery;
  #closed = false;
  /** Commands run one at a time, in arrival order, so replies come in command order. */
  #inbound: Promise<void> = Promise.resolve();
  #pendingCommands = 0;
  /** Group leaves in flight (shutdown waits for them before the store closes). */
  readonly #leaving = new Set<Promise<unknown>>();

  constructor(deps: SessionDeps, sink: SocketSink, options: SessionOptions = {}) {
    this.#deps = deps;
    this.#sink = sink;
    this.#options = options;
    this.#window = new SendWindow(sink, deps.settings, options.credit, {
      opened: () => this.#delivery.schedulePump(),
      tooSlow: (reason) => this.close(CloseCode.POLICY_VIOLATION, reason),
    });
    this.#delivery = new Delivery(deps, this.#window, {
      closed: () => this.#closed,
      subscriptions: this.#subscriptions,
      endSubscription: (subscription, err) => this.#endSubscription(subscription, err),
      failed: (err) => {
        this.#deps.onUnexpectedError(err);
        this.close(CloseCode.INTERNAL_ERROR, 'internal error while streaming');
      },
    });
    this.#unlistenTopics = deps.log.notifier.onTopicChange((e) => this.#onTopicChange(e));
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Records the server may still send before it needs more credit. */
  get credit(): number {
    return this.#window.credit;
  }

  /** True while the socket's buffer is over the high-water mark. */
  get paused(): boolean {
    return this.#window.paused;
  }

  /** Bytes of appended batches held for this socket. */
  get queuedBytes(): number {
    return this.#delivery.queuedBytes;
  }

  /** Topics this socket streams. */
  get subscriptionCount(): number {
    return this.#subscriptions.size;
  }

  /** Commands received and not yet answered (the handler stops reading the socket while some wait). */
  get pendingCommands(): number {
    return this.#pendingCommands;
  }

  /**
   * Handles one inbound text frame after those before it. Bad commands get an error
   * reply; the socket stays open. Never rejects.
   */
  handleText(text: string): Promise<void> {
    this.#pendingCommands++;
    const run = this.#inbound.then(() => this.#handleCommand(text)).finally(() => this.#pendingCommands--);
    this.#inbound = run;
    return run;
  }

  async #handleCommand(text: string): Promise<void> {
    if (this.#closed) return;
    const parsed = parseCommand(text);
    const id = parsed.id;
    try {
      if ('error' in parsed) throw parsed.error;
      const command = parsed.command;
      this.#deps.access?.(command, Buffer.byteLength(text));
      switch (command.type) {
        case 'subscribe':
          if (command.group !== undefined && !groupFromAllowed(command.from, command.partitions)) {
            throw invalid(GROUP_FROM_MESSAGE, [{ path: 'message/group', message: 'allows only from=earliest|latest' }]);
          }
          await this.subscribe({
            id,
            topic: command.topic,
            start: startPositionOf(command.from),
            partitions: command.partitions,
            group: command.group,
            fromField: 'message/from',
            format: command.format,
          });
          return;
        case 'unsubscribe':
          this.#unsubscribe(command.topic, id);
          return;
        case 'commit':
          await this.#commit(command, id);
          return;
        case 'produce':
          await this.#produce(command, id);
          return;
        case 'credit':
          this.grant(command.records);
          return;
      }
    } catch (err) {
      this.#sendError(err, id);
    }
  }

  /**
   * The subscription a topic URL asks for, queued before any command the client sends,
   * so commands see it. Rejects with its GatewayError (the caller closes the socket).
   */
  subscribeFirst(request: SubscribeRequest): Promise<void> {
    const run = this.#inbound.then(() => this.subscribe(request));
    this.#inbound = run.catch(() => {});
    return run;
  }

  /** A client's credit grant (adds up). The first one turns automatic credit off. */
  grant(records: number): void {
    this.#window.grant(records);
    this.#delivery.schedulePump();
  }

  /**
   * Starts streaming a topic. Throws GatewayError (unknown topic or partition, offset
   * out of range, a cursor not of this topic, bad combination) and changes nothing in that case.
   */
  async subscribe(request: SubscribeRequest): Promise<void> {
    const { topic } = request;
    if (this.#subscriptions.has(topic)) {
      throw invalid(`already subscribed to '${topic}'; unsubscribe first`, [
        { path: 'message/topic', message: 'already subscribed' },
      ]);
    }
    if (request.group !== undefined) return this.#subscribeAsMember(request, request.group);

    const resolved = await resolveStarts(this.#deps.log, topic, request.start, request.partitions, request.fromField);
    const readsOnly = await this.#deps.log.viewsValues(topic);
    if (this.#closed) return;
    if (this.#subscriptions.has(topic)) throw invalid(`already subscribed to '${topic}'`);
    const subscription = new Subscription(topic, { followNewPartitions: resolved.allPartitions, cursorTopic: resolved.topic, format: request.format, readsOnly });
    this.#subscriptions.set(topic, subscription);
    for (const s of resolved.starts) this.#delivery.addFeed(subscription, s.partition, s.offset, s.highWatermark);
    this.#send({
      type: MessageType.subscribed,
      id: request.id,
      topic,
      partitions: resolved.starts.map((s) => ({ partition: s.partition, offset: s.offset })),
      cursor: subscription.cursor(),
      ...(resolved.resets.length > 0 ? { resets: resolved.resets } : {}),
    });
    this.#delivery.schedulePump();
  }

  /** Ends the session: stops feeds, leaves groups at once, closes the socket if still open. */
  close(code: number = CloseCode.NORMAL, reason = ''): void {
    if (this.#closed) return;
    this.dispose();
    this.#sink.close(code, closeReason(reason));
  }

  /** Frees everything without touching the socket (it is already closed). */
  dispose(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#window.close();
    this.#unlistenTopics();
    for (const subscription of [...this.#subscriptions.values()]) this.#removeSubscription(subscription);
  }

  /** Resolves once the group leaves started by closing have finished. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.#leaving]);
  }

  /** A sign of life from the client (a pong): keeps group memberships alive between heartbeats. */
  touch(): void {
    for (const s of this.#subscriptions.values()) s.member?.touch();
  }

  /** Tells the client about an error (an `error` message with the GatewayError code). */
  sendError(err: unknown, id?: string | number): void {
    this.#sendError(err, id);
  }

  // ---------------------------------------------------------------- commands

  #unsubscribe(topic: string, id: CommandId): void {
    const subscription = this.#subscriptions.get(topic);
    if (!subscription) {
      throw invalid(`not subscribed to '${topic}'`, [{ path: 'message/topic', message: 'not subscribed' }]);
    }
    this.#removeSubscription(subscription);
    this.#send({ type: MessageType.unsubscribed, id, topic });
  }

  async #produce(command: ProduceCommand, id: CommandId): Promise<void> {
    const max = this.#deps.settings.maxRecordsPerRequest;
    if (command.records.length > max) {
      throw invalid(`message/records: at most ${max} records per produce`, [
        { path: 'message/records', message: `at most ${max} records per produce` },
      ]);
    }
    const result = await withFieldPrefix('message', () =>
      this.#deps.log.produce(command.topic, command.records.map(decodeProduceRecord), { idempotencyKey: command.idempotencyKey }),
    );
    this.#send({ type: MessageType.ack, id, topic: command.topic, records: result.positions });
  }

  async #commit(command: CommitCommand, id: CommandId): Promise<void> {
    // Each offset goes to the member of its topic (one member per subscribed topic).
    const byMember = new Map<GroupMember, { topic: string; partition: number; offset: number }[]>();
    for (const [i, o] of command.offsets.entries()) {
      const member = this.#subscriptions.get(o.topic)?.member;
      if (!member || (command.group !== undefined && member.group !== command.group)) {
        const where = command.group === undefined ? 'a group' : `group '${command.group}'`;
        throw invalid(`this socket is not a member of ${where} for topic '${o.topic}'`, [
          { path: `message/offsets/${i}/topic`, message: `not subscribed to it as a member of ${where}` },
        ]);
      }
      let list = byMember.get(member);
      if (!list) byMember.set(member, (list = []));
      list.push({ topic: o.topic, partition: o.partition, offset: o.offset });
    }
    let group = '';
    const committed: { topic: string; partition: number; offset: number }[] = [];
    for (const [member, offsets] of byMember) {
      group = member.group;
      await member.commit(offsets);
      committed.push(...offsets);
    }
    this.#send({ type: MessageType.committed, id, group, offsets: committed });
  }

  // ---------------------------------------------------------------- group membership

  async #subscribeAsMember(request: SubscribeRequest, group: string): Promise<void> {
    const groups = this.#deps.groups;
    if (!groups) throw new GatewayError(ErrorCode.UNAVAILABLE, 'consumer groups are not available on this gateway');
    const { topic } = request;
    const subscription = new Subscription(topic, { followNewPartitions: false, format: request.format, readsOnly: await this.#deps.log.viewsValues(topic) });
    const streams: MemberStreams = {
      streaming: () => [...subscription.feeds.keys()],
      start: (partition, offset, highWatermark) => this.#delivery.addFeed(subscription, partition, offset, highWatermark),
      stop: (partition) => {
        const feed = subscription.feeds.get(partition);
        if (!feed) return;
        this.#delivery.stopFeed(feed);
        subscription.feeds.delete(partition);
      },
      resume: () => this.#delivery.schedulePump(),
      assigned: (event) => this.#send({ type: MessageType.assigned, ...event }),
      revoked: (event) => this.#send({ type: MessageType.revoked, ...event }),
      fail: (err) => this.#endSubscription(subscription, err),
      active: () => !this.#closed && this.#subscriptions.get(topic) === subscription,
    };
    // For a member, `from` only says where to start partitions the group never committed.
    const autoOffsetReset = request.start.kind === 'earliest' ? 'earliest' : 'latest';
    const joined = await GroupMember.join({ groups, log: this.#deps.log, streams }, group, topic, autoOffsetReset);
    if (this.#closed || this.#subscriptions.has(topic)) {
      await joined.member.leave().catch(() => {});
      if (this.#closed) return;
      throw invalid(`already subscribed to '${topic}'`);
    }
    subscription.member = joined.member;
    this.#subscriptions.set(topic, subscription);
    this.#send({ type: MessageType.subscribed, id: request.id, topic, group, memberId: joined.member.memberId, partitions: [] });
    await joined.member.start(joined.assignment, joined.heartbeatIntervalMs);
  }

  // ---------------------------------------------------------------- subscriptions

  #removeSubscription(subscription: Subscription): void {
    this.#subscriptions.delete(subscription.topic);
    for (const feed of subscription.feeds.values()) this.#delivery.stopFeed(feed);
    subscription.feeds.clear();
    if (subscription.member) {
      // Leave at once so the partitions move now, not after the session timeout.
      const leaving = subscription.member.leave().catch((err: unknown) => {
        if (!isGatewayError(err)) this.#deps.onUnexpectedError(err);
      });
      this.#leaving.add(leaving);
      void leaving.finally(() => this.#leaving.delete(leaving));
    }
  }

  /** A subscription that cannot go on: tell the client why; a one-topic socket closes. */
  #endSubscription(subscription: Subscription, err: unknown): void {
    if (this.#closed || this.#subscriptions.get(subscription.topic) !== subscription) return;
    this.#removeSubscription(subscription);
    this.#sendError(err, undefined, { topic: subscription.topic });
    if (this.#options.closeOnSubscriptionError) {
      const e = isGatewayError(err) ? err : new GatewayError(ErrorCode.INTERNAL, 'internal error');
      this.close(closeCodeFor(e), e.message);
    }
  }

  #onTopicChange(event: TopicChange): void {
    const subscription = this.#subscriptions.get(event.topic);
    if (!subscription) return;
    if (subscription.member) {
      // A member stays in its group (as a REST member does) but streams nothing of a deleted topic;
      // partitions of a re-created one come from the coordinator, so 'created' needs nothing here.
      if (event.kind === 'deleted') subscription.member.topicDeleted();
      return;
    }
    if (event.kind === 'deleted') {
      this.#endSubscription(subscription, new GatewayError(ErrorCode.TOPIC_NOT_FOUND, `topic '${event.topic}' was deleted`, { topic: event.topic }));
    } else if (event.kind === 'partitions-added' && subscription.followNewPartitions) {
      // New partitions are empty when created: everything in them is news, from offset 0.
      for (let p = 0; p < event.partitions; p++) {
        if (!subscription.feeds.has(p)) this.#delivery.addFeed(subscription, p, 0, 0);
      }
      this.#delivery.schedulePump();
    }
  }

  #send(message: Record<string, unknown>): void {
    if (this.#closed) return;
    this.#write(JSON.stringify(message), 0);
  }

  #sendError(err: unknown, id: CommandId, extra: Record<string, unknown> = {}): void {
    let e: GatewayError;
    if (isGatewayError(err)) e = err;
    else {
      this.#deps.onUnexpectedError(err);
      e = new GatewayError(ErrorCode.INTERNAL, 'the gateway failed to handle this message; it has been logged');
    }
    // Details extend the frame; they never replace its type, id, code or message.
    this.#send({ ...e.details, ...extra, type: MessageType.error, id, code: e.code, message: e.message });
  }

  #write(frame: OutboundFrame, records: number): void {
    this.#window.write(frame, records);
  }
}
