/** The consumer group API's vocabulary: settings, requests and results (no behaviour here). */
import type { AbortSource } from '../abort.js';
import type { TopicPartition } from '../assignor.js';

export type { TopicPartition } from '../assignor.js';

/** Where a member starts reading a partition for which the group has no committed offset. */
export const AutoOffsetReset = { earliest: 'earliest', latest: 'latest' } as const;
export type AutoOffsetReset = (typeof AutoOffsetReset)[keyof typeof AutoOffsetReset];

export const ResetTarget = { earliest: 'earliest', latest: 'latest', timestamp: 'timestamp', offset: 'offset' } as const;
export type ResetTarget = (typeof ResetTarget)[keyof typeof ResetTarget];

/** KIP-848's group states, lower-case. */
export const GroupStateName = { empty: 'empty', reconciling: 'reconciling', stable: 'stable' } as const;
export type GroupStateName = (typeof GroupStateName)[keyof typeof GroupStateName];

export interface GroupSettings {
  groupSessionTimeoutMs: number;
  groupMinSessionTimeoutMs: number;
  groupMaxSessionTimeoutMs: number;
  groupHeartbeatIntervalMs: number;
  groupMaxMembers: number;
  groupMaxGroups: number;
  groupSessionCheckIntervalMs: number;
  /** How long a claim to coordinate a group lasts unless renewed (leases.ts); default 10 s. */
  groupCoordinatorLeaseMs?: number;
  /** Where other gateways reach this one (named in NOT_COORDINATOR answers; the transports forward there). */
  advertisedUrl?: string | undefined;
}

export interface JoinRequest {
  topics: string[];
  sessionTimeoutMs?: number;
  autoOffsetReset?: AutoOffsetReset;
}

export interface Membership {
  memberId: string;
  memberEpoch: number;
  /** What the member may read now. */
  assignment: TopicPartition[];
  heartbeatIntervalMs: number;
}

export interface HeartbeatRequest {
  memberEpoch: number;
  ownedPartitions: TopicPartition[];
}

export interface HeartbeatOptions {
  /**
   * A member waiting only for partitions others are releasing, and told nothing new, is answered once one of
   * them is released (with it), after at most this long (capped at its heartbeat interval). Default 0: at once.
   */
  waitMs?: number;
  /** End the wait early (the client went away, the gateway shuts down): the answer is then the one it had. */
  signals?: readonly AbortSource[];
}

export interface PollOptions {
  maxRecords: number;
  maxBytes: number;
  waitMs: number;
  /** Kafka's fetch.min.bytes: with waitMs, answer once this many record bytes are there (or the answer is full). Default 1. */
  minBytes?: number | undefined;
  /** Any of them ends the wait (the client went away, the gateway is shutting down). */
  signals?: readonly AbortSource[];
}

export interface PollResult {
  memberEpoch: number;
  assignment: TopicPartition[];
  /**
   * Delivered records (record-codec.ts) as JSON array items, one chunk per partition read (each in offset
   * order, without brackets): joinRecordChunks makes the array. Chunks from the batch that woke the poll
   * are shared by every member answered from it, so they are never written to.
   */
  records: readonly Uint8Array[];
  recordCount: number;
  /** Per granted partition, the member's position after this poll: commit these once the records are processed. */
  nextOffsets: { topic: string; partition: number; offset: number }[];
}

export interface CommitRequest {
  memberId?: string;
  memberEpoch?: number;
  offsets: { topic: string; partition: number; offset: number }[];
}

export interface ResetRequest {
  to: ResetTarget;
  /** For `timestamp`: epoch ms; each partition goes to its first record at or after it. */
  timestamp?: number;
  /** For `offset`: the same offset in every partition. */
  offset?: number;
  /** Default: the topics the group has committed offsets for. */
  topics?: string[];
}

export type MemberEvent = { type: 'reconcile' } | { type: 'fenced'; reason: string };
export type MemberListener = (event: MemberEvent) => void;

export interface PartitionLag {
  topic: string;
  partition: number;
  /** Null where the group never committed. */
  committedOffset: number | null;
  committedAt: number | null;
  logStartOffset: number;
  highWatermark: number;
  /** highWatermark - committedOffset; null where nothing is committed. */
  lag: number | null;
}

export interface GroupOffsets {
  group: string;
  offsets: PartitionLag[];
  /** Sum of the known lags. */
  totalLag: number;
}

export interface MemberDescription {
  memberId: string;
  memberEpoch: number;
  topics: string[];
  sessionTimeoutMs: number;
  autoOffsetReset: AutoOffsetReset;
  joinedAt: number;
  /** Epoch ms after which the member is expelled without a sign of life. */
  sessionExpiresAt: number;
  assignment: TopicPartition[];
  /** Taken from it, not yet released by its heartbeat. */
  revoking: TopicPartition[];
  /** What the assignor wants it to have once every revocation is done. */
  target: TopicPartition[];
}

export interface GroupDescription extends GroupOffsets {
  state: GroupStateName;
  groupEpoch: number;
  members: MemberDescription[];
}

export interface GroupSummary {
  group: string;
  state: GroupStateName;
  groupEpoch: number;
  members: number;
}
