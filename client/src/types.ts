/** What the gateway sends and takes, as the client's users see it (the shapes of openapi.yaml's Record and produce). */

export type Headers = Record<string, string>;

/** A record as delivered: `value` is the JSON value produced (binary values arrive base64 with valueEncoding, as in REST). */
export interface LogwayRecord<V = unknown> {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  key: string | null;
  value: V;
  headers: Headers;
  keyEncoding?: 'base64';
  valueEncoding?: 'base64';
}

/** A record to produce (REST produce's record: without partition and key the gateway spreads them). */
export interface ProduceRecord<V = unknown> {
  key?: string | null;
  value: V;
  headers?: Headers;
  partition?: number;
  timestamp?: number;
  keyEncoding?: 'base64';
  valueEncoding?: 'base64';
}

/** The acknowledgement: where each record landed, in the order sent. The records are on disk. */
export interface ProduceAck {
  records: { partition: number; offset: number; timestamp: number }[];
  /** True when this is the stored answer to an earlier request with the same idempotency key. */
  replayed: boolean;
}

/** Where a subscription starts (the first time; after that it resumes where it was). */
export type From =
  | 'earliest'
  | 'latest'
  | `time:${number}`
  /** A cursor, e.g. `subscription.cursor` saved earlier, or the `cursor` of a REST read or the `id` of an SSE event. */
  | { cursor: string }
  /** The next offset per partition: only these partitions are read. */
  | { offsets: Record<number, number> };

export interface PartitionPosition {
  partition: number;
  /** The next offset to read. */
  offset: number;
}
