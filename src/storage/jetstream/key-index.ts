/**
 * Reads by key on the cluster store (issue 14): which offsets hold each key's versions, per partition,
 * in a SQLite database of this gateway's own. A partition stream is a log of record batches with no
 * index by key, so each gateway derives one from the log, as a Kafka Streams application restores a
 * state store from its changelog: the first read by key of a partition indexes its records, later ones
 * only what was appended since (Log reads of the batches, through the batch cache).
 *
 * Nothing here is a source of truth: the database is a private temporary one (SQLite deletes it when
 * it is closed, or when the process dies), rebuilt from the log after a start. It holds one row per
 * keyed record still in the log (the key, the offset, whether the record is a tombstone), in a
 * B-tree keyed like the SQLite store's records_by_key, so the two stores answer in the same key order
 * (text keys before binary ones, each by its bytes). Memory: SQLite's page cache, at most
 * `cacheBytes`; the rest lives in the temporary file.
 */
import Database from 'better-sqlite3';
import { TOMBSTONE_VALUE, type LatestQuery, type StoredRecord } from '../log-store.js';

/** Records indexed per transaction while catching up (one read of the log each, bounded in bytes too). */
const CATCH_UP_RECORDS = 10_000;
const CATCH_UP_BYTES = 16 * 1024 * 1024;

/** What a catch-up reads: the partition's records from an offset on (PartitionLog.read). */
export interface RecordSource {
  read(from: number, limits: { maxRecords: number; maxBytes: number }): Promise<StoredRecord[]>;
}

interface Indexed {
  id: number;
  /** Records below this offset are indexed. */
  through: number;
  /** Rows below this offset were deleted (the log start was there). */
  prunedBelow: number;
  /** Catch-ups of one partition run one after the other. */
  work: Promise<void>;
  /** Dropped (forget): a catch-up still reading the log writes nothing, or its rows would stay for good. */
  forgotten: boolean;
}

const sqlKey = (key: string | Uint8Array): string | Buffer => (typeof key === 'string' ? key : Buffer.from(key.buffer, key.byteOffset, key.byteLength));
const isTombstone = (r: StoredRecord): boolean => typeof r.value === 'string' && r.value === TOMBSTONE_VALUE;

export class KeyIndex {
  readonly #db: Database.Database;
  readonly #partitions = new Map<string, Indexed>();
  readonly #stmt;
  #nextId = 1;
  #closed = false;

