/**
 * The records appended lately to the partitions being read, encoded once, answered as slices.
 *
 * Tailers that are behind each read their own range: 1,000 of them at as many offsets made
 * 1,000 store reads of overlapping ranges, each building the same records' JSON again (the
 * SQLite read was ~20-29% of the gateway's CPU in the `tailers` bench, issue 9). Here the
 * records the log publishes after each commit are kept (nothing is read from the store), and
 * encoded once, on the first read that needs them, into segments of comma-separated JSON with
 * each record's byte position: an answer is a slice of one segment (no copy) or the join of a
 * few. A partition is kept only once something reads it (a fetch that missed, see `miss`), so
 * produce to partitions nobody reads costs nothing here.
 *
 * What a slice holds is exactly what a store read from that offset returns, because the kept
 * range is contiguous (a batch that does not follow the last one starts the range over) and
 * is only answered from when it reaches the caller's high watermark. Not kept for compacted
 * topics (the caller checks): compaction deletes records inside the range without telling.
 * Bounded by `maxBytes` (config recentRecordsBytes): past it, the oldest records of the
 * partition read longest ago go first, and a partition with none left is no longer kept. What is
 * counted is what is held: a record waiting to be encoded by its bytes plus its object's size, an
 * encoded one by its segment's capacity plus its two index entries.
 *
 * A topic is known by its name and creation time: one deleted and made again by another gateway
 * (a shared cluster store, where this one hears of no deletion) is not answered from the old one.
 */
import type { EncodedRecords, StoredRecord } from '../storage/log-store.js';
import type { AppendedRecords } from './notifier.js';
import { recordBytes, recordsJsonItems } from './record-codec.js';

const COMMA = Buffer.from(',');
const COMMA_BYTE = 0x2c;
/**
 * A segment is a buffer of this capacity at most (and an eighth of the bound: it is evicted whole),
 * filled as records are encoded: an answer of ~1,000 records is mostly a slice of one, no copy.
 * A partition's first segments are smaller (from FIRST_SEGMENT_BYTES, doubling), so partitions
 * read a little hold little.
 */
const SEGMENT_BYTES = 1024 * 1024;
const FIRST_SEGMENT_BYTES = 16 * 1024;
/** Memory of a published record besides its bytes (its object, its strings' headers): ~88 bytes measured with 1-byte values. */
const PENDING_RECORD_BYTES = 96;
/** Memory of an encoded record's two index entries (`starts`, `sizes`: a double each). */
const INDEX_RECORD_BYTES = 16;

const pendingBytes = (records: readonly StoredRecord[]): number => {
  let bytes = 0;
  for (const r of records) bytes += recordBytes(r) + PENDING_RECORD_BYTES;
  return bytes;
};

interface Segment {
  /** Offset of its first record. */
  first: number;
  /** The records' JSON, comma-separated, in its first `used` bytes; the rest is room for the next records. */
  buffer: Buffer;
  used: number;
  /** starts[i]: byte where record i starts; one more entry, used + 1, as if a comma followed the last. */
  starts: number[];
  /** sizes[i]: record bytes (keys, values, headers: what maxBytes counts) of records [0, i). */
  sizes: number[];
  /** What it is counted for: its buffer's capacity and its records' index entries. */
  counted: number;
}

interface Kept {
  topic: string;
  /** The topic's creation time: the same name made again is another topic. */
  createdAt: number;
  partition: number;
  /** Offsets [start, end) are held: encoded in `segments`, then as published in `pending`. */
  start: number;
  end: number;
  segments: Segment[];
  pending: StoredRecord[][];
  /** What this partition holds: its segments' buffers, its pending records' bytes. */
  bytes: number;
  /** Capacity of its next segment. */
  nextSegment: number;
}

const keyOf = (topic: string, partition: number) => `${partition}\u0000${topic}`;

