/** The log's errors that name a topic, a partition or an offset range (shared by its readers and writers). */
import { ErrorCode, GatewayError } from '../errors.js';
import type { PartitionOffsets } from '../storage/log-store.js';
import type { RecordProblem } from './record-validation.js';

export function topicNotFound(topic: string): GatewayError {
  return new GatewayError(ErrorCode.TOPIC_NOT_FOUND, `topic '${topic}' does not exist`, { topic });
}

export function partitionNotFound(topic: string, partition: number, count: number): GatewayError {
  return new GatewayError(
    ErrorCode.PARTITION_NOT_FOUND,
    `partition ${partition} does not exist; topic '${topic}' has partitions 0-${count - 1}`,
    { topic, partition, partitions: count },
  );
}

export function checkOffsetInRange(topic: string, partition: number, offset: number, bounds: PartitionOffsets): void {
  if (offset < bounds.logStartOffset || offset > bounds.highWatermark) {
    throw new GatewayError(
      ErrorCode.OFFSET_OUT_OF_RANGE,
      `offset ${offset} is out of range for ${topic}/${partition}: valid offsets are ${bounds.logStartOffset} (logStartOffset) to ${bounds.highWatermark} (highWatermark)`,
      { topic, partition, offset, logStartOffset: bounds.logStartOffset, highWatermark: bounds.highWatermark },
    );
  }
}

/** At most this many bad records are listed in one answer: the count says how many there were. */
const MAX_LISTED_PROBLEMS = 100;

export function recordsInvalid(topic: string, problems: RecordProblem[]): GatewayError {
  const records = new Set(problems.map((p) => p.index)).size;
  const first = problems[0]!;
  const where = (p: RecordProblem) => `records/${p.index}/${p.field}${p.pointer}`;
  return new GatewayError(
    ErrorCode.RECORD_INVALID,
    `${records} record${records === 1 ? '' : 's'} do${records === 1 ? 'es' : ''} not match the schema of topic '${topic}'; nothing was appended. First: record ${first.index}, ${first.field}${first.pointer}: ${first.message}`,
    {
      invalidRecords: records,
      errors: problems.slice(0, MAX_LISTED_PROBLEMS).map((p) => ({ path: where(p), message: p.message, index: p.index })),
    },
  );
}