  constructor(cacheBytes: number) {
    // '': a private temporary database, its file deleted by SQLite (this build keeps temporary data in files).
    this.#db = new Database('');
    this.#db.pragma(`cache_size = ${-Math.max(64, Math.floor(cacheBytes / 1024))}`);
    this.#db.pragma('journal_mode = OFF');
    this.#db.pragma('synchronous = OFF');
    this.#db.exec(`CREATE TABLE versions (partition INTEGER NOT NULL, key ANY NOT NULL, offset INTEGER NOT NULL, tombstone INTEGER NOT NULL,
                     PRIMARY KEY (partition, key, offset)) WITHOUT ROWID;
                   CREATE INDEX versions_by_offset ON versions (partition, offset);`);
    const inLog = 'partition = @partition AND offset >= @start AND offset < @before';
    const latestSql = (keyCondition: string) =>
      // Key by key, as the SQLite store's readLatest: the next key with a version in the range (one seek), then
      // its latest version there (one seek). A page costs the keys it visits, not their versions.
      `WITH RECURSIVE k(key) AS (
         SELECT (SELECT min(key) FROM versions WHERE ${inLog} AND ${keyCondition})
         UNION ALL
         SELECT (SELECT min(key) FROM versions WHERE ${inLog} AND key > k.key) FROM k WHERE k.key IS NOT NULL)
       SELECT v.offset FROM k CROSS JOIN versions v ON v.partition = @partition AND v.key = k.key
         AND v.offset = (SELECT max(offset) FROM versions WHERE ${inLog} AND key = k.key)
       WHERE k.key IS NOT NULL AND v.tombstone = 0
       LIMIT @limit`;
    this.#stmt = {
      insert: this.#db.prepare('INSERT OR IGNORE INTO versions (partition, key, offset, tombstone) VALUES (?, ?, ?, ?)'),
      latest: this.#db.prepare('SELECT max(offset) FROM versions WHERE partition = @partition AND key = @key AND offset >= @start').pluck(),
      // `key >= ''`: every key (text sorts before blob, and '' before any text).
      latestFirst: this.#db.prepare(latestSql("key >= ''")).pluck(),
      latestAfter: this.#db.prepare(latestSql('key > @after')).pluck(),
      prune: this.#db.prepare('DELETE FROM versions WHERE partition = ? AND offset < ?'),
      forget: this.#db.prepare('DELETE FROM versions WHERE partition = ?'),
      count: this.#db.prepare('SELECT count(*) FROM versions').pluck(),
      older: this.#db.prepare('SELECT offset FROM versions WHERE partition = ? AND key = ? AND offset < ?').pluck(),
      laterBelow: this.#db.prepare('SELECT 1 FROM versions WHERE partition = ? AND key = ? AND offset > ? AND offset < ? LIMIT 1').pluck(),
      versions: this.#db.prepare('SELECT offset FROM versions WHERE partition = ? AND key = ?').pluck(),
      dropRange: this.#db.prepare('DELETE FROM versions WHERE partition = ? AND offset >= ? AND offset < ?'),
    };
  }

  #partition(stream: string): Indexed {
    let p = this.#partitions.get(stream);
    if (!p) {
      p = { id: this.#nextId++, through: 0, prunedBelow: 0, work: Promise.resolve(), forgotten: false };
      this.#partitions.set(stream, p);
    }
    return p;
  }

  /**
   * Indexes the partition's records up to `highWatermark` (those from `logStart` on), reading what was
   * appended since the last call, and forgets the rows retention left below `logStart`.
   */
  catchUp(stream: string, source: RecordSource, logStart: number, highWatermark: number): Promise<void> {
    const p = this.#partition(stream);
    const run = p.work.then(() => this.#catchUp(p, source, logStart, highWatermark));
    p.work = run.catch(() => undefined);
    return run;
  }

  async #catchUp(p: Indexed, source: RecordSource, logStart: number, highWatermark: number): Promise<void> {
    if (logStart > p.prunedBelow) {
      this.#stmt.prune.run(p.id, logStart);
      p.prunedBelow = logStart;
    }
    let from = Math.max(p.through, logStart);
    while (from < highWatermark) {
      const records = await source.read(from, { maxRecords: CATCH_UP_RECORDS, maxBytes: CATCH_UP_BYTES });
      // The log ends below what the caller heard (a stale tail): the rest next time. Closed or forgotten
      // meanwhile: nothing to write to, or nobody left to delete the rows.
      if (records.length === 0 || this.#closed || p.forgotten) return;
      this.#db.transaction(() => {
        for (const r of records) if (r.key !== null) this.#stmt.insert.run(p.id, sqlKey(r.key), r.offset, isTombstone(r) ? 1 : 0);
      })();
      from = records[records.length - 1]!.offset + 1;
      p.through = Math.max(p.through, from);
    }
  }

  /** The offset of the key's latest version from `logStart` on, as far as the partition is indexed. */
  latest(stream: string, key: string | Uint8Array, logStart: number): number | undefined {
    const p = this.#partitions.get(stream);
    if (!p) return undefined;
    return (this.#stmt.latest.get({ partition: p.id, key: sqlKey(key), start: logStart }) as number | null) ?? undefined;
  }

  /**
   * The offsets of a page of the latest version per key among [logStart, query.before), in key order after
   * `query.afterKey`, tombstoned keys left out (see LogStore.readLatest).
   */
  latestPage(stream: string, logStart: number, query: LatestQuery): number[] {
    const p = this.#partitions.get(stream);
    if (!p || query.limit <= 0) return [];
    const params = { partition: p.id, start: logStart, before: query.before, limit: query.limit };
    return (
      query.afterKey === undefined ? this.#stmt.latestFirst.all(params) : this.#stmt.latestAfter.all({ ...params, after: sqlKey(query.afterKey) })
    ) as number[];
  }

  // --- compaction (compaction.ts): which versions a key has, and forgetting the batches it deletes ---

  /** The offsets of `key`'s versions below `below`. */
  olderVersions(stream: string, key: string | Uint8Array, below: number): number[] {
    const p = this.#partitions.get(stream);
    return p ? (this.#stmt.older.all(p.id, sqlKey(key), below) as number[]) : [];
  }

  /** Whether `key` has a version after `offset` and below `before`. */
  hasLaterBelow(stream: string, key: string | Uint8Array, offset: number, before: number): boolean {
    const p = this.#partitions.get(stream);
    return p !== undefined && this.#stmt.laterBelow.get(p.id, sqlKey(key), offset, before) !== undefined;
  }

  /** The offsets of every version of `key`. */
  versions(stream: string, key: string | Uint8Array): number[] {
    const p = this.#partitions.get(stream);
    return p ? (this.#stmt.versions.all(p.id, sqlKey(key)) as number[]) : [];
  }

  /** Forgets the versions at offsets [from, before) (a batch compaction deleted). */
  dropRange(stream: string, from: number, before: number): void {
    const p = this.#partitions.get(stream);
    if (p) this.#stmt.dropRange.run(p.id, from, before);
  }

  /** Drops a partition's rows (its topic was deleted or made again: its stream is never used again). */
  forget(stream: string): void {
    const p = this.#partitions.get(stream);
    if (!p) return;
    p.forgotten = true;
    this.#partitions.delete(stream);
    this.#stmt.forget.run(p.id);
  }

  /** Rows held, every partition's (what the temporary database stores). */
  get rows(): number {
    return this.#stmt.count.get() as number;
  }

  close(): void {
    this.#closed = true;
    this.#db.close();
  }
}
