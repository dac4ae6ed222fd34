/**
 * Topic and partition listings in pages, each topic with its totals (records, bytes): an answer whose
 * size is bounded by the page, however many topics and partitions there are, so a console can poll it.
 */
import { ErrorCode, GatewayError } from '../errors.js';
import type { LogStore, PartitionOffsets, TopicMeta } from '../storage/log-store.js';

export interface TopicSummary extends TopicMeta {
  /** Records from each partition's log start to its high watermark, summed (under compaction, at most this many are left). */
  records: number;
  /** Records ever appended: the sum of the high watermarks. Its growth between two looks is the topic's throughput. */
  appendedRecords: number;
  /** What the topic's partitions hold, in bytes (LogStore.partitionSizes). */
  bytes: number;
  partitionOffsets: PartitionOffsets[];
}

export interface TopicPageQuery {
  /** Most topics in the page; undefined: all of them. */
  limit?: number | undefined;
  /** Topics after this name (the previous page's `next`). */
  after?: string | undefined;
  /** Only names containing this, ignoring case. */
  contains?: string | undefined;
  /** Only topics the caller may see. */
  visible: (name: string) => boolean;
}

export interface TopicPage {
  topics: TopicSummary[];
  /** Topics matching the query (all pages). */
  total: number;
  /** Where the next page starts; undefined on the last page. */
  next?: string;
}

export interface PartitionSummary extends PartitionOffsets {
  bytes: number;
}

export async function topicSummary(store: LogStore, meta: TopicMeta): Promise<TopicSummary> {
  const [partitionOffsets, sizes] = await Promise.all([store.offsets(meta.name), store.partitionSizes(meta.name)]);
  let records = 0;
  let appendedRecords = 0;
  for (const p of partitionOffsets) {
    records += p.highWatermark - p.logStartOffset;
    appendedRecords += p.highWatermark;
  }
  return { ...meta, records, appendedRecords, bytes: sizes.reduce((n, b) => n + b, 0), partitionOffsets };
}

export async function topicPage(store: LogStore, query: TopicPageQuery): Promise<TopicPage> {
  const needle = query.contains?.toLowerCase();
  // In code-unit order (names are ASCII: byte order), whatever order the store lists in, so a page is the names after the cursor.
  const matching = (await store.listTopics())
    .filter((t) => query.visible(t.name) && (needle === undefined || t.name.toLowerCase().includes(needle)))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const after = query.after;
  const start = after === undefined ? 0 : countWhile(matching, (t) => t.name <= after);
  const page = matching.slice(start, query.limit === undefined ? undefined : start + query.limit);
  const summaries = await Promise.all(page.map((meta) => topicSummary(store, meta).catch(droppedIfDeleted)));
  const last = page.at(-1);
  const more = last !== undefined && start + page.length < matching.length;
  return { topics: summaries.filter((t) => t !== undefined), total: matching.length, ...(more ? { next: last.name } : {}) };
}

/** Partitions [from, from + limit) of a topic with their bounds and bytes, and the topic's partition count. */
export async function partitionPage(store: LogStore, topic: string, from: number, limit: number): Promise<{ partitions: PartitionSummary[]; total: number }> {
  const [offsets, sizes] = await Promise.all([store.offsets(topic), store.partitionSizes(topic, { from, before: from + limit })]);
  const partitions = offsets.slice(from, from + limit).map((p) => ({ ...p, bytes: sizes[p.partition - from] ?? 0 }));
  return { partitions, total: offsets.length };
}

function countWhile<T>(sorted: readonly T[], test: (item: T) => boolean): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (test(sorted[mid]!)) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** A topic deleted between the listing and its summary is left out of the page, not an error. */
function droppedIfDeleted(err: unknown): undefined {
  if (err instanceof GatewayError && err.code === ErrorCode.TOPIC_NOT_FOUND) return undefined;
  throw err;
}
