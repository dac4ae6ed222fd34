/**
 * One streamed topic read as a consumer group member (KIP-848 style, through the same
 * coordinator as REST members), shared by the streaming transports (a WebSocket subscription,
 * a Server-Sent Events stream): it heartbeats for the stream, turns each assignment
 * into partitions to start and stop streaming, tells the client (assigned, revoked),
 * and releases revoked partitions by heartbeating without them, so their new owner gets
 * them only after this stream has stopped sending them.
 */
import { ErrorCode, GatewayError, isGatewayError } from '../errors.js';
import type { Log } from '../core/log.js';
import type { GroupPort, TopicPartition } from './group-port.js';

/** Told to the client when partitions are granted: where streaming each starts. */
export interface AssignedEvent {
  group: string;
  memberId: string;
  memberEpoch: number;
  partitions: { topic: string; partition: number; offset: number }[];
}

/** Told to the client when partitions are taken away: nothing more of them is sent. */
export interface RevokedEvent {
  group: string;
  memberId: string;
  partitions: { topic: string; partition: number }[];
}

/** What the member drives in its session. */
export interface MemberStreams {
  /** Partitions being streamed now. */
  streaming(): number[];
  /** Start streaming a granted partition at `offset` (once `assigned` has been sent: see resume). */
  start(partition: number, offset: number, highWatermark: number): void;
  /** Let the started partitions flow (after the `assigned` message, so records never precede it). */
  resume(): void;
  /** Stop streaming a revoked partition (nothing more of it is sent). */
  stop(partition: number): void;
  assigned(event: AssignedEvent): void;
  revoked(event: RevokedEvent): void;
  /** The membership cannot go on (fenced, expelled, group deleted). */
  fail(err: unknown): void;
  /** False once the subscription is gone. */
  active(): boolean;
}

export class GroupMember {
  readonly group: string;
  readonly topic: string;
  readonly memberId: string;
  readonly #groups: GroupPort;
  readonly #log: Log;
  readonly #streams: MemberStreams;
  #epoch: number;
  #timer: NodeJS.Timeout | undefined;
  #unlisten: () => void = () => {};
  /** Heartbeats run one at a time; a request during one runs once more after it. */
  #beating = false;
  #beatAgain = false;
  #left = false;
  /** Counts deletions of the topic, so a reconcile that began before one starts nothing from before it. */
  #topicGeneration = 0;

  private constructor(
    deps: { groups: GroupPort; log: Log; streams: MemberStreams },
    group: string,
    topic: string,
    joined: { memberId: string; memberEpoch: number },
  ) {
    this.#groups = deps.groups;
    this.#log = deps.log;
    this.#streams = deps.streams;
    this.group = group;
    this.topic = topic;
    this.memberId = joined.memberId;
    this.#epoch = joined.memberEpoch;
  }

  get memberEpoch(): number {
    return this.#epoch;
  }

  /**
   * Joins the group for one topic. Call start() once the subscription is in place.
   * `autoOffsetReset`: where partitions the group never committed start.
   */
  static async join(
    deps: { groups: GroupPort; log: Log; streams: MemberStreams },
    group: string,
    topic: string,
    autoOffsetReset: 'earliest' | 'latest',
  ): Promise<{ member: GroupMember; assignment: TopicPartition[]; heartbeatIntervalMs: number }> {
    const joined = await deps.groups.join(group, { topics: [topic], autoOffsetReset });
    return {
      member: new GroupMember(deps, group, topic, joined),
      assignment: joined.assignment,
      heartbeatIntervalMs: joined.heartbeatIntervalMs,
    };
  }

