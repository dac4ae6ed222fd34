/**
 * `{"type":"records","records":[...]}` frames, built by splicing stored JSON
 * (record-codec.ts) rather than parsing and re-stringifying it.
 *
 * A batch just appended is handed to every live subscriber of its partition as the
 * same array object (the notifier publishes one object to all listeners), so the
 * frame for a whole batch is built once and the same bytes go to every socket at
 * that position. The cache is weak: a frame lives as long as its batch is referenced.
 */
import { recordsToJson } from '../core/record-codec.js';
import type { StoredRecord } from '../storage/log-store.js';

export function recordsFrame(topic: string, partition: number, records: readonly StoredRecord[]): string {
  return `{"type":"records","records":${recordsToJson(topic, partition, records)}}`;
}

export class SharedFrames {
  readonly #frames = new WeakMap<readonly StoredRecord[], Buffer>();
  #built = 0;

  /** The frame for a whole appended batch; built on first use, then reused by identity. */
  forBatch(topic: string, partition: number, records: readonly StoredRecord[]): Buffer {
    let frame = this.#frames.get(records);
    if (!frame) {
      frame = Buffer.from(recordsFrame(topic, partition, records));
      this.#frames.set(records, frame);
      this.#built++;
    }
    return frame;
  }

  /** Frames built so far (for tests: N sockets at one position cost one serialization). */
  get built(): number {
    return this.#built;
  }
}
