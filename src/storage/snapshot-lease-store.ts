/**
 * Where the table view's open snapshots are kept (issue 14): beside the log, so that every gateway of a
 * cluster sees them. Compaction on whichever gateway cleans up reads them to stay below their offsets, and
 * any gateway can serve a snapshot's next page. The rule (limits, expiry, page bookkeeping) is
 * core/snapshot-leases.ts; a store only keeps the records.
 *
 * Expiry is a time in the record, by the gateways' clocks: a store never judges it (no clock of its own,
 * as for group leases), and answers an expired record like any other until someone deletes it.
 *
 * Any implementation must pass the snapshot lease tests of test/storage/log-store.conformance.ts.
 */

/** Where a page of a snapshot starts: a partition, and the last key the page before it returned there. */
export interface SnapshotPosition {
  partition: number;
  afterKey?: string | Uint8Array | undefined;
}

export interface SnapshotLeaseRecord {
  /** A UUID (it goes in the snapshot's cursors). */
  id: string;
  topic: string;
  /** Per partition, the offset below which the snapshot reads (and compaction must keep its versions). */
  offsets: number[];
  /** Epoch ms by the gateways' clocks: after it, the lease has ended. */
  expiresAt: number;
  /**
   * The topic's createdAt when the snapshot began: a page that finds another (the topic deleted and created
   * again under its name meanwhile) ends the snapshot. Absent from leases written before it existed.
   */
  topicCreatedAt?: number;
  /**
   * Where each page the snapshot may still be asked for starts (the next one, and the one just served, so
   * that a client may ask for it again). Here rather than in the cursor, so a cursor stays short whatever
   * the keys' length, and any gateway can serve the next page.
   */
  pages: ({ page: number } & SnapshotPosition)[];
}

/** A record as read from the store, with the version read (each put makes a new one). */
export interface StoredSnapshotLease extends SnapshotLeaseRecord {
  /** Names this version of the record for delete(): higher for a later put of the same id. */
  revision: number;
}

export interface SnapshotLeaseStore {
  /**
   * Writes the record whole, over any with its id (last writer wins); durable once resolved. A `revision` in it
   * is ignored. A store that keys records by the topic's incarnation (JetStream) refuses a topic that does not
   * exist with TOPIC_NOT_FOUND; the in-memory one keeps it (deleteTopic forgets the name's records).
   */
  put(lease: SnapshotLeaseRecord): Promise<void>;
  /** The record with this id if it is this topic's (expired or not); undefined otherwise. */
  get(topic: string, id: string): Promise<StoredSnapshotLease | undefined>;
  /**
   * Forgets the record (none: nothing happens). With `revision`, only that version of it: a record put
   * again since it was read (another gateway renewing the lease that this one read as expired) stays.
   */
  delete(topic: string, id: string, revision?: number): Promise<void>;
  /**
   * Every record of the topic, expired or not, in no particular order. Includes every put acknowledged
   * before the call (read where the records are written, never from a cache that may lag): compaction relies on it.
   */
  list(topic: string): Promise<StoredSnapshotLease[]>;
}
