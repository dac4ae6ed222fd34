/**
 * What a streamed member (group-member.ts) needs from the group coordinator (core/groups.ts),
 * as an interface, so a stream can be driven by the real coordinator or nothing at all.
 * The coordinator satisfies it structurally.
 */
import type { MemberEvent, TopicPartition } from '../core/groups.js';
import type { Coordinator } from './coordinator-forwarding.js';

export type { MemberEvent, TopicPartition };

export interface GroupPort {
  join(
    group: string,
    request: { topics: string[]; autoOffsetReset?: 'earliest' | 'latest' },
  ): Promise<{ memberId: string; memberEpoch: number; assignment: TopicPartition[]; heartbeatIntervalMs: number }>;
  heartbeat(
    group: string,
    memberId: string,
    request: { memberEpoch: number; ownedPartitions: TopicPartition[] },
  ): Promise<{ memberEpoch: number; assignment: TopicPartition[] }>;
  touch(group: string, memberId: string): boolean;
  leave(group: string, memberId: string): Promise<unknown>;
  position(group: string, memberId: string, topic: string, partition: number): Promise<number>;
  advance(group: string, memberId: string, topic: string, partition: number, nextOffset: number): void;
  commit(
    group: string,
    request: { memberId?: string; memberEpoch?: number; offsets: { topic: string; partition: number; offset: number }[] },
  ): Promise<unknown>;
  onMemberChange(group: string, memberId: string, listener: (event: MemberEvent) => void): () => void;
  /** Which gateway serves the group (several gateways on one cluster); absent: this one. */
  whoCoordinates?(group: string): Promise<Coordinator>;
}
