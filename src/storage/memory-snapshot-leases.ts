/**
 * Snapshot leases held in memory, for a store only one gateway process can open (SQLite: the data directory
 * lock): that process is every gateway there is. A restart forgets them (the next page of a snapshot answers
 * 410 and the client takes a new one).
 */
import type { SnapshotLeaseRecord, SnapshotLeaseStore, StoredSnapshotLease } from './snapshot-lease-store.js';

export class MemorySnapshotLeases implements SnapshotLeaseStore {
  readonly #leases = new Map<string, StoredSnapshotLease>();
  /** The last revision given to a put (one counter for every record: a put never reuses one). */
  #revision = 0;

  // Copies in and out, as a store over the network would: a caller's later change to its object changes nothing here.
  put(lease: SnapshotLeaseRecord): Promise<void> {
    this.#leases.set(lease.id, { ...structuredClone(lease), revision: ++this.#revision });
    return Promise.resolve();
  }

  get(topic: string, id: string): Promise<StoredSnapshotLease | undefined> {
    const lease = this.#leases.get(id);
    return Promise.resolve(lease?.topic === topic ? structuredClone(lease) : undefined);
  }

  delete(topic: string, id: string, revision?: number): Promise<void> {
    const lease = this.#leases.get(id);
    if (lease?.topic === topic && (revision === undefined || lease.revision === revision)) this.#leases.delete(id);
    return Promise.resolve();
  }

  /** Forgets every lease of the topic (it was deleted). */
  forgetTopic(topic: string): void {
    for (const [id, lease] of this.#leases) if (lease.topic === topic) this.#leases.delete(id);
  }

  list(topic: string): Promise<StoredSnapshotLease[]> {
    return Promise.resolve([...this.#leases.values()].filter((l) => l.topic === topic).map((l) => structuredClone(l)));
  }
}
