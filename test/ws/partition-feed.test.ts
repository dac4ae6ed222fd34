/** PartitionFeed: the offset bookkeeping that keeps a socket free of gaps and duplicates. */
import { describe, expect, it } from 'vitest';
import type { AppendedRecords } from '../../src/core/notifier.js';
import { PartitionFeed } from '../../src/ws/partition-feed.js';

function batch(from: number, count: number): AppendedRecords {
  const records = Array.from({ length: count }, (_, i) => ({ offset: from + i, timestamp: 0, key: null, value: '1', headers: null }));
  return { topic: 't', partition: 0, records, highWatermark: from + count };
}

function liveFeed(position: number): PartitionFeed {
  const feed = new PartitionFeed('t', 0, position, position);
  expect(feed.tryGoLive()).toBe(true);
  return feed;
}

describe('PartitionFeed', () => {
  it('goes live only when no append it has heard of lies beyond its position', () => {
    const feed = new PartitionFeed('t', 0, 5, 5);
    feed.offer(batch(5, 3)); // heard while catching up: ignored, but remembered
    expect(feed.hasQueued).toBe(false);
    expect(feed.tryGoLive()).toBe(false);
    feed.position = 8;
    expect(feed.tryGoLive()).toBe(true);
  });

  it('queues a batch that starts at its position whole, by reference', () => {
    const feed = liveFeed(5);
    const b = batch(5, 3);
    feed.offer(b);
    expect(feed.queuedBytes).toBe(3);
    const taken = feed.take(10)!;
    expect(taken).toEqual({ batch: b.records, start: 0, end: 3 });
    expect(taken.batch).toBe(b.records);
    expect(feed.hasQueued).toBe(false);
  });

  it('skips what it already has and slices an overlapping batch', () => {
    const feed = liveFeed(5);
    feed.offer(batch(3, 2)); // entirely before: ignored
    expect(feed.hasQueued).toBe(false);
    feed.offer(batch(3, 4)); // 3..6: only 5 and 6 are new
    const taken = feed.take(10)!;
    expect(taken.batch.slice(taken.start, taken.end).map((r) => r.offset)).toEqual([5, 6]);
    feed.offer(batch(5, 2)); // a repeat of what is sent
    expect(feed.hasQueued).toBe(false);
  });

  it('falls back to reading the log when a batch would leave a gap', () => {
    const feed = liveFeed(5);
    feed.offer(batch(5, 2));
    feed.offer(batch(9, 1)); // 7 and 8 never arrived
    expect(feed.live).toBe(false);
    expect(feed.hasQueued).toBe(false);
    expect(feed.position).toBe(5);
    expect(feed.knownHighWatermark).toBe(10);
  });

  it('takes at most what credit allows, in order, across batches', () => {
    const feed = liveFeed(0);
    feed.offer(batch(0, 3));
    feed.offer(batch(3, 3));
    const offsets: number[] = [];
    for (let t = feed.take(2); t; t = feed.take(2)) {
      expect(t.end - t.start).toBeLessThanOrEqual(2);
      offsets.push(...t.batch.slice(t.start, t.end).map((r) => r.offset));
    }
    expect(offsets).toEqual([0, 1, 2, 3, 4, 5]);
    expect(feed.queuedBytes).toBe(0);
  });
});
