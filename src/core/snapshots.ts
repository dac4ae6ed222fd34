/**
 * The table view's snapshot (issue 14): a topic's latest record per key (tombstoned keys left out),
 * in pages, all as of one offset per partition taken on the first page. A client that then reads each
 * partition from its offset (REST fetch, WebSocket `from=<offset>`) sees every later change exactly
 * once: the snapshot is everything below the offsets, the stream everything at or above them.
 *
 * Consistent across pages while producers write because every page reads "the latest record per key
 * below the offsets" (LogStore.readLatest), which appends above them do not change, and the snapshot's
 * lease (snapshot-leases.ts, kept in the store: every gateway of a cluster sees it) keeps compaction below
 * them. Retention (`delete` policy) still removes what falls out of it, as it would under a consumer. When
 * compaction overtook the snapshot all the same (see open() below, and docs/cluster.md), the store says so
 * (VersionGoneError) and the page answers SNAPSHOT_EXPIRED rather than leave a key out.
 *
 * Pages go partition by partition, each in key order; a page's cursor names the lease and the page
 * number, and the lease keeps where that page starts.
 */
import { ErrorCode, GatewayError } from '../errors.js';
import { hasKeyOperations, VersionGoneError, type LogStore, type PartitionRecord } from '../storage/log-store.js';
import { topicNotFound } from './log-errors.js';
import { recordBytes } from './record-codec.js';
import type { SnapshotLeases, SnapshotPosition } from './snapshot-leases.js';

export interface SnapshotPage {
  /** First page only: per partition, the offset the snapshot is consistent with (where to continue live). */
  offsets?: { partition: number; offset: number }[];
  /** In partition order, then key order within a partition. */
  records: PartitionRecord[];
  /** The next page's cursor; null on the last page (the snapshot then ends). */
  nextCursor: string | null;
}

export interface SnapshotLimits {
  /** Most records in the page. */
  maxRecords: number;
  /** Soft byte budget over keys, values and headers (the first record always goes, as in fetch). */
  maxBytes: number;
}

/** A snapshot's lease: its id, and the topic's createdAt when it began (see SnapshotLeaseRecord). */
interface Lease {
  id: string;
  topicCreatedAt: number | undefined;
}

/** A cursor: the lease id (a UUID), a dot, the page number. */
const CURSOR = /^([0-9a-f-]{36})\.(\d{1,9})$/;

export class Snapshots {
  readonly #store: LogStore;
  readonly #leases: SnapshotLeases;

  constructor(store: LogStore, leases: SnapshotLeases) {
    this.#store = store;
    this.#leases = leases;
  }

  /**
   * The first page (no cursor) or the page a cursor names (`field` is its name in errors). Throws TOPIC_NOT_FOUND, INVALID_CURSOR
   * (malformed), SNAPSHOT_EXPIRED (its lease ended: take a new snapshot), OVERLOADED (too many open),
   * NOT_SUPPORTED (a store without a key index).
   */
  async page(topic: string, cursor: string | undefined, limits: SnapshotLimits, field = 'cursor'): Promise<SnapshotPage> {
    const store = this.#store;
    if (!hasKeyOperations(store)) throw new GatewayError(ErrorCode.NOT_SUPPORTED, 'this store keeps no key index');
    if (cursor === undefined) return this.#open(topic, limits);
    const match = CURSOR.exec(cursor);
    if (!match) {
      const message = 'is not the cursor of a snapshot (a nextCursor of this route)';
      throw new GatewayError(ErrorCode.INVALID_CURSOR, `${field}: ${message}`, { errors: [{ path: field, message }] });
    }
    const [, lease, pageText] = match as unknown as [string, string, string];
    const page = Number(pageText);
    const held = await this.#leases.renew(lease, topic, page);
    if (!held) {
      throw new GatewayError(ErrorCode.SNAPSHOT_EXPIRED, `the snapshot of '${topic}' this cursor belongs to has ended (a snapshot lasts snapshotLeaseMs after its last page; on a single gateway's store, not across a restart): take a new snapshot`, {
        topic,
      });
    }
    return this.#read(topic, { id: lease, topicCreatedAt: held.topicCreatedAt }, page, held.offsets, held.position, limits);
  }

