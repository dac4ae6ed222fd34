/**
 * Produce-time validation, as the log sees it: a topic may require its records to match a schema,
 * and the log asks before it appends anything. The schema registry implements it
 * (core/schemas/record-validator.ts); a log without one accepts any record.
 */
import type { TopicMeta } from '../storage/log-store.js';
import type { ProduceRecord } from './record-codec.js';

/** One bad record: its place in the request, the field ('key' or 'value'), a JSON Pointer into it, and why. */
export interface RecordProblem {
  index: number;
  field: 'key' | 'value';
  pointer: string;
  message: string;
}

export interface RecordValidator {
  /**
   * The problems of `records` against what `topic` requires; [] when every record matches or the
   * topic requires nothing. Throws (RECORD_INVALID) when the topic requires a schema that is not there.
   */
  check(topic: TopicMeta, records: ProduceRecord[]): Promise<RecordProblem[]>;
}
