/**
 * One topic a socket streams: a feed per partition, the group membership that drives them
 * in group mode, and the cursor of what has been sent, which every records frame carries
 * so a client can resume over any transport (core/cursor.ts).
 */
import { cursorEncoder, type CursorTopic } from '../core/cursor.js';
import type { RecordFormat } from '../core/record-validation.js';
import type { GroupMember } from '../api/group-member.js';
import type { PartitionFeed } from './partition-feed.js';

export class Subscription {
  readonly topic: string;
  /** Follow partitions added to the topic (not for explicit partitions or a group). */
  readonly followNewPartitions: boolean;
  readonly feeds = new Map<number, PartitionFeed>();
  /** Set when the socket reads this topic as a consumer group member. */
  member: GroupMember | undefined;
  /** How values of a topic bound to a schema are sent. */
  readonly format: RecordFormat | undefined;
  /** The topic's values are decoded per read (core/record-validation.ts): its feeds never go live on shared batches. */
  readonly readsOnly: boolean;
  /** Absent in group mode: a member's position is its group's commits, not a cursor. */
  readonly #encode: ((position: { allPartitions: boolean; offsets: ReadonlyMap<number, number> }) => string) | undefined;
  readonly #positions = new Map<number, number>();

  constructor(
    topic: string,
    options: { followNewPartitions: boolean; cursorTopic?: CursorTopic; format?: RecordFormat | undefined; readsOnly?: boolean },
  ) {
    this.topic = topic;
    this.followNewPartitions = options.followNewPartitions;
    this.format = options.format;
    this.readsOnly = options.readsOnly ?? false;
    this.#encode = options.cursorTopic ? cursorEncoder(options.cursorTopic) : undefined;
  }

  /**
   * The cursor of the position after everything sent: each partition's next offset. With
   * followNewPartitions it is a cursor of every partition, so one added later and not yet
   * streamed is read from its start by whoever resumes.
   */
  cursor(): string | undefined {
    if (!this.#encode) return undefined;
    this.#positions.clear();
    for (const [partition, feed] of this.feeds) this.#positions.set(partition, feed.position);
    return this.#encode({ allPartitions: this.followNewPartitions, offsets: this.#positions });
  }
}