  /**
   * The first page. The lease is put before the offsets it will hold are read, holding each partition's log
   * start meanwhile (below anything): a compaction step that read the leases before the put read its high
   * watermarks before these offsets are read, so its limit is no higher than them; one that reads them after
   * the put holds below them. (On a cluster a gateway's high watermark may lag another's: VersionGoneError
   * covers what that leaves.) The snapshot has the partitions the topic had at the first read.
   */
  async #open(topic: string, limits: SnapshotLimits): Promise<SnapshotPage> {
    const topicCreatedAt = (await this.#store.getTopic(topic))?.createdAt;
    const holding = (await this.#store.offsets(topic)).map((b) => b.logStartOffset);
    const lease = await this.#leases.open(topic, holding, topicCreatedAt);
    try {
      const offsets = (await this.#store.offsets(topic)).slice(0, holding.length).map((b) => b.highWatermark);
      const page = await this.#read(topic, { id: lease, topicCreatedAt }, 0, offsets, { partition: 0 }, limits);
      return { offsets: offsets.map((offset, partition) => ({ partition, offset })), ...page };
    } catch (err) {
      await this.#leases.close(lease, topic).catch(() => undefined);
      throw err;
    }
  }

  async #read(topic: string, lease: Lease, page: number, offsets: readonly number[], start: SnapshotPosition, limits: SnapshotLimits) {
    let answer: Omit<SnapshotPage, 'offsets'>;
    try {
      answer = await this.#readPage(topic, lease, page, offsets, start, limits);
    } catch (err) {
      if (!(err instanceof VersionGoneError)) throw err;
      await this.#leases.close(lease.id, topic).catch(() => undefined);
      throw new GatewayError(
        ErrorCode.SNAPSHOT_EXPIRED,
        `compaction overtook the snapshot of '${topic}' this cursor belongs to (a version it had to return is gone): take a new snapshot`,
        { topic },
        { cause: err },
      );
    }
    // After the reads: a topic deleted and created again under its name before or during them may have
    // answered them (and a lease written meanwhile is now the new topic's): the snapshot ends. (createdAt
    // is the creating store's wall clock in ms: two incarnations within one millisecond are not told apart.)
    if (lease.topicCreatedAt !== undefined) {
      const now = await this.#store.getTopic(topic);
      if (now?.createdAt === lease.topicCreatedAt) return answer;
      await this.#leases.close(lease.id, topic).catch(() => undefined);
      if (!now) throw topicNotFound(topic);
      throw new GatewayError(
        ErrorCode.SNAPSHOT_EXPIRED,
        `the topic '${topic}' was deleted and created again while the snapshot was being read: take a new snapshot`,
        { topic },
      );
    }
    return answer;
  }

  async #readPage(topic: string, { id: lease, topicCreatedAt }: Lease, page: number, offsets: readonly number[], start: SnapshotPosition, limits: SnapshotLimits) {
    const store = this.#store as Required<Pick<LogStore, 'readLatest'>>;
    const records: PartitionRecord[] = [];
    let bytes = 0;
    let at: SnapshotPosition = start;
    for (;;) {
      if (at.partition >= offsets.length) {
        await this.#leases.close(lease, topic);
        return { records, nextCursor: null };
      }
      const room = limits.maxRecords - records.length;
      // One more than there is room for tells whether the partition goes on (so the last page says it is the last).
      const found = await store.readLatest(topic, at.partition, { before: offsets[at.partition]!, afterKey: at.afterKey, limit: room + 1 });
      for (const [i, record] of found.entries()) {
        const size = recordBytes(record);
        if (i === room || (records.length > 0 && bytes + size > limits.maxBytes)) {
          await this.#leases.served(lease, topic, offsets, page, start, at, topicCreatedAt);
          return { records, nextCursor: `${lease}.${page + 1}` };
        }
        records.push({ ...record, partition: at.partition });
        bytes += size;
        at = { partition: at.partition, afterKey: record.key ?? undefined };
      }
      at = { partition: at.partition + 1 };
    }
  }
}