export class RecentRecords {
  readonly #maxBytes: number;
  readonly #segmentBytes: number;
  /** Kept partitions, the one read longest ago first (a read moves its partition to the end). */
  readonly #kept = new Map<string, Kept>();
  #bytes = 0;
  #encoded = 0;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
    this.#segmentBytes = Math.min(SEGMENT_BYTES, Math.floor(maxBytes / 8));
  }

  /** False when nothing may be kept (maxBytes 0). */
  get enabled(): boolean {
    return this.#maxBytes > 0;
  }

  /** Bytes held now (at most maxBytes once an append returns). */
  get bytes(): number {
    return this.#bytes;
  }

  /** Records encoded so far (for tests: each kept record is encoded once, whoever reads it). */
  get encoded(): number {
    return this.#encoded;
  }

  /** A commit's records (from the notifier). Kept if their partition is. */
  append(batch: AppendedRecords): void {
    const kept = this.#kept.get(keyOf(batch.topic, batch.partition));
    const first = batch.records[0]?.offset;
    if (!kept || first === undefined) return;
    if (first !== kept.end) this.#restart(kept, first);
    kept.pending.push(batch.records);
    kept.end = batch.records[batch.records.length - 1]!.offset + 1;
    this.#grow(kept, pendingBytes(batch.records));
    this.#evict();
  }

  /**
   * A read from `from` that was not answered here: keep the partition from its next append on
   * (`highWatermark`: the high watermark the reader saw), if it is not kept already.
   */
  miss(topic: string, createdAt: number, partition: number, highWatermark: number): void {
    const key = keyOf(topic, partition);
    if (this.#kept.has(key) || this.#maxBytes <= 0) return;
    this.#kept.set(key, { topic, createdAt, partition, start: highWatermark, end: highWatermark, segments: [], pending: [], bytes: 0, nextSegment: FIRST_SEGMENT_BYTES });
  }

  /**
   * What a store read from `from` with these limits returns while the partition's high
   * watermark is `highWatermark`: undefined unless every record in [from, highWatermark) is held.
   * `createdAt`: the topic's creation time; what is kept of an older topic of that name is dropped.
   */
  read(topic: string, createdAt: number, partition: number, from: number, highWatermark: number, maxRecords: number, maxBytes: number): EncodedRecords | undefined {
    const key = keyOf(topic, partition);
    let kept = this.#kept.get(key);
    if (kept && kept.createdAt !== createdAt) {
      this.#bytes -= kept.bytes;
      this.#kept.delete(key);
      kept = undefined;
    }
    if (!kept || from < kept.start || from >= highWatermark || highWatermark > kept.end) return undefined;
    // Read most lately: evicted last.
    this.#kept.delete(key);
    this.#kept.set(key, kept);
    this.#encodePending(kept);
    // Encoding can pass maxBytes: the eviction may have taken `from` (or the whole partition) away.
    if (from < kept.start || this.#kept.get(key) !== kept) return undefined;
    const pieces: Buffer[] = [];
    let at = from;
    let bytesLeft = maxBytes;
    let recordsLeft = Math.max(maxRecords, 1);
    let i = segmentOf(kept.segments, from);
    while (at < highWatermark && recordsLeft > 0 && i < kept.segments.length) {
      const s = kept.segments[i]!;
      const a = at - s.first;
      const cap = Math.min(s.starts.length - 1, a + recordsLeft, highWatermark - s.first);
      // Largest end in (a, cap] whose bytes fit; the first record of the answer always goes.
      let lo = at === from ? a + 1 : a;
      let hi = cap;
      while (lo < hi) {
        const mid = (lo + hi + 1) >>> 1;
        if (s.sizes[mid]! - s.sizes[a]! <= bytesLeft) lo = mid;
        else hi = mid - 1;
      }
      if (lo === a) break;
      pieces.push(s.buffer.subarray(s.starts[a]!, s.starts[lo]! - 1));
      bytesLeft -= s.sizes[lo]! - s.sizes[a]!;
      recordsLeft -= lo - a;
      at = s.first + lo;
      if (lo < s.starts.length - 1) break; // cut by the limits inside this segment
      i++;
    }
    return { json: join(pieces), count: at - from, nextOffset: at };
  }

  /** The topic was deleted or changed (e.g. made compacted): nothing of it is kept. */
  dropTopic(topic: string): void {
    for (const [key, kept] of this.#kept) {
      if (kept.topic !== topic) continue;
      this.#bytes -= kept.bytes;
      this.#kept.delete(key);
    }
  }

  #restart(kept: Kept, at: number): void {
    this.#bytes -= kept.bytes;
    Object.assign(kept, { start: at, end: at, segments: [], pending: [], bytes: 0, nextSegment: FIRST_SEGMENT_BYTES });
  }

  #grow(kept: Kept, bytes: number): void {
    kept.bytes += bytes;
    this.#bytes += bytes;
  }

  #encodePending(kept: Kept): void {
    if (kept.pending.length === 0) return;
    const records = kept.pending.length === 1 ? kept.pending[0]! : kept.pending.flat();
    kept.pending = [];
    const texts = new Array<string>(records.length);
    const lengths = new Array<number>(records.length);
    const sizesOf = new Array<number>(records.length);
    let total = -1; // commas between records
    let recordsBytes = 0;
    for (let i = 0; i < records.length; i++) {
      texts[i] = recordsJsonItems(kept.topic, kept.partition, [records[i]!]);
      lengths[i] = Buffer.byteLength(texts[i]!);
      total += lengths[i]! + 1;
      sizesOf[i] = recordBytes(records[i]!);
      recordsBytes += sizesOf[i]! + PENDING_RECORD_BYTES;
    }
    this.#encoded += records.length;
    // Pending records were counted by their bytes and objects; a segment counts its capacity and index entries.
    this.#grow(kept, -recordsBytes + INDEX_RECORD_BYTES * records.length);
    let segment = kept.segments[kept.segments.length - 1];
    if (!segment || segment.buffer.length - segment.used < total + 1) {
      const capacity = Math.max(total, Math.min(kept.nextSegment, this.#segmentBytes));
      kept.nextSegment = Math.min(this.#segmentBytes, kept.nextSegment * 2);
      segment = { first: records[0]!.offset, buffer: Buffer.allocUnsafe(capacity), used: -1, starts: [0], sizes: [0], counted: capacity };
      kept.segments.push(segment);
      this.#grow(kept, capacity);
    }
    segment.counted += INDEX_RECORD_BYTES * records.length;
    // Bytes below `used` never change once written: answers hold slices of them.
    const { buffer, starts, sizes } = segment;
    let at = segment.used + 1;
    for (let i = 0; i < records.length; i++) {
      if (at > 0) buffer[at - 1] = COMMA_BYTE;
      buffer.write(texts[i]!, at, 'utf8');
      at += lengths[i]! + 1;
      starts.push(at);
      sizes.push(sizes[sizes.length - 1]! + sizesOf[i]!);
    }
    segment.used = at - 1;
    this.#evict();
  }

  /** Past maxBytes: the oldest segment or batch of the partition read longest ago goes, until under. */
  #evict(): void {
    while (this.#bytes > this.#maxBytes) {
      const oldest = this.#kept.entries().next();
      if (oldest.done) return void (this.#bytes = 0); // nothing kept holds anything
      const [key, kept] = oldest.value;
      const segment = kept.segments.shift();
      if (segment) {
        const count = segment.starts.length - 1;
        kept.start = segment.first + count;
        this.#grow(kept, -segment.counted);
      } else {
        const batch = kept.pending.shift();
        if (!batch) {
          this.#bytes -= kept.bytes;
          this.#kept.delete(key);
          continue;
        }
        kept.start = batch[batch.length - 1]!.offset + 1;
        this.#grow(kept, -pendingBytes(batch));
      }
      if (kept.start >= kept.end) {
        this.#bytes -= kept.bytes;
        this.#kept.delete(key);
      }
    }
  }
}

/** Index of the segment holding `offset` (segments in offset order, contiguous). */
function segmentOf(segments: readonly Segment[], offset: number): number {
  let lo = 0;
  let hi = segments.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (segments[mid]!.first <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function join(pieces: Buffer[]): Buffer {
  if (pieces.length === 1) return pieces[0]!;
  const parts: Buffer[] = [];
  for (const p of pieces) {
    if (parts.length > 0) parts.push(COMMA);
    parts.push(p);
  }
  return Buffer.concat(parts);
}
