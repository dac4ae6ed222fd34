/**
 * What a topic's cleanup settings mean (Kafka's cleanup.policy, delete.retention.ms,
 * min.compaction.lag.ms), with their defaults, in one place for the log, retention and compaction.
 */
import { CleanupPolicy, type TopicConfig } from '../storage/log-store.js';

/** Kafka's delete.retention.ms default: a tombstone stays readable a day after compaction reached it. */
export const DEFAULT_DELETE_RETENTION_MS = 24 * 60 * 60 * 1000;

/** The policy, `delete` when none is set. */
export function cleanupPolicy(config: TopicConfig): CleanupPolicy {
  return config.cleanupPolicy ?? CleanupPolicy.delete;
}

/** Compacted topics keep the latest record per key (and refuse records without a key). */
export function compacts(config: TopicConfig): boolean {
  return cleanupPolicy(config) !== CleanupPolicy.delete;
}

/** Retention by time and size applies under `delete` and `compact,delete`, never under `compact` alone. */
export function deletes(config: TopicConfig): boolean {
  return cleanupPolicy(config) !== CleanupPolicy.compact;
}

/** Cleanup has work on the topic: it is compacted, or retention by time or size is set. */
export function isCleanedUp(config: TopicConfig): boolean {
  const retained = config.retentionMs != null || config.retentionBytes != null;
  return compacts(config) || (deletes(config) && retained);
}

export function deleteRetentionMs(config: TopicConfig): number {
  return config.deleteRetentionMs ?? DEFAULT_DELETE_RETENTION_MS;
}

export function minCompactionLagMs(config: TopicConfig): number {
  return config.minCompactionLagMs ?? 0;
}
