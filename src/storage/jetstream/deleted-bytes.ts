/**
 * What compaction deleted, per partition (issue 14), for retention by size. That reads a partition's size
 * from the running count in its batches' headers (size-limit.ts), and the count still includes a batch
 * compaction deleted: left alone, a `compact,delete` topic with `retentionBytes` would be cut as if those
 * bytes were still there, earlier than the bytes left call for, deleting records it should keep.
 *
 * So each partition keeps a ledger: offset ranges, each with the record bytes deleted inside it, one KV
 * entry of the bucket `<ns>_meta`, key `deleted.<inc>.<partition>`. A compaction round adds its batches,
 * acknowledged, before it deletes them, so no deletion is ever missing from the ledger (one that then fails
 * is counted anyway: retention keeps more, never less). Writes are compare-and-set, so a cleanup lease
 * that changed hands mid-step loses nothing. At most MAX_RANGES ranges: past that, the two neighbours with
 * the fewest bytes merge into one spanning both (less exact, on the safe side); ranges wholly below the log
 * start are dropped. A step still running when its topic is deleted may write an entry after deleteTopic's
 * purge: one entry of an incarnation never used again.
 *
 * Retention counts a range's bytes as deleted at or after an offset whenever any of the range lies there
 * (deletedFrom): never less than what was deleted there, so the bytes it counts as left are never more
 * than those left, and the cut is never earlier than an exact count would make it.
 */
import type { JetStreamManager } from '@nats-io/jetstream';
import type { KV, KvEntry } from '@nats-io/kv';
import { isLostWriteRace } from './cluster-errors.js';
import { purgeKeys } from './kv-keys.js';

/** Record bytes deleted from offsets in [from, before). */
export interface DeletedRange {
  from: number;
  before: number;
  bytes: number;
}

/**
 * Ranges one entry keeps: each write reads and rewrites the entry whole (a few KB at most), and a size cut
 * may search once per range.
 */
export const MAX_RANGES = 64;

/** Bytes of the ranges any of which lies at or after `offset`: at least what was deleted there. */
export function deletedFrom(ranges: readonly DeletedRange[], offset: number): number {
  return ranges.reduce((n, r) => (r.before > offset ? n + r.bytes : n), 0);
}

/**
 * The ledger with `added` in it: ranges wholly below `logStart` dropped, overlapping ones merged, then the
 * two neighbours with the fewest bytes together merged until at most `max` are left. Sorted by offset.
 * Merging by bytes keeps every range small against the whole: a merged range's bytes are what a cut inside
 * it may keep too many, and a range straddling the log start keeps its bytes counted until a cut passes it.
 */
export function withRanges(ranges: readonly DeletedRange[], added: readonly DeletedRange[], logStart: number, max = MAX_RANGES): DeletedRange[] {
  const sorted = [...ranges, ...added].filter((r) => r.before > logStart).sort((a, b) => a.from - b.from);
  const out: DeletedRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.from < last.before) out[out.length - 1] = merge(last, r);
    else out.push({ ...r });
  }
  const together = (i: number) => out[i]!.bytes + out[i + 1]!.bytes;
  while (out.length > max) {
    let lightest = 0;
    for (let i = 1; i < out.length - 1; i++) if (together(i) < together(lightest)) lightest = i;
    out.splice(lightest, 2, merge(out[lightest]!, out[lightest + 1]!));
  }
  return out;
}

const merge = (a: DeletedRange, b: DeletedRange): DeletedRange => ({
  from: Math.min(a.from, b.from),
  before: Math.max(a.before, b.before),
  bytes: a.bytes + b.bytes,
});

const rangesOf = (e: KvEntry | null): DeletedRange[] =>
  e?.operation === 'PUT' ? e.json<[number, number, number][]>().map(([from, before, bytes]) => ({ from, before, bytes })) : [];

export class DeletedBytes {
  readonly #kv: KV;
  readonly #jsm: JetStreamManager;
  readonly #bucket: string;

  constructor(kv: KV, jsm: JetStreamManager, bucket: string) {
    this.#kv = kv;
    this.#jsm = jsm;
    this.#bucket = bucket;
  }

  #key(inc: string, partition: number): string {
    return `deleted.${inc}.${partition}`;
  }

  /** Adds ranges about to be deleted, acknowledged by the cluster: call it before deleting them. */
  async add(inc: string, partition: number, added: readonly DeletedRange[], logStart: number): Promise<void> {
    if (added.length === 0) return;
    const key = this.#key(inc, partition);
    for (;;) {
      const e = await this.#kv.get(key);
      const value = JSON.stringify(withRanges(rangesOf(e), added, logStart).map((r) => [r.from, r.before, r.bytes]));
      try {
        await (e ? this.#kv.update(key, value, e.revision) : this.#kv.create(key, value));
        return;
      } catch (err) {
        // Another writer came first (a cleanup lease that changed hands): read it again and add to theirs.
        if (!isLostWriteRace(err)) throw err;
      }
    }
  }

  /** The partition's ledger as the cluster has it now (reads go to the bucket stream's leader: open-store.ts). */
  async read(inc: string, partition: number): Promise<DeletedRange[]> {
    return rangesOf(await this.#kv.get(this.#key(inc, partition)));
  }

  /** Deletes the ledgers of a topic incarnation (it was deleted): one purge of its prefix. */
  async forgetTopic(inc: string): Promise<void> {
    await purgeKeys(this.#jsm, this.#bucket, `deleted.${inc}.>`);
  }
}
