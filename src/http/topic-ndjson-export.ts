/**
 * A topic read answered as NDJSON (`Accept: application/x-ndjson`): one record per line, every
 * partition interleaved page by page, streamed with bounded memory (ndjsonPages).
 *
 * Where to continue is a header, as the partition export gives its bounds in headers, so every
 * line is a record and `curl ... | jq` needs no filter: the answer's end is fixed before the first
 * line (each partition's high watermark when it starts, after the long-poll if it waited, and with
 * `limit` a fair share of it per partition), so `Logway-Cursor` can name it up front.
 * `maxBytes` is refused: a byte budget is only known once the records are read, after the headers.
 */
import type { Config } from '../config.js';
import type { Log } from '../core/log.js';
import { recordsNdjson } from '../core/record-codec.js';
import { TopicCursor, type PositionReset, type TopicReader } from '../core/topic-reader.js';
import { NDJSON_TYPE } from './ndjson.js';
import { ndjsonPages } from './ndjson-export.js';
import type { ReadOptions } from './read-options.js';

export async function topicNdjsonExport(
  log: Log,
  reader: TopicReader,
  config: Pick<Config, 'fetchDefaultLimit' | 'fetchDefaultMaxBytes'>,
  opened: { cursor: TopicCursor; resets: PositionReset[] },
  limit: number | undefined,
  options: ReadOptions,
): Promise<Response> {
  const { cursor } = opened;
  const topic = cursor.topic.name;
  // The long-poll (and retention's resets) of a JSON read, on a copy: its one record is read again below.
  const probe = new TopicCursor(cursor.topic, cursor.position());
  const waited = await reader.read(probe, { maxRecords: 1, maxBytes: 1, waitMs: options.waitMs, signals: options.signals, format: options.format });
  const resets = [...opened.resets, ...waited.resets];
  const bounds = await log.topicOffsets(topic);
  resets.push(...cursor.settle(bounds));

  const next = new Map(cursor.offsets);
  const end = endOffsets(next, bounds, limit);
  const endCursor = new TopicCursor(cursor.topic, { allPartitions: cursor.allPartitions, offsets: end }).encode();
  const partitions = [...next.keys()].filter((p) => next.get(p)! < end.get(p)!).sort((a, b) => a - b);
  let turn = 0;

  const body = ndjsonPages(async () => {
    if (partitions.length === 0) return undefined;
    // Round the partitions a page at a time, so every partition's records come early in the stream.
    turn %= partitions.length;
    const partition = partitions[turn]!;
    const from = next.get(partition)!;
    const to = end.get(partition)!;
    const read = await log.read(topic, partition, from, Math.min(config.fetchDefaultLimit, to - from), config.fetchDefaultMaxBytes, options.format);
    // A compacted partition may have no record left below the end: the read then gives later ones.
    const page = read.filter((r) => r.offset < to);
    const last = page.at(-1);
    if (last === undefined || last.offset + 1 >= to || page.length < read.length) {
      // Done with this partition (or retention/deletion emptied it meanwhile: the stream ends where the log does).
      partitions.splice(turn, 1);
    } else {
      next.set(partition, last.offset + 1);
      turn++;
    }
    return recordsNdjson(topic, partition, page);
  });
  const headers: Record<string, string> = {
    'content-type': NDJSON_TYPE,
    // Where the next read continues once every line is taken (records below it that compaction or retention removed are simply not there).
    'logway-cursor': endCursor,
  };
  if (resets.length > 0) headers['logway-reset'] = JSON.stringify(resets);
  return new Response(body, { status: 200, headers });
}

/**
 * Where each partition's part of the answer ends: its high watermark now; with `limit`, a fair
 * share of the limit instead (equal shares of what is left among the partitions that still have
 * offsets, leftovers going round from a start that moves with the position, as TopicReader does).
 * Offsets are counted, not records: a compacted partition may hold fewer, so `limit` is a bound.
 */
function endOffsets(start: ReadonlyMap<number, number>, bounds: readonly { partition: number; highWatermark: number }[], limit: number | undefined): Map<number, number> {
  const available = new Map<number, number>();
  for (const [p, offset] of start) available.set(p, Math.max(0, (bounds[p]?.highWatermark ?? offset) - offset));
  const take = new Map<number, number>();
  for (const p of start.keys()) take.set(p, limit === undefined ? available.get(p)! : 0);
  if (limit !== undefined) {
    let left = limit;
    let turn = 0;
    for (const offset of start.values()) turn += offset;
    const order = [...start.keys()].sort((a, b) => a - b);
    const rotated = order.map((_, i) => order[(i + turn) % order.length]!);
    for (;;) {
      const open = rotated.filter((p) => take.get(p)! < available.get(p)!);
      if (left <= 0 || open.length === 0) break;
      const share = Math.max(1, Math.floor(left / open.length));
      for (const p of open) {
        const add = Math.min(share, available.get(p)! - take.get(p)!, left);
        take.set(p, take.get(p)! + add);
        left -= add;
        if (left <= 0) break;
      }
    }
  }
  return new Map([...start].map(([p, offset]) => [p, offset + take.get(p)!]));
}
