/**
 * Recently read batches, decoded, shared by every partition of a store and bounded in bytes. A
 * stored batch never changes (it is only ever purged whole), so a cached one is never stale; readers
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
