/**
 * Where each partition of a (non-group) subscription starts: `from` and `partitions`
 * resolved against the topic's current bounds. Throws GatewayError for an unknown
 * topic or partition, an offset out of range, or a cursor that is not of this topic
 * (INVALID_CURSOR naming `field`), before anything is subscribed.
 */
import type { Log } from '../core/log.js';
import { checkOffsetInRange, partitionNotFound } from '../core/log.js';
import { TopicReader, type PositionReset } from '../core/topic-reader.js';
import { invalid } from '../errors.js';
import type { TopicMeta } from '../storage/log-store.js';
import type { StartPosition } from './protocol.js';

export interface PartitionStart {
  partition: number;
  /** Next offset to send. */
  offset: number;
  /** The partition's high watermark when resolved. */
  highWatermark: number;
}

export interface ResolvedStarts {
  /** The topic as it was resolved (its creation time identifies it in cursors). */
  topic: TopicMeta;
  starts: PartitionStart[];
  /** The subscription follows every partition, including partitions added later. */
  allPartitions: boolean;
  /** Cursor positions older than retention, moved up to the log start. */
  resets: PositionReset[];
}

export async function resolveStarts(
  log: Log,
  topic: string,
  start: StartPosition,
  requested: number[] | undefined,
  /** The field a bad cursor is reported under (`query/from`, `message/from`). */
  field = 'from',
): Promise<ResolvedStarts> {
  if (start.kind === 'cursor') {
    // The same checks and retention handling as REST and SSE reads, so one cursor means the same everywhere.
    const opened = await new TopicReader(log).open(topic, { cursor: start.cursor, partitions: requested, field });
    const bounds = await log.topicOffsets(topic);
    return {
      topic: opened.cursor.topic,
      starts: opened.cursor.partitions.map((partition) => ({
        partition,
        offset: opened.cursor.offsets.get(partition)!,
        highWatermark: bounds[partition]?.highWatermark ?? 0,
      })),
      allPartitions: opened.cursor.allPartitions,
      resets: opened.resets,
    };
  }
  const described = await log.describeTopic(topic);
  const bounds = described.partitionOffsets;
  let partitions = requested ?? bounds.map((b) => b.partition);
  if (start.kind === 'offsets') {
    const named = [...start.offsets.keys()];
    if (requested && (named.length !== requested.length || !named.every((p) => requested.includes(p)))) {
      throw invalid('from names partitions other than those in partitions', [
        { path: 'from', message: 'must name exactly the partitions in partitions' },
      ]);
    }
    partitions = named;
  }
  const starts: PartitionStart[] = [];
  for (const partition of partitions) {
    const b = bounds[partition];
    if (!b) throw partitionNotFound(topic, partition, bounds.length);
    let offset: number;
    switch (start.kind) {
      case 'earliest':
        offset = b.logStartOffset;
        break;
      case 'latest':
        offset = b.highWatermark;
        break;
      case 'time':
        offset = await log.offsetForTimestamp(topic, partition, start.timestamp);
        break;
      case 'offset':
      case 'offsets':
        offset = start.kind === 'offset' ? start.offset : start.offsets.get(partition)!;
        checkOffsetInRange(topic, partition, offset, b);
        break;
    }
    starts.push({ partition, offset, highWatermark: b.highWatermark });
  }
  return { topic: described, starts, allPartitions: requested === undefined && start.kind !== 'offsets', resets: [] };
}
