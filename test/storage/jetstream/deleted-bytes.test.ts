/**
 * The ledger of what compaction deleted (src/storage/jetstream/deleted-bytes.ts): what retention by size
 * subtracts from the running count. It may count more as deleted at an offset than was, never less.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deletedFrom, MAX_RANGES, withRanges, type DeletedRange } from '../../../src/storage/jetstream/deleted-bytes.js';

const range = (from: number, before: number, bytes: number): DeletedRange => ({ from, before, bytes });

describe('the ledger of deleted bytes', () => {
  it('counts a range at an offset when any of it lies at or after the offset', () => {
    const ranges = [range(2, 4, 10), range(10, 11, 5)];
    expect(deletedFrom(ranges, 0)).toBe(15);
    expect(deletedFrom(ranges, 3)).toBe(15); // inside the first range: all of it
    expect(deletedFrom(ranges, 4)).toBe(5);
    expect(deletedFrom(ranges, 10)).toBe(5);
    expect(deletedFrom(ranges, 11)).toBe(0);
  });

  it('drops ranges wholly below the log start, merges overlapping ones, and keeps at most the limit by merging the lightest neighbours', () => {
    const added = [range(0, 2, 1), range(5, 6, 2), range(5, 7, 4), range(20, 21, 8), range(9, 10, 16), range(12, 13, 32)];
    expect(withRanges([], added, 2, 10)).toEqual([range(5, 7, 6), range(9, 10, 16), range(12, 13, 32), range(20, 21, 8)]);
    // Neighbours together: 6 + 16 = 22, 16 + 32 = 48, 32 + 8 = 40: the first pair merges; then 22 + 32, 32 + 8.
    expect(withRanges([], added, 2, 3)).toEqual([range(5, 10, 22), range(12, 13, 32), range(20, 21, 8)]);
    expect(withRanges([], added, 2, 2)).toEqual([range(5, 10, 22), range(12, 21, 40)]);
  });

  it('keeps each range small against the whole when deletions come in many rounds, none absorbing the rest', () => {
    // 1,000 deleted batches of 10 bytes, one apart, added 32 a round as compaction writes them.
    let ledger: DeletedRange[] = [];
    for (let b = 0; b < 1_000; b += 32) {
      const round = Array.from({ length: Math.min(32, 1_000 - b) }, (_, i) => range(2 * (b + i), 2 * (b + i) + 1, 10));
      ledger = withRanges(ledger, round, 0);
    }
    expect(ledger).toHaveLength(MAX_RANGES);
    expect(ledger.reduce((n, r) => n + r.bytes, 0)).toBe(10_000);
    expect(Math.max(...ledger.map((r) => r.bytes))).toBeLessThanOrEqual((2 * 10_000) / MAX_RANGES);
  });

  it('never counts less as deleted at or after any offset than the batches deleted there, however it merges', () => {
    // Deleted batches: disjoint offset ranges, added in rounds, merged down to few ranges.
    const batches = fc
      .uniqueArray(fc.integer({ min: 0, max: 500 }), { minLength: 1, maxLength: 80 })
      .chain((starts) => fc.tuple(fc.constant(starts.sort((a, b) => a - b)), fc.array(fc.integer({ min: 1, max: 100 }), { minLength: starts.length, maxLength: starts.length })));
    fc.assert(
      fc.property(batches, fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 0, max: 300 }), ([starts, sizes], round, max, logStart) => {
        const deleted = starts.map((s, i) => range(s, s + 1, sizes[i]!));
        let ledger: DeletedRange[] = [];
        for (let i = 0; i < deleted.length; i += round) ledger = withRanges(ledger, deleted.slice(i, i + round), logStart, max);
        expect(ledger.length).toBeLessThanOrEqual(max);
        for (let o = logStart; o <= 502; o++) {
          const exact = deleted.filter((d) => d.from >= o).reduce((n, d) => n + d.bytes, 0);
          expect(deletedFrom(ledger, o)).toBeGreaterThanOrEqual(exact);
        }
      }),
    );
  });
});
