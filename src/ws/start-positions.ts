/**
 * Where each partition of a (non-group) subscription starts: `from` and `partitions`
 * resolved against the topic's current bounds. Throws GatewayError for an unknown
 * topic or partition or an offset out of range, before anything is subscribed.
 */
import type { Log } from '../core/log.js';
import { checkOffsetInRange, partitionNotFound } from '../core/log.js';
import { invalid } from '../errors.js';
import type { StartPosition } from './protocol.js';

export interface PartitionStart {
  partition: number;
  /** Next offset to send. */
  offset: number;
  /** The partition's high watermark when resolved. */
  highWatermark: number;
}

export async function resolveStarts(
  log: Log,
  topic: string,
  start: StartPosition,
  requested: number[] | undefined,
): Promise<PartitionStart[]> {
  const bounds = await log.topicOffsets(topic);
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
  return starts;
}
