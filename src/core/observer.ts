/**
 * What the core reports as it works, so the edge can count it (src/metrics implements this
 * with prom-client; the core knows no metrics library). Calls are synchronous, cheap, and on
 * the hot path: an implementation must only add to counters, never block or throw.
 */
import type { ErrorCode } from '../errors.js';

export interface CoreObserver {
  /** Records appended durably by one produce request (`bytes`: key + value + headers, as stored). */
  produced(topic: string, records: number, bytes: number): void;
  /** How a produce request ended: `ok`, `replayed` (Idempotency-Key), or the code it was refused with. */
  produceOutcome(outcome: 'ok' | 'replayed' | ErrorCode): void;
  /** Records delivered to a consumer (a REST fetch or poll, a WebSocket frame); `bytes` of record JSON. */
  fetched(topic: string, records: number, bytes: number): void;
  /** One group commit: `requests` produce requests made durable together in `seconds` (the store's commit, fsync included). */
  committed(requests: number, seconds: number): void;
  /** One retention pass: records deleted, or failed. */
  retentionRan(outcome: 'ok' | 'failed', deletedRecords: number, seconds: number): void;
}

/** Observes nothing (tests and tools that build a core without metrics). */
export const noObserver: CoreObserver = {
  produced() {},
  produceOutcome() {},
  fetched() {},
  committed() {},
  retentionRan() {},
};
