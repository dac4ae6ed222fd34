/**
 * Open snapshots of compacted topics (the table view): each holds the per-partition offsets its
 * pages are consistent with, and compaction looks no further than the lowest of them, so the version
 * of a key a snapshot still has to return is never removed by a later one (Kafka's cleaner has the
 * same kind of limit, its "first uncleanable offset"). A lease lasts `leaseMs` after its last page;
 * a page of a lease that ended is refused (the client takes a new snapshot).
 *
 * In memory only: after a restart every lease is gone, and the next page says so.
 */
import { randomUUID } from 'node:crypto';
import { ErrorCode, GatewayError } from '../errors.js';
import type { Clock } from './clock.js';

export interface SnapshotLeaseSettings {
  /** How long a snapshot stays consistent after its last page. */
  snapshotLeaseMs: number;
  /** Most snapshots open at once (each is a few numbers per partition, and holds compaction back). */
  maxOpenSnapshots: number;
}

/** Where a page of a snapshot starts: a partition, and the last key the page before it returned there. */
export interface SnapshotPosition {
  partition: number;
  afterKey?: string | Uint8Array | undefined;
}

interface Lease {
  topic: string;
  offsets: readonly number[];
  expiresAt: number;
  /**
   * Page number -> where it starts. Kept here rather than in the cursor, so a cursor stays short
   * whatever the key's length; the page just served stays too, so a client may ask for it again.
   */
  pages: Map<number, SnapshotPosition>;
}

export class SnapshotLeases {
  readonly #clock: Clock;
  readonly #settings: SnapshotLeaseSettings;
  readonly #leases = new Map<string, Lease>();

  constructor(clock: Clock, settings: SnapshotLeaseSettings) {
    this.#clock = clock;
    this.#settings = settings;
  }

  /** A new lease over these offsets (one per partition); its id goes in the snapshot's cursor. Throws OVERLOADED when too many are open. */
  open(topic: string, offsets: readonly number[]): string {
    this.#expire();
    if (this.#leases.size >= this.#settings.maxOpenSnapshots) {
      throw new GatewayError(
        ErrorCode.OVERLOADED,
        `${this.#settings.maxOpenSnapshots} snapshots are open (setting maxOpenSnapshots); retry once some end`,
        { retryAfterSeconds: 1 },
      );
    }
    const id = randomUUID();
    const pages = new Map([[0, { partition: 0 }]]);
    this.#leases.set(id, { topic, offsets: [...offsets], expiresAt: this.#clock.now() + this.#settings.snapshotLeaseMs, pages });
    return id;
  }

  /**
   * The lease's offsets and where its page `page` starts, and it lasts another leaseMs; undefined when
   * it ended, is another topic's, or has no such page (only the next page and the last one served are kept).
   */
  renew(id: string, topic: string, page: number): { offsets: readonly number[]; position: SnapshotPosition } | undefined {
    this.#expire();
    const lease = this.#leases.get(id);
    const position = lease?.pages.get(page);
    if (!lease || lease.topic !== topic || !position) return undefined;
    lease.expiresAt = this.#clock.now() + this.#settings.snapshotLeaseMs;
    return { offsets: lease.offsets, position };
  }

  /** Page `page` was served: the page after it starts at `next`; pages before it are forgotten. */
  served(id: string, page: number, next: SnapshotPosition): void {
    const lease = this.#leases.get(id);
    if (!lease) return;
    for (const n of lease.pages.keys()) if (n < page) lease.pages.delete(n);
    lease.pages.set(page + 1, next);
  }

  /** Ends a lease (its last page was served). */
  close(id: string): void {
    this.#leases.delete(id);
  }

  /** Compaction of this partition looks only below this offset (Infinity when no snapshot holds it). */
  horizon(topic: string, partition: number): number {
    this.#expire();
    let lowest = Infinity;
    for (const lease of this.#leases.values()) {
      // A partition added after the snapshot began is not in it: nothing to hold there.
      if (lease.topic === topic && partition < lease.offsets.length) lowest = Math.min(lowest, lease.offsets[partition]!);
    }
    return lowest;
  }

  #expire(): void {
    const now = this.#clock.now();
    for (const [id, lease] of this.#leases) if (lease.expiresAt <= now) this.#leases.delete(id);
  }
}