  /** Streams the partitions the join granted, then heartbeats every `intervalMs` and whenever the coordinator asks. */
  async start(assignment: TopicPartition[], intervalMs: number): Promise<void> {
    this.#unlisten = this.#groups.onMemberChange(this.group, this.memberId, (event) => {
      if (event.type === 'reconcile') void this.heartbeat();
      else this.#streams.fail(fenced(this.group, this.memberId, event.reason));
    });
    this.#timer = setInterval(() => void this.heartbeat(), intervalMs);
    this.#timer.unref();
    await this.heartbeat(assignment);
  }

  /** A sign of life between heartbeats (the socket answered a ping). */
  touch(): void {
    if (!this.#left) this.#groups.touch(this.group, this.memberId);
  }

  /** Records what the socket has been sent, so a poll-style position stays right. */
  advance(partition: number, nextOffset: number): void {
    this.#groups.advance(this.group, this.memberId, this.topic, partition, nextOffset);
  }

  commit(offsets: { topic: string; partition: number; offset: number }[]): Promise<unknown> {
    return this.#groups.commit(this.group, { memberId: this.memberId, memberEpoch: this.#epoch, offsets });
  }

  /**
   * The topic was deleted. The coordinator drops its partitions without asking members to
   * reconcile, and a feed left running would go on at its old offset if the topic came back
   * (skipping the new topic's first records, perhaps while another member owns the partition).
   * So stop them all now, say so, and heartbeat: if the topic is created again, the
   * coordinator grants its partitions afresh, from offset 0 (its old commits are gone).
   */
  topicDeleted(): void {
    if (this.#left || !this.#streams.active()) return;
    this.#topicGeneration++;
    this.#revoke(this.#streams.streaming());
    void this.heartbeat();
  }

  /** Leaves at once, so the partitions move now rather than after the session timeout. */
  leave(): Promise<unknown> {
    this.#left = true;
    clearInterval(this.#timer);
    this.#unlisten();
    return this.#groups.leave(this.group, this.memberId);
  }

  /**
   * Heartbeats and reconciles, one at a time. With `joined`, first applies the
   * assignment the join returned (and heartbeats only if that asks for one).
   */
  async heartbeat(joined?: TopicPartition[]): Promise<void> {
    if (this.#left || !this.#streams.active()) return;
    if (this.#beating) {
      this.#beatAgain = true;
      return;
    }
    this.#beating = true;
    try {
      if (joined) {
        this.#beatAgain = false;
        await this.#reconcile(joined);
        if (!this.#beatAgain) return;
      }
      do {
        this.#beatAgain = false;
        const owned = this.#streams.streaming().map((partition) => ({ topic: this.topic, partition }));
        const result = await this.#groups.heartbeat(this.group, this.memberId, { memberEpoch: this.#epoch, ownedPartitions: owned });
        if (this.#left || !this.#streams.active()) return;
        this.#epoch = result.memberEpoch;
        await this.#reconcile(result.assignment);
      } while (this.#beatAgain && !this.#left && this.#streams.active());
    } catch (err) {
      if (!this.#left && this.#streams.active()) this.#streams.fail(err);
    } finally {
      this.#beating = false;
    }
  }

  /** Stops streaming `partitions` and tells the client; the next heartbeat releases them. */
  #revoke(partitions: number[]): void {
    if (!partitions.length) return;
    for (const partition of partitions) this.#streams.stop(partition);
    this.#streams.revoked({
      group: this.group,
      memberId: this.memberId,
      partitions: partitions.map((partition) => ({ topic: this.topic, partition })),
    });
    // Released partitions go to their new owners only once a heartbeat stops listing them.
    this.#beatAgain = true;
  }

  /** Applies an assignment: stop revoked partitions (and release them), start granted ones. */
  async #reconcile(assignment: readonly TopicPartition[]): Promise<void> {
    const generation = this.#topicGeneration;
    const target = new Set(assignment.filter((tp) => tp.topic === this.topic).map((tp) => tp.partition));
    this.#revoke(this.#streams.streaming().filter((partition) => !target.has(partition)));
    const streaming = new Set(this.#streams.streaming());
    const granted: { partition: number; offset: number; highWatermark: number }[] = [];
    for (const partition of target) {
      if (streaming.has(partition)) continue;
      let offset: number;
      let highWatermark: number;
      try {
        offset = await this.#groups.position(this.group, this.memberId, this.topic, partition);
        highWatermark = (await this.#log.partitionOffsets(this.topic, partition)).highWatermark;
      } catch (err) {
        // Taken away again, or its topic deleted, meanwhile: the next heartbeat brings the current assignment.
        if (isGatewayError(err) && GONE_MEANWHILE.has(err.code)) {
          this.#beatAgain = true;
          continue;
        }
        throw err;
      }
      granted.push({ partition, offset, highWatermark });
    }
    if (!granted.length || this.#left || !this.#streams.active()) return;
    if (generation !== this.#topicGeneration) {
      // The topic was deleted while this assignment was read: it speaks of partitions that are gone.
      this.#beatAgain = true;
      return;
    }
    for (const g of granted) this.#streams.start(g.partition, g.offset, g.highWatermark);
    this.#streams.assigned({
      group: this.group,
      memberId: this.memberId,
      memberEpoch: this.#epoch,
      partitions: granted.map((g) => ({ topic: this.topic, partition: g.partition, offset: g.offset })),
    });
    this.#streams.resume();
  }
}

/** Codes that mean a granted partition went away between the heartbeat and reading where it starts. */
const GONE_MEANWHILE: ReadonlySet<string> = new Set([
  ErrorCode.NOT_PARTITION_OWNER,
  ErrorCode.TOPIC_NOT_FOUND,
  ErrorCode.PARTITION_NOT_FOUND,
]);

function fenced(group: string, memberId: string, reason: string): GatewayError {
  return new GatewayError(ErrorCode.FENCED_MEMBER, `member left group '${group}': ${reason}`, { group, memberId });
}
