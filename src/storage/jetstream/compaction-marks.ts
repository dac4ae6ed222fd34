/**
 * Compaction marks (issue 14): per partition, the highest `before` any compaction step of it has used, one
 * KV entry of the bucket `<ns>_meta`, key `compacted.<inc>.<partition>` (the topic incarnation: a topic
 * deleted and created again starts with none). A step writes it, acknowledged, before it deletes anything,
 * so a reader that reads the mark after reading a page knows every limit a deletion that could have touched
 * that page was made under. Reads go to the bucket stream's leader (direct gets are off: open-store.ts), so
 * a mark acknowledged before the read is in it.
 *
 * Why a snapshot needs it: a gateway's high watermark may lag the cluster's (the tail feed is at most once),
 * so a snapshot's offsets can be below the limit of a compaction step that read the leases just before the
 * snapshot's lease was put, and that step may delete the latest version of a key below those offsets. A
 * gateway whose index of keys was built after the deletion never saw that version, so only the mark tells.
 *
 * The mark only rises: written by compare-and-set on its revision, so a new cleanup lease holder, or an old
 * one still finishing a step, never lowers it.
 */
import type { JetStreamManager } from '@nats-io/jetstream';
import type { KV, KvEntry } from '@nats-io/kv';
import { isLostWriteRace } from './cluster-errors.js';
import { purgeKeys } from './kv-keys.js';

const valueOf = (e: KvEntry | null): number => (e?.operation === 'PUT' ? Number(e.string()) : 0);

export class CompactionMarks {
  readonly #kv: KV;
  readonly #jsm: JetStreamManager;
  readonly #bucket: string;
  /** Each mark as this gateway last wrote or read it while raising it, with its revision (it only rises). */
  readonly #known = new Map<string, { mark: number; revision: number }>();

  constructor(kv: KV, jsm: JetStreamManager, bucket: string) {
    this.#kv = kv;
    this.#jsm = jsm;
    this.#bucket = bucket;
  }

  #key(inc: string, partition: number): string {
    return `compacted.${inc}.${partition}`;
  }

  /**
   * Makes the mark at least `before`, acknowledged by the cluster; call it before deleting anything below
   * `before`. No round trip when this gateway already raised it that far (compaction's limit rises once a
   * pass at most); the first time, the entry is read (another gateway may have raised it further).
   */
  async raise(inc: string, partition: number, before: number): Promise<void> {
    const key = this.#key(inc, partition);
    let known = this.#known.get(key);
    for (;;) {
      if (!known) {
        const e = await this.#kv.get(key);
        known = { mark: valueOf(e), revision: e?.revision ?? 0 };
        this.#known.set(key, known);
      }
      if (known.mark >= before) return;
      try {
        const revision = known.revision ? await this.#kv.update(key, String(before), known.revision) : await this.#kv.create(key, String(before));
        this.#known.set(key, { mark: before, revision });
        return;
      } catch (err) {
        // Another writer came first (a cleanup lease that changed hands): read it again and keep the higher.
        if (!isLostWriteRace(err)) throw err;
        known = undefined;
      }
    }
  }

  /** The mark as the cluster has it now (0 when the partition was never compacted). */
  async read(inc: string, partition: number): Promise<number> {
    return valueOf(await this.#kv.get(this.#key(inc, partition)));
  }

  /** This gateway's copy of a partition's mark, for a topic incarnation deleted (never used again). */
  forget(inc: string, partition: number): void {
    this.#known.delete(this.#key(inc, partition));
  }

  /**
   * Deletes every mark of a topic incarnation (it was deleted): one purge of its prefix. A step that was
   * running on another gateway meanwhile may write one again: an entry no one reads, the incarnation gone.
   */
  async forgetTopic(inc: string): Promise<void> {
    await purgeKeys(this.#jsm, this.#bucket, `compacted.${inc}.>`);
  }
}
