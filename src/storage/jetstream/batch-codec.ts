/**
 * One JetStream message holds one batch of a partition's records (Kafka's record batch): packing
 * records into one message is what makes a replicated append cheap (one Raft entry, one ack for
 * many records). The payload is the records, length-prefixed; the headers say where the batch sits:
 * - Lw-Base: the offset of its first record (records are Lw-Base, Lw-Base + 1, ...);
 * - Lw-Count: how many records it holds;
 * - Lw-MaxTs: the partition's running maximum timestamp through this batch (the time index);
 * - Lw-Bytes and Lw-Bytes-From: the partition's record bytes (keys, values, headers, as the SQLite store
 *   counts them) from offset Lw-Bytes-From through this batch (the size index, for retention by size).
 *   A batch continues the count of the batch before it; a batch after one without these headers (written
 *   before they existed) starts a count of its own from its base. So the last batch's Lw-Bytes-From says
 *   from where on every batch's count is comparable (size-limit.ts).
 *
 * Each record: a flags byte (key null/text/bytes, value text/bytes, headers present), the timestamp
 * as a float64 (exact for integers up to 2^53), then u32-length-prefixed key, value and headers.
 */
import type { MsgHdrs } from '@nats-io/transport-node';
import type { StoredRecord, RecordToAppend } from '../log-store.js';

export const BASE_HEADER = 'Lw-Base';
export const COUNT_HEADER = 'Lw-Count';
export const MAX_TS_HEADER = 'Lw-MaxTs';
export const BYTES_HEADER = 'Lw-Bytes';
export const BYTES_FROM_HEADER = 'Lw-Bytes-From';

/** A running count of record bytes: `bytes` from offset `from` through a batch. */
export interface ByteCount {
  from: number;
  bytes: number;
}

/** Where a stored batch sits in its partition, read from its headers. */
export interface BatchHeader {
  base: number;
  count: number;
  maxTimestamp: number;
  /** Undefined for a batch written before the size index existed. */
  byteCount?: ByteCount;
}

const KEY_TEXT = 1;
const KEY_BYTES = 2;
const VALUE_BYTES = 4;
const HAS_HEADERS = 8;

type Record = Pick<RecordToAppend, 'timestamp' | 'key' | 'value' | 'headers'>;

/** Bytes a key, value or headers field takes: its u32 length and its bytes (none when null). */
const fieldSize = (v: string | Uint8Array | null): number => (v === null ? 0 : 4 + (typeof v === 'string' ? Buffer.byteLength(v) : v.byteLength));

/** Payload bytes one record takes in a batch. */
export function encodedSize(r: Record): number {
  return 9 + fieldSize(r.key) + fieldSize(r.value) + fieldSize(r.headers);
}

const dataSize = (v: string | Uint8Array | null): number => (v === null ? 0 : typeof v === 'string' ? Buffer.byteLength(v) : v.byteLength);

/** A record's bytes as retention by size and read limits count them: its key, value and headers. */
export function recordBytes(r: Record): number {
  return dataSize(r.key) + dataSize(r.value) + dataSize(r.headers);
}

/**
 * Payload bytes of a record that are framing, not its key, value or headers: what encodedSize adds.
 * A batch's record bytes are its payload's length less its records' framing (no string measured again).
 */
export function framingSize(r: Record): number {
  return 13 + (r.key === null ? 0 : 4) + (r.headers === null ? 0 : 4);
}

/** Writes a length-prefixed field at `at`; returns where the next begins. Text is encoded straight into `out`. */
function putField(out: Buffer, at: number, v: string | Uint8Array): number {
  let n: number;
  if (typeof v === 'string') n = out.write(v, at + 4, 'utf8');
  else {
    out.set(v, at + 4);
    n = v.byteLength;
  }
  out.writeUInt32LE(n, at);
  return at + 4 + n;
}

/** `size`: the records' summed encodedSize when the caller has counted it already (append does, to split batches). */
export function encodeBatch(records: readonly Record[], size = records.reduce((n, r) => n + encodedSize(r), 0)): Uint8Array {
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (const r of records) {
    let flags = 0;
    if (r.key !== null) flags |= typeof r.key === 'string' ? KEY_TEXT : KEY_BYTES;
    if (typeof r.value !== 'string') flags |= VALUE_BYTES;
    if (r.headers !== null) flags |= HAS_HEADERS;
    out.writeUInt8(flags, at);
    out.writeDoubleLE(r.timestamp, at + 1);
    at += 9;
    if (r.key !== null) at = putField(out, at, r.key);
    at = putField(out, at, r.value);
    if (r.headers !== null) at = putField(out, at, r.headers);
  }
  return out;
}

/** The records of a batch whose first record is at offset `base`. */
export function decodeBatch(payload: Uint8Array, base: number): StoredRecord[] {
  const buf = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  const out: StoredRecord[] = [];
  let at = 0;
  const take = (): Buffer => {
    const n = buf.readUInt32LE(at);
    const b = buf.subarray(at + 4, at + 4 + n);
    at += 4 + n;
    return b;
  };
  while (at < buf.length) {
    const flags = buf.readUInt8(at);
    const timestamp = buf.readDoubleLE(at + 1);
    at += 9;
    let key: string | Uint8Array | null = null;
    if (flags & KEY_TEXT) key = take().toString('utf8');
    else if (flags & KEY_BYTES) key = new Uint8Array(take());
    const raw = take();
    const value = flags & VALUE_BYTES ? new Uint8Array(raw) : raw.toString('utf8');
    const headers = flags & HAS_HEADERS ? take().toString('utf8') : null;
    out.push({ offset: base + out.length, timestamp, key, value, headers });
  }
  return out;
}

/** A stored batch's headers, read from its message (see the header names above). */
export function batchHeader(h: MsgHdrs | undefined): BatchHeader {
  const num = (name: string) => Number(h?.get(name));
  const header: BatchHeader = { base: num(BASE_HEADER), count: num(COUNT_HEADER), maxTimestamp: num(MAX_TS_HEADER) };
  // Absent (a batch written before the size index) or unreadable: no count, never a wrong one.
  const from = h?.get(BYTES_FROM_HEADER) ? num(BYTES_FROM_HEADER) : NaN;
  const bytes = h?.get(BYTES_HEADER) ? num(BYTES_HEADER) : NaN;
  if (Number.isSafeInteger(from) && Number.isSafeInteger(bytes)) header.byteCount = { from, bytes };
  return header;
}
