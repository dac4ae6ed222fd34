/**
 * Recently read batches, decoded, shared by every partition of a store and bounded in bytes. A
 * stored batch never changes (it is only ever deleted whole: purged by retention, or by compaction once
 * every record of it is superseded, when this gateway drops it here; another gateway's copy may still
 * answer with the superseded records until it is evicted, as Kafka may still show them), so readers
 * that follow a tail, or re-read after a long-poll, find it here instead of fetching it again.
 */
import type { StoredRecord } from '../log-store.js';

export class BatchCache {
  readonly #maxBytes: number;
  /** Insertion order is eviction order (Map iteration order). */
  readonly #entries = new Map<string, { records: StoredRecord[]; bytes: number }>();
  #bytes = 0;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  get(stream: string, seq: number): StoredRecord[] | undefined {
    return this.#entries.get(`${stream}/${seq}`)?.records;
  }

  delete(stream: string, seq: number): void {
    const key = `${stream}/${seq}`;
    const e = this.#entries.get(key);
    if (!e) return;
    this.#entries.delete(key);
    this.#bytes -= e.bytes;
  }

  put(stream: string, seq: number, records: StoredRecord[], bytes: number): void {
    if (bytes > this.#maxBytes / 4) return; // one huge batch must not flush everything else
    const key = `${stream}/${seq}`;
    if (this.#entries.has(key)) return;
    this.#entries.set(key, { records, bytes });
    this.#bytes += bytes;
    for (const [k, e] of this.#entries) {
      if (this.#bytes <= this.#maxBytes) break;
      this.#entries.delete(k);
      this.#bytes -= e.bytes;
    }
  }
}
