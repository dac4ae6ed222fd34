/**
 * `{"type":"records","records":[...]}` frames, built by splicing stored JSON
 * (record-codec.ts) rather than parsing and re-stringifying it.
 *
 * A batch just appended is handed to every live subscriber of its partition as the
 * same array object (the notifier publishes one object to all listeners), so its
 * frame is built once and the same bytes go to every socket at that position. The
 * cache is weak: a frame lives as long as its batch is referenced.
 */
import { recordsToJson } from '../core/record-codec.js';
import type { StoredRecord } from '../storage/log-store.js';

export function recordsFrame(topic: string, partition: number, records: readonly StoredRecord[]): string {
  return `{"type":"records","records":${recordsToJson(topic, partition, records)}}`;
}

const FRAME_HEAD = Buffer.from('{"type":"records","records":[');
const FRAME_TAIL = Buffer.from(']}');

/** The same frame around records a store already encoded (UTF-8 array elements, see EncodedRecords). */
export function encodedRecordsFrame(json: Uint8Array): Buffer {
  return Buffer.concat([FRAME_HEAD, json, FRAME_TAIL]);
}

export class SharedFrames {
  /** Per appended batch: its frames by slice (`start:end`); whole batches are `0:length`. */
  readonly #frames = new WeakMap<readonly StoredRecord[], Map<string, Buffer>>();
  #built = 0;

  /**
   * The frame for records [start, end) of an appended batch; built on first use, then
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
      frame = Buffer.from(recordsFrame(topic, partition, records));
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
