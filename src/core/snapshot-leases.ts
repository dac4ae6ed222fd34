/**
 * Open snapshots of compacted topics (the table view): each holds the per-partition offsets its
 * pages are consistent with, and compaction looks no further than the lowest of them, so the version
 * of a key a snapshot still has to return is never removed by a later one (Kafka's cleaner has the
 * same kind of limit, its "first uncleanable offset"). A lease lasts `leaseMs` after its last page;
 * a page of a lease that ended is refused (the client takes a new snapshot).
 *
 * The rule lives here; the records live in the store (LogStore.snapshotLeases), so on a cluster every
 * gateway sees every lease: the cleanup lease holder's compaction honours a snapshot paged elsewhere, and
 * any gateway serves a snapshot's next page. Expiry is the time in the record, by the gateways' clocks
 * (docs/cluster.md: they must agree); an expired record is deleted by whoever finds it, that version only (a
 * page served meanwhile on another gateway put it again, renewed, and it stays). On SQLite the
 * records are in memory (one process owns the data directory): a restart ends every snapshot.
 */
import { randomUUID } from 'node:crypto';
import { ErrorCode, GatewayError } from '../errors.js';
import type { SnapshotLeaseRecord, SnapshotLeaseStore, SnapshotPosition, StoredSnapshotLease } from '../storage/snapshot-lease-store.js';
import type { Clock } from './clock.js';

export type { SnapshotPosition } from '../storage/snapshot-lease-store.js';

/** What a renewed lease holds: its offsets, where the page asked for starts, and the topic it began on. */
export interface HeldSnapshot {
  offsets: readonly number[];
  position: SnapshotPosition;
  /** The topic's createdAt when the snapshot began (absent from leases written before it was kept). */
  topicCreatedAt?: number | undefined;
}

export interface SnapshotLeaseSettings {
  /** How long a snapshot stays consistent after its last page. */
  snapshotLeaseMs: number;
  /** Most snapshots open at once through this gateway (each holds compaction back). */
  maxOpenSnapshots: number;
}

export class SnapshotLeases {
  readonly #store: SnapshotLeaseStore;
  readonly #clock: Clock;
  readonly #settings: SnapshotLeaseSettings;
  /**
   * The snapshots opened through this gateway, and when each ends as far as this gateway knows: the limit
   * counts these (per gateway, not per namespace, so it costs no listing of every topic's leases). A snapshot
   * paged on to its end through another gateway is counted here until its expiry as last seen here.
   */
  readonly #opened = new Map<string, number>();

  constructor(store: SnapshotLeaseStore, clock: Clock, settings: SnapshotLeaseSettings) {
    this.#store = store;
    this.#clock = clock;
    this.#settings = settings;
  }

  /**
   * A new lease holding compaction below `offsets` (one per partition); its id goes in the snapshot's cursor.
   * Compaction honours it from the moment this resolves. Throws OVERLOADED when too many are open.
   */
  async open(topic: string, offsets: readonly number[], topicCreatedAt?: number): Promise<string> {
    const now = this.#clock.now();
    for (const [id, expiresAt] of this.#opened) if (expiresAt <= now) this.#opened.delete(id);
    if (this.#opened.size >= this.#settings.maxOpenSnapshots) {
      throw new GatewayError(
        ErrorCode.OVERLOADED,
        `${this.#settings.maxOpenSnapshots} snapshots are open (setting maxOpenSnapshots); retry once some end`,
        { retryAfterSeconds: 1 },
      );
    }
    const id = randomUUID();
    const expiresAt = now + this.#settings.snapshotLeaseMs;
    // Counted in the same turn as the check, before any await, so opens racing each other cannot all pass the limit.
    this.#opened.set(id, expiresAt);
    try {
      // The topic's ended leases go here too: a snapshot abandoned before its last page leaves a record that
      // nothing else may ever look at (compaction lists only compacted topics' leases).
      for (const lease of await this.#store.list(topic)) await this.#ended(lease);
      await this.#store.put({ id, topic, offsets: [...offsets], expiresAt, topicCreatedAt, pages: [{ page: 0, partition: 0 }] });
    } catch (err) {
      this.#opened.delete(id);
      throw err;
    }
    return id;
  }

  /**
   * The lease's offsets and where its page `page` starts, the lease lasting at least another half leaseMs;
   * undefined when it ended, is another topic's, or has no such page (only the next page and the last one
   * served are kept).
   */
  async renew(id: string, topic: string, page: number): Promise<HeldSnapshot | undefined> {
    const lease = await this.#store.get(topic, id);
    if (!lease || (await this.#ended(lease))) return undefined;
    const found = lease.pages.find((p) => p.page === page);
    if (!found) return undefined;
    const now = this.#clock.now();
    // Written only when less than half its time is left (served() writes it again after the page): a page
    // asked for then costs one write, not two.
    if (lease.expiresAt - now < this.#settings.snapshotLeaseMs / 2) await this.#put({ ...lease, expiresAt: now + this.#settings.snapshotLeaseMs });
    return { offsets: lease.offsets, position: { partition: found.partition, afterKey: found.afterKey }, topicCreatedAt: lease.topicCreatedAt };
  }

  /**
   * Page `page`, which started at `start`, was served: the lease now holds `offsets`, lasts another leaseMs,
   * and keeps where that page and the next one (at `next`) start; pages before it are forgotten.
   */
  async served(id: string, topic: string, offsets: readonly number[], page: number, start: SnapshotPosition, next: SnapshotPosition, topicCreatedAt?: number): Promise<void> {
    const pages = [
      { page, ...start },
      { page: page + 1, ...next },
    ];
    // The whole record from what the page knows, without reading it again. Written over a close that
    // another gateway made meanwhile (a client asking for a page twice at once), it lives on until it expires.
    await this.#put({ id, topic, offsets: [...offsets], expiresAt: this.#clock.now() + this.#settings.snapshotLeaseMs, topicCreatedAt, pages });
  }

  /** Ends a lease, whatever version of it is stored (its last page was served, or it can serve none). */
  async close(id: string, topic: string): Promise<void> {
    this.#opened.delete(id);
    await this.#store.delete(topic, id);
  }

  /**
   * Compaction of this partition looks only below this offset (Infinity when no snapshot holds it). Read
   * from the store at each call: every lease whose open() resolved before it is counted.
   */
  async horizon(topic: string, partition: number): Promise<number> {
    let lowest = Infinity;
    for (const lease of await this.#store.list(topic)) {
      // A partition added after the snapshot began is not in it: nothing to hold there.
      if (!(await this.#ended(lease)) && partition < lease.offsets.length) lowest = Math.min(lowest, lease.offsets[partition]!);
    }
    return lowest;
  }

  async #put(lease: SnapshotLeaseRecord): Promise<void> {
    if (this.#opened.has(lease.id)) this.#opened.set(lease.id, lease.expiresAt);
    await this.#store.put(lease);
  }

  /**
   * Whether the lease expired; if so it is deleted (whoever finds an expired lease removes it). Only the version
   * read goes: a renewal that put it again meanwhile (a page served on another gateway, by whose clock it had
   * not expired yet) must not be undone, or that snapshot's next page would answer 410.
   */
  async #ended(lease: StoredSnapshotLease): Promise<boolean> {
    if (lease.expiresAt > this.#clock.now()) return false;
    this.#opened.delete(lease.id);
    await this.#store.delete(lease.topic, lease.id, lease.revision);
    return true;
  }
}
