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

interface Lease {
  topic: string;
  offsets: readonly number[];
  expiresAt: number;
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
    this.#leases.set(id, { topic, offsets: [...offsets], expiresAt: this.#clock.now() + this.#settings.snapshotLeaseMs });
    return id;
  }

  /** The lease's offsets, and it lasts another leaseMs; undefined when it ended (or is another topic's). */
  renew(id: string, topic: string): readonly number[] | undefined {
    this.#expire();
    const lease = this.#leases.get(id);
    if (!lease || lease.topic !== topic) return undefined;
    lease.expiresAt = this.#clock.now() + this.#settings.snapshotLeaseMs;
    return lease.offsets;
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
