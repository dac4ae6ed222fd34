/**
 * What the cluster tests (failover, partition) check of one partition read back once the cluster has
 * healed: offsets dense, no record stored twice, every acknowledged record at its acknowledged offset,
 * and a refused request either absent or whole and in order (a 503 promises nothing either way).
 */
import { expect } from 'vitest';

/** One produce request's records for the partition, and where each was acknowledged (only for a 200). */
export interface SentToPartition {
  values: string[];
  ackedOffsets?: number[];
}

export function expectAcknowledgedExactlyOnce(stored: { offset: number; value: string }[], sent: SentToPartition[]): void {
  expect(stored.map((r) => r.offset), 'dense offsets').toEqual(stored.map((_, i) => i));
  const at = new Map<string, number[]>();
  for (const r of stored) at.set(r.value, [...(at.get(r.value) ?? []), r.offset]);
  expect([...at.entries()].filter(([, offsets]) => offsets.length > 1), 'no record stored twice').toEqual([]);
  for (const s of sent) {
    const offsets = s.values.map((v) => at.get(v)?.[0]);
    if (s.ackedOffsets) {
      expect(offsets, 'every acknowledged record at its acknowledged offset').toEqual(s.ackedOffsets);
    } else if (offsets.some((o) => o !== undefined)) {
      expect(offsets, 'no torn batch').toEqual(s.values.map((_, i) => offsets[0]! + i));
    }
  }
}
