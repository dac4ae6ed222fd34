/**
 * Snapshot leases on the cluster (snapshot-lease-store.ts): one KV entry per open snapshot in the bucket
 * `<ns>_meta`, key `snapshots.<inc>.<id>` (the topic's incarnation, topics.ts; the id a UUID), so a topic's
 * leases are one prefix. By incarnation, not name: a topic deleted and created again under its name has none
 * of the old one's leases, even before deleteTopic's purge of them comes (or if it failed), so an old cursor
 * is refused (410) instead of paging the new topic at the old offsets. The incarnation is this gateway's
 * topic entry (read from the cluster when it has none). Listing asks the bucket stream's leader (kv-keys.ts)
 * and reads go to it too (direct gets are off), so a put acknowledged before a list is in it: compaction on
 * another gateway depends on that.
 *
 * A deleted lease's subject is purged from the stream rather than marked deleted: every snapshot ever taken
 * would otherwise leave a marker that each later listing of the topic reads again.
 */
import type { JetStreamManager } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import type { SnapshotLeaseRecord, SnapshotLeaseStore, SnapshotPosition, StoredSnapshotLease } from '../snapshot-lease-store.js';
import { purgeKeys, type KeyLister } from './kv-keys.js';
import { notFound } from './topics.js';

/** The current incarnation of the topic of this name; undefined when there is no such topic. */
export type IncarnationOf = (topic: string) => Promise<string | undefined>;

/** A page start as JSON: a binary key as base64 under a key of its own, so it never reads back as text. */
type PageJson = { page: number; partition: number; afterText?: string; afterBase64?: string };
type LeaseJson = Omit<SnapshotLeaseRecord, 'pages'> & { pages: PageJson[] };

function toJson(lease: SnapshotLeaseRecord): LeaseJson {
  const pages = lease.pages.map(({ page, partition, afterKey }) => {
    if (afterKey === undefined) return { page, partition };
    if (typeof afterKey === 'string') return { page, partition, afterText: afterKey };
    return { page, partition, afterBase64: Buffer.from(afterKey.buffer, afterKey.byteOffset, afterKey.byteLength).toString('base64') };
  });
  return { id: lease.id, topic: lease.topic, offsets: lease.offsets, expiresAt: lease.expiresAt, topicCreatedAt: lease.topicCreatedAt, pages };
}

function fromJson(json: LeaseJson, revision: number): StoredSnapshotLease {
  const pages = json.pages.map(({ page, partition, afterText, afterBase64 }) => {
    const afterKey: SnapshotPosition['afterKey'] = afterBase64 !== undefined ? new Uint8Array(Buffer.from(afterBase64, 'base64')) : afterText;
    return afterKey === undefined ? { page, partition } : { page, partition, afterKey };
  });
  return { ...json, pages, revision };
}

export class ClusterSnapshotLeases implements SnapshotLeaseStore {
  readonly #kv: KV;
  readonly #jsm: JetStreamManager;
  readonly #bucket: string;
  readonly #keys: KeyLister;
  readonly #incarnationOf: IncarnationOf;
  /** The store's guard: refused once closed, cluster failures as UNAVAILABLE (JetStreamStore#run). */
  readonly #run: <T>(work: () => Promise<T>) => Promise<T>;

  constructor(kv: KV, jsm: JetStreamManager, bucket: string, keys: KeyLister, incarnationOf: IncarnationOf, run: <T>(work: () => Promise<T>) => Promise<T>) {
    this.#kv = kv;
    this.#jsm = jsm;
    this.#bucket = bucket;
    this.#keys = keys;
    this.#incarnationOf = incarnationOf;
    this.#run = run;
  }

  #prefix(inc: string): string {
    return `snapshots.${inc}.`;
  }

  /** The prefix of the topic's current incarnation; undefined when the topic does not exist. */
  async #topicPrefix(topic: string): Promise<string | undefined> {
    const inc = await this.#incarnationOf(topic);
    return inc === undefined ? undefined : this.#prefix(inc);
  }

  /** Refused (TOPIC_NOT_FOUND) when the topic does not exist: the page that puts it answers as if the deletion came first. */
  put(lease: SnapshotLeaseRecord): Promise<void> {
    return this.#run(async () => {
      const prefix = await this.#topicPrefix(lease.topic);
      if (prefix === undefined) throw notFound(lease.topic);
      await this.#kv.put(prefix + lease.id, JSON.stringify(toJson(lease)));
    });
  }

  get(topic: string, id: string): Promise<StoredSnapshotLease | undefined> {
    return this.#run(async () => {
      const prefix = await this.#topicPrefix(topic);
      return prefix === undefined ? undefined : this.#read(prefix + id);
    });
  }

  async #read(key: string): Promise<StoredSnapshotLease | undefined> {
    const e = await this.#kv.get(key);
    return e && e.operation === 'PUT' ? fromJson(e.json<LeaseJson>(), e.revision) : undefined;
  }

  /** With `revision`, a purge of the key's messages up to it: a put since (a later sequence) stays, and no marker is left. */
  delete(topic: string, id: string, revision?: number): Promise<void> {
    return this.#run(async () => {
      const prefix = await this.#topicPrefix(topic);
      if (prefix !== undefined) await purgeKeys(this.#jsm, this.#bucket, prefix + id, revision);
    });
  }

  /**
   * Forgets every lease of a topic incarnation (it was deleted): one purge of its prefix. Not guarded:
   * deleteTopic's work. A put that resolved the incarnation before the deletion may still land after the
   * purge: an entry no one reads again (the incarnation is never current again).
   */
  async forgetTopic(inc: string): Promise<void> {
    await purgeKeys(this.#jsm, this.#bucket, `${this.#prefix(inc)}>`);
  }

  list(topic: string): Promise<StoredSnapshotLease[]> {
    return this.#run(async () => {
      const prefix = await this.#topicPrefix(topic);
      if (prefix === undefined) return [];
      const found = await Promise.all((await this.#keys(prefix)).map((key) => this.#read(key)));
      return found.filter((l) => l !== undefined);
    });
  }
}
