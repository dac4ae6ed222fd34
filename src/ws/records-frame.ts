/**
 * `{"type":"records","records":[...],"cursor":"..."}` frames, built by splicing stored JSON
 * (record-codec.ts) rather than parsing and re-stringifying it.
 *
 * A frame is sent as fragments of one WebSocket message: the body (up to the records'
 * closing bracket, the same for every socket) and a short tail with this socket's cursor.
 * A catch-up read's body is itself two fragments, the frame's head and the records as the
 * store encoded them (about 1 MB a chunk), so those bytes are never copied into a frame.
 * A batch just appended is handed to every live subscriber of its partition as the
 * same array object (the notifier publishes one object to all listeners), so its
 * body is built once and the same bytes go to every socket at that position; only the
 * tail, a few dozen bytes, is per socket. The cache is weak: a body lives as long as
 * its batch is referenced.
 */
import { recordsJsonItems, recordsToJson } from '../core/record-codec.js';
import type { StoredRecord } from '../storage/log-store.js';

/** One message in parts, sent in order as fragments (no copy of a shared or store-encoded part). */
export type FrameParts = readonly Buffer[];

const FRAME_HEAD = Buffer.from('{"type":"records","records":[');
const PLAIN_TAIL = Buffer.from(']}');

/** The whole frame as one string (tests and benchmarks). */
export function recordsFrame(topic: string, partition: number, records: readonly StoredRecord[], cursor?: string): string {
  return `{"type":"records","records":${recordsToJson(topic, partition, records)}${cursor === undefined ? '}' : `,"cursor":"${cursor}"}`}`;
}

/** The shared body: the frame up to and without the records' closing bracket. */
function recordsFrameBody(topic: string, partition: number, records: readonly StoredRecord[]): Buffer {
  return Buffer.from(`{"type":"records","records":[${recordsJsonItems(topic, partition, records)}`);
}

/** The per-socket end of a records frame; `cursor` is base64url, so it needs no escaping. */
export function recordsFrameTail(cursor: string | undefined): Buffer {
  return cursor === undefined ? PLAIN_TAIL : Buffer.from(`],"cursor":"${cursor}"}`);
}

/** The body around records a store already encoded (UTF-8 array elements, see EncodedRecords): two fragments, nothing copied. */
export function encodedRecordsBody(json: Uint8Array): FrameParts {
  return [FRAME_HEAD, Buffer.isBuffer(json) ? json : Buffer.from(json.buffer, json.byteOffset, json.byteLength)];
}

export class SharedFrames {
  /** Per appended batch: its frame bodies by slice (`start:end`); whole batches are `0:length`. */
  readonly #frames = new WeakMap<readonly StoredRecord[], Map<string, Buffer>>();
  #built = 0;

  /**
   * The frame body for records [start, end) of an appended batch; built on first use, then
   * the same Buffer for every socket that sends that slice. Sockets at one position with
   * the same credit take the same slices, so a batch larger than the credit still costs
   * one serialization per slice, not per socket.
   */
  forSlice(topic: string, partition: number, batch: readonly StoredRecord[], start: number, end: number): Buffer {
    let slices = this.#frames.get(batch);
    if (!slices) this.#frames.set(batch, (slices = new Map()));
    const key = `${start}:${end}`;
    let frame = slices.get(key);
    if (!frame) {
      const records = start === 0 && end === batch.length ? batch : batch.slice(start, end);
      frame = recordsFrameBody(topic, partition, records);
      slices.set(key, frame);
      this.#built++;
    }
    return frame;
  }

  /** Frames built so far (for tests: N sockets at one position cost one serialization). */
  get built(): number {
    return this.#built;
  }
}
