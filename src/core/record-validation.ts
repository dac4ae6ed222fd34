/**
 * Records and schemas, as the log sees them: a topic may require its records to match a schema
 * (the log asks before it appends anything, and may store them encoded), and its stored values
 * may need decoding to be read as JSON. The schema registry implements it
 * (core/schemas/record-validator.ts); a log without one accepts any record and reads values as stored.
 */
import type { StoredRecord, TopicMeta } from '../storage/log-store.js';
import type { ProduceRecord } from './record-codec.js';

/** One bad record: its place in the request, the field ('key' or 'value'), a JSON Pointer into it, and why. */
export interface RecordProblem {
  index: number;
  field: 'key' | 'value';
  pointer: string;
  message: string;
}

/** How a read shows values of a topic bound to a schema: decoded to JSON (the default), or in Confluent's wire format. */
export type RecordFormat = 'json' | 'binary';

export interface CheckedRecords {
  problems: RecordProblem[];
  /** The records to store: `records` itself, or copies whose values are encoded (Avro and Protobuf topics). */
  records: ProduceRecord[];
}

export interface RecordValidator {
  /**
   * The problems of `records` against what `topic` requires ([] when every record matches or the
   * topic requires nothing), and the records as they are to be stored. Throws (RECORD_INVALID)
   * when the topic requires a schema that is not there.
   */
  check(topic: TopicMeta, records: ProduceRecord[]): Promise<CheckedRecords>;
  /** What turns `topic`'s stored records into what a read in `format` shows; undefined when they are shown as stored. */
  view(topic: TopicMeta, format: RecordFormat): ((records: StoredRecord[]) => Promise<StoredRecord[]>) | undefined;
}
