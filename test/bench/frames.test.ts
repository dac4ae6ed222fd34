/**
 * The benchmark reads a socket's position from each frame without parsing it
 * (bench/lib/ws-clients.ts). These tests pin that shortcut to the frames the
 * gateway really sends, so a change of frame format fails here instead of
 * making `npm run bench` wait for offsets it can no longer see.
 */
import { describe, expect, it } from 'vitest';
import { firstOffsetIn, isRecordsFrame, isSubscribedFrame, lastOffsetIn } from '../../bench/lib/ws-clients.js';
import { produceBody, valueText, VALUE_BYTES } from '../../bench/lib/records.js';
import { recordsFrame } from '../../src/ws/records-frame.js';
import type { StoredRecord } from '../../src/storage/log-store.js';

const record = (offset: number, extra: Partial<StoredRecord> = {}): StoredRecord => ({
  offset,
  timestamp: 1_764_100_000_000,
  key: null,
  value: valueText(offset),
  headers: null,
  ...extra,
});

describe('bench frame shortcuts', () => {
  it('find the first and last offsets of a gateway records frame', () => {
    const frame = Buffer.from(recordsFrame('bench', 0, [record(41), record(42), record(43)]));
    expect(isRecordsFrame(frame)).toBe(true);
    expect(firstOffsetIn(frame)).toBe(41);
    expect(lastOffsetIn(frame)).toBe(43);
  });

  it('rely on the benchmark\'s own records never containing the text they search for', () => {
    // The shortcut finds the last `"offset":` in a frame; a key, value or header holding that
    // text would mislead it, so the benchmark produces only keyless records with plain values.
    const frame = Buffer.from(recordsFrame('bench', 0, Array.from({ length: 1000 }, (_, i) => record(i))));
    expect(frame.toString().split('"offset":')).toHaveLength(1001);
    expect(lastOffsetIn(frame)).toBe(999);
  });

  it('ignore frames that are not records', () => {
    const subscribed = Buffer.from(JSON.stringify({ type: 'subscribed', topic: 'bench', partitions: [{ partition: 0, offset: 5 }] }));
    expect(isSubscribedFrame(subscribed)).toBe(true);
    expect(lastOffsetIn(subscribed)).toBe(-1);
    expect(firstOffsetIn(subscribed)).toBe(-1);
  });

  it('produce bodies hold values of exactly VALUE_BYTES as stored', () => {
    const body = JSON.parse(produceBody(3, 98)) as { records: { value: string }[] };
    expect(body.records).toHaveLength(3);
    for (const r of body.records) expect(Buffer.byteLength(JSON.stringify(r.value))).toBe(VALUE_BYTES);
  });
});
