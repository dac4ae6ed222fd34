/**
 * The cursor: one opaque, URL-safe string for a position in a whole topic (the next offset of
 * each partition read), the same for REST, Server-Sent Events and WebSocket, so a reader can
 * continue over any of them where another left off.
 *
 * Layout (version 1), base64url without padding:
 *   byte 0       version (1)
 *   byte 1       flags: bit 0 set = the cursor follows every partition of the topic, so a
 *                partition it does not name (one added later) is read from its start
 *   bytes 2-7    the topic's fingerprint: SHA-256 of its name and creation time, cut to 6 bytes,
 *                so a cursor of another topic, or of an earlier topic of the same name (deleted
 *                and created again), is refused instead of read at meaningless offsets
 *   then         varint count, then per partition in ascending order: varint gap from the
 *                previous partition (the first: its number), varint next offset
 * Varints are unsigned LEB128 (7 bits a byte), computed with arithmetic, not bit operators,
 * because offsets go to 2^53. A cursor of 3 partitions at offsets near a million is 28 characters.
 * The version byte lets a later layout be told apart; this gateway refuses versions it does not know.
 */
import { createHash } from 'node:crypto';

export const CURSOR_VERSION = 1;

const FLAG_ALL_PARTITIONS = 1;
const FINGERPRINT_BYTES = 6;
const HEADER_BYTES = 2 + FINGERPRINT_BYTES;
/** A varint of 2^53 takes 8 bytes; more is not an offset. */
const MAX_VARINT_BYTES = 8;
/** Far more partitions than a topic may have (maxPartitions), yet a bound on what a decoder allocates. */
const MAX_CURSOR_CHARS = 64 * 1024;

/** A topic's identity as a cursor states it. */
export interface CursorTopic {
  name: string;
  /** Epoch ms, as stored: a topic created again under the same name is another topic. */
  createdAt: number;
}

export interface TopicPosition {
  /** Every partition of the topic, including partitions added later (read from their start). */
  allPartitions: boolean;
  /** Partition -> next offset to read. */
  offsets: ReadonlyMap<number, number>;
}

/** A decoded cursor, not yet checked against the topic it is used with. */
export interface DecodedCursor extends TopicPosition {
  fingerprint: string;
}

export function topicFingerprint(topic: CursorTopic): string {
  return createHash('sha256').update(`${topic.name}\u0000${topic.createdAt}`).digest().subarray(0, FINGERPRINT_BYTES).toString('hex');
}

export function encodeCursor(topic: CursorTopic, position: TopicPosition): string {
  return encodeWithFingerprint(Buffer.from(topicFingerprint(topic), 'hex'), position);
}

/**
 * The encoder for one topic, its fingerprint hashed once: a stream names a cursor with every
 * event, so the hash must not be paid per record.
 */
export function cursorEncoder(topic: CursorTopic): (position: TopicPosition) => string {
  const fingerprint = Buffer.from(topicFingerprint(topic), 'hex');
  return (position) => encodeWithFingerprint(fingerprint, position);
}

function encodeWithFingerprint(fingerprint: Buffer, position: TopicPosition): string {
  const partitions = [...position.offsets.keys()].sort((a, b) => a - b);
  const bytes: number[] = [CURSOR_VERSION, position.allPartitions ? FLAG_ALL_PARTITIONS : 0, ...fingerprint];
  pushVarint(bytes, partitions.length);
  let previous = 0;
  for (const partition of partitions) {
    pushVarint(bytes, partition - previous);
    pushVarint(bytes, position.offsets.get(partition)!);
    previous = partition;
  }
  return Buffer.from(bytes).toString('base64url');
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** The cursor's contents, or the reason it is not a cursor (for the problem's detail). */
export function decodeCursor(text: string): DecodedCursor | string {
  if (text.length > MAX_CURSOR_CHARS) return `is longer than any cursor (${MAX_CURSOR_CHARS} characters)`;
  if (!BASE64URL.test(text)) return 'is not a cursor: a cursor is base64url text as a read answered it';
  const bytes = Buffer.from(text, 'base64url');
  if (bytes.length < 1) return 'is not a cursor';
  if (bytes[0] !== CURSOR_VERSION) return `is a cursor of version ${bytes[0]}, which this gateway does not read (it reads version ${CURSOR_VERSION})`;
  if (bytes.length < HEADER_BYTES + 1) return 'is not a cursor: it is truncated';
  const flags = bytes[1]!;
  if ((flags & ~FLAG_ALL_PARTITIONS) !== 0) return 'is not a cursor: unknown flags';
  const reader = { bytes, at: HEADER_BYTES };
  const count = readVarint(reader);
  if (count === undefined) return 'is not a cursor: it is truncated';
  const offsets = new Map<number, number>();
  let partition = 0;
  for (let i = 0; i < count; i++) {
    const gap = readVarint(reader);
    const offset = readVarint(reader);
    if (gap === undefined || offset === undefined) return 'is not a cursor: it is truncated';
    if (i > 0 && gap === 0) return 'is not a cursor: a partition is named twice';
    partition += gap;
    if (!Number.isSafeInteger(partition)) return 'is not a cursor: a partition number is too large';
    offsets.set(partition, offset);
  }
  if (reader.at !== bytes.length) return 'is not a cursor: bytes follow its last partition';
  return {
    fingerprint: bytes.subarray(2, HEADER_BYTES).toString('hex'),
    allPartitions: (flags & FLAG_ALL_PARTITIONS) !== 0,
    offsets,
  };
}

function pushVarint(out: number[], value: number): void {
  let n = value;
  while (n >= 0x80) {
    out.push((n % 0x80) + 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
}

function readVarint(reader: { bytes: Buffer; at: number }): number | undefined {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < MAX_VARINT_BYTES; i++) {
    const byte = reader.bytes[reader.at++];
    if (byte === undefined) return undefined;
    value += (byte % 0x80) * scale;
    if (byte < 0x80) return Number.isSafeInteger(value) ? value : undefined;
    scale *= 0x80;
  }
  return undefined;
}
