/**
 * A batch just appended, answered to many long-polls from memory.
 *
 * Every waiter woken by one append is handed the same records array (the notifier publishes
 * one object), so what depends only on the batch is computed once per batch: the byte sizes
 * (as a prefix sum) and the encoded JSON of each slice that waiters ask for. Waiters at the
 * same position with the same limits take the same slice, so 10,000 of them cost one
 * encoding. Caches are weak: they live as long as the batch is referenced. (The WebSocket
 * hub shares its frames the same way, see ws/records-frame.ts.)
 *
 * The slice is cut exactly as a store read cuts (storage/log-store.ts ReadLimits): at most
 * `maxRecords`, and stop before the record that would pass `maxBytes`, except that the first
 * record always goes.
 */
import type { StoredRecord } from '../storage/log-store.js';
import type { AppendedRecords } from './notifier.js';
import { recordBytes, recordsJsonItems } from './record-codec.js';

/** Per batch: prefix[i] is the byte size of records [0, i). */
const prefixes = new WeakMap<readonly StoredRecord[], Float64Array>();
/** Per batch: encoded slices by `start:end`. */
const encoded = new WeakMap<readonly StoredRecord[], Map<string, Buffer>>();
let built = 0;

function prefixOf(records: readonly StoredRecord[]): Float64Array {
  let prefix = prefixes.get(records);
  if (!prefix) {
    prefix = new Float64Array(records.length + 1);
    for (let i = 0; i < records.length; i++) prefix[i + 1] = prefix[i]! + recordBytes(records[i]!);
    prefixes.set(records, prefix);
  }
  return prefix;
}

/** Record bytes of records [start, end) of the batch (start clamped to 0). */
export function batchBytesFrom(records: readonly StoredRecord[], start: number, end = records.length): number {
  const prefix = prefixOf(records);
  return prefix[end]! - prefix[Math.max(start, 0)]!;
}

/** The end (exclusive) of the slice a read from `start` with these limits takes; `start` < length. */
export function sliceEnd(records: readonly StoredRecord[], start: number, maxRecords: number, maxBytes: number): number {
  const prefix = prefixOf(records);
  // Largest end in (start, cap] whose bytes fit maxBytes: a binary search over the prefix sums.
  const cap = Math.min(records.length, start + Math.max(maxRecords, 1));
  let lo = start + 1; // the first record always goes
  let hi = cap;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (prefix[mid]! - prefix[start]! <= maxBytes) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Records [start, end) encoded as delivered records (EncodedRecords.json); one Buffer per slice, shared. */
export function encodedSlice(topic: string, partition: number, records: readonly StoredRecord[], start: number, end: number): Buffer {
  let slices = encoded.get(records);
  if (!slices) encoded.set(records, (slices = new Map()));
  const key = `${start}:${end}`;
  let json = slices.get(key);
  if (!json) {
    json = Buffer.from(recordsJsonItems(topic, partition, start === 0 && end === records.length ? records : records.slice(start, end)));
    slices.set(key, json);
    built++;
  }
  return json;
}

/** Records of a batch a read from some offset takes, encoded (shared, see encodedSlice). */
export interface BatchSlice {
  json: Buffer;
  count: number;
  /** Record bytes (keys, values, headers), as recordBytes counts them. */
  bytes: number;
  nextOffset: number;
}

/**
 * What a read from `offset` with these limits returns of the batch, when the batch starts the read
 * (`offset` is one of its records); undefined otherwise. The caller checks that the partition has
 * nothing past the batch and that retention has not passed `offset`.
 */
export function sliceOfBatch(batch: AppendedRecords, offset: number, maxRecords: number, maxBytes: number): BatchSlice | undefined {
  const { records } = batch;
  const start = offset - (records[0]?.offset ?? Infinity);
  if (!(start >= 0 && start < records.length)) return undefined;
  const end = sliceEnd(records, start, maxRecords, maxBytes);
  return {
    json: encodedSlice(batch.topic, batch.partition, records, start, end),
    count: end - start,
    bytes: batchBytesFrom(records, start, end),
    nextOffset: records[end - 1]!.offset + 1,
  };
}

/** Slices encoded so far in this process (for tests: N waiters at one position cost one encoding). */
export function encodedSlicesBuilt(): number {
  return built;
}
