/**
 * The topic catalogue on the cluster: one KV entry per topic (keys `topics.*` of the bucket `<ns>_meta`), holding its
 * metadata, its incarnation id (which names its streams) and each partition's log start offset.
 * Every change is a compare-and-set on the entry's revision, so gateways sharing the cluster never
 * overwrite each other's changes. Each gateway keeps a copy in memory, fed by a watch on the bucket.
 */
import type { KV, KvEntry } from '@nats-io/kv';
import { ErrorCode, GatewayError } from '../../errors.js';
import type { TopicConfig, TopicMeta } from '../log-store.js';
import { isLostWriteRace, isWrongLastSequence, whileStreamSettles } from './cluster-errors.js';
import type { KeyLister } from './kv-keys.js';
import { fromKvKey, kvKey } from './names.js';

const PREFIX = 'topics.';
const key = (name: string) => PREFIX + kvKey(name);

export interface TopicEntry {
  name: string;
  partitions: number;
  config: TopicConfig;
  createdAt: number;
  /** The incarnation: a random id naming this topic's streams, new for a topic created again. */
  inc: string;
  /** Per partition: the first offset still readable (retention raises it; never lowered). */
  logStart: number[];
}

interface Cached {
  entry: TopicEntry | undefined;
  revision: number;
}

export const notFound = (name: string) => new GatewayError(ErrorCode.TOPIC_NOT_FOUND, `topic '${name}' does not exist`, { topic: name });

export function metaOf(e: TopicEntry): TopicMeta {
  return { name: e.name, partitions: e.partitions, config: { ...e.config }, createdAt: e.createdAt };
}

export class TopicCatalog {
  readonly #kv: KV;
  readonly #keys: KeyLister;
  readonly #cache = new Map<string, Cached>();
  /** Incarnation id -> topic name, for the tail feed, which hears incarnations (one lookup per relayed batch). */
  readonly #nameByInc = new Map<string, string>();
  #stopWatch: (() => void) | undefined;
  /** Called with a topic's entry when another gateway (or this one) changed or deleted it. */
  onChange: (name: string, entry: TopicEntry | undefined) => void = () => {};

  constructor(kv: KV, keys: KeyLister) {
    this.#kv = kv;
    this.#keys = keys;
  }

  /** Loads every topic, then follows changes (watch first, so none between the two is missed). */
  async load(): Promise<void> {
    // The bucket may have been made just now, by this gateway.
    const watch = await whileStreamSettles(() => this.#kv.watch({ key: `${PREFIX}>`, include: 'updates' as never }));
    this.#stopWatch = () => watch.stop();
    void (async () => {
      for await (const e of watch) this.#apply(e);
    })().catch(() => undefined);
    for (const key of await this.#keys(PREFIX)) {
      const e = await this.#kv.get(key);
      if (e) this.#apply(e);
    }
  }

  stop(): void {
    this.#stopWatch?.();
  }

  #apply(e: KvEntry): void {
    const name = fromKvKey(e.key.slice(PREFIX.length));
    const known = this.#cache.get(name);
    if (known && known.revision >= e.revision) return;
    const entry = e.operation === 'PUT' ? (JSON.parse(new TextDecoder().decode(e.value)) as TopicEntry) : undefined;
    this.#remember(name, { entry, revision: e.revision });
    this.onChange(name, entry);
  }

  /** Every change to the cache goes through here, so the incarnation index never goes stale. */
  #remember(name: string, cached: Cached | undefined): void {
    const before = this.#cache.get(name)?.entry;
    if (before && before.inc !== cached?.entry?.inc) this.#nameByInc.delete(before.inc);
    if (cached) this.#cache.set(name, cached);
    else this.#cache.delete(name);
    if (cached?.entry) this.#nameByInc.set(cached.entry.inc, name);
  }

  /** The name of the topic whose incarnation is `inc`, if this gateway knows it as current. */
  nameOf(inc: string): string | undefined {
    return this.#nameByInc.get(inc);
  }

  find(name: string): TopicEntry | undefined {
    return this.#cache.get(name)?.entry;
  }

  /** The topic, from memory, or from the cluster when this gateway has not heard of it yet. */
  async get(name: string): Promise<TopicEntry> {
    const known = this.find(name) ?? (await this.refresh(name));
    if (!known) throw notFound(name);
    return known;
  }

  /** Reads one topic's entry from the cluster (a topic created through another gateway a moment ago). */
  async refresh(name: string): Promise<TopicEntry | undefined> {
    const e = await this.#kv.get(key(name));
    if (e) this.#apply(e);
    else this.#remember(name, undefined); // purged: the topic is gone
    return this.find(name);
  }

  list(): TopicEntry[] {
    return [...this.#cache.values()].flatMap((c) => (c.entry ? [c.entry] : [])).sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Stores a new topic; throws TOPIC_ALREADY_EXISTS when the name is taken. */
  async create(entry: TopicEntry): Promise<void> {
    let revision: number;
    try {
      revision = await this.#kv.create(key(entry.name), JSON.stringify(entry));
    } catch (err) {
      if (isLostWriteRace(err)) {
        await this.refresh(entry.name);
        throw new GatewayError(ErrorCode.TOPIC_ALREADY_EXISTS, `topic '${entry.name}' already exists`, { topic: entry.name });
      }
      throw err;
    }
    this.#apply({ key: key(entry.name), revision, operation: 'PUT', value: new TextEncoder().encode(JSON.stringify(entry)) } as KvEntry);
  }

  /**
   * Changes a topic by compare-and-set: `change` gets the current entry and returns the new one
   * (or throws); on a conflicting write by someone else it runs again on the fresh entry.
   */
  async mutate(name: string, change: (current: TopicEntry) => TopicEntry): Promise<TopicEntry> {
    for (;;) {
      const cached = this.#cache.get(name);
      const current = cached?.entry ?? (await this.refresh(name));
      if (!current) throw notFound(name);
      const revision = this.#cache.get(name)!.revision;
      const next = change(current);
      try {
        const written = await this.#kv.update(key(name), JSON.stringify(next), revision);
        this.#apply({ key: key(name), revision: written, operation: 'PUT', value: new TextEncoder().encode(JSON.stringify(next)) } as KvEntry);
        return next;
      } catch (err) {
        if (!isWrongLastSequence(err)) throw err;
        await this.refresh(name);
      }
    }
  }

  /** Deletes a topic's entry if it is still the incarnation `inc`; resolves false when it was not. */
  async delete(name: string, inc: string): Promise<boolean> {
    for (;;) {
      const cached = this.#cache.get(name);
      if (!cached?.entry || cached.entry.inc !== inc) return false;
      try {
        await this.#kv.delete(key(name), { previousSeq: cached.revision });
        this.#remember(name, { entry: undefined, revision: cached.revision + 1 });
        this.onChange(name, undefined);
        return true;
      } catch (err) {
        if (!isWrongLastSequence(err)) throw err;
        await this.refresh(name);
      }
    }
  }
}
