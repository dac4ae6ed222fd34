import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { murmur2, partitionForKey, RoundRobin } from '../../src/core/partitioner.js';

const utf8 = (s: string) => Buffer.from(s, 'utf8');

describe('murmur2', () => {
  // The vectors of Kafka's own UtilsTest.testMurmur2 (clients/src/test/java/org/apache/kafka/common/utils/UtilsTest.java).
  // Matching them is what makes a key land on the same partition number here as in Kafka.
  it.each([
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
  ])('hashes %j exactly as Kafka does', (input, expected) => {
    expect(murmur2(utf8(input))).toBe(expected);
  });

  it("hashes the bytes 'a','b','c' exactly as Kafka does", () => {
    expect(murmur2(new Uint8Array([0x61, 0x62, 0x63]))).toBe(479470107);
  });

  it('covers every tail length (0-3 trailing bytes) and returns a signed 32-bit integer', () => {
    for (const s of ['', 'a', 'ab', 'abc', 'abcd', 'abcde']) {
      const h = murmur2(utf8(s));
      expect(Number.isInteger(h)).toBe(true);
      expect(h).toBe(h | 0);
    }
  });

  it('hashes bytes, not characters: a key and its UTF-8 bytes hash alike; high bytes are unsigned', () => {
    const bytes = new Uint8Array([0xff, 0x00, 0x80, 0x7f, 0xfe]);
    expect(murmur2(bytes)).toBe(murmur2(Buffer.from(bytes)));
    // Sign extension of bytes >= 0x80 is a classic port bug: it must differ from the masked input.
    expect(murmur2(new Uint8Array([0xff]))).not.toBe(murmur2(new Uint8Array([0x7f])));
  });
});

describe('partitionForKey', () => {
  it('masks the sign bit (Utils.toPositive) before the modulo', () => {
    // toPositive(-790332482) = 1357151166; 1357151166 % 50 = 16.
    expect(partitionForKey(utf8('foobar'), 50)).toBe(16);
    expect(partitionForKey(utf8('foobar'), 1)).toBe(0);
    for (const [key, hash] of [
      ['21', -973932308],
      ['a-little-bit-long-string', -985981536],
      ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ] as const) {
      for (const n of [1, 3, 7, 12, 100]) expect(partitionForKey(utf8(key), n)).toBe((hash & 0x7fffffff) % n);
    }
  });

  it('is deterministic and always in [0, partitions)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.integer({ min: 1, max: 10_000 }), (key, partitions) => {
        const p = partitionForKey(key, partitions);
        expect(Number.isInteger(p)).toBe(true);
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThan(partitions);
        expect(partitionForKey(Uint8Array.from(key), partitions)).toBe(p);
      }),
      { numRuns: 500 },
    );
  });

  it('spreads distinct keys over every partition', () => {
    const counts = new Array<number>(8).fill(0);
    for (let i = 0; i < 4000; i++) counts[partitionForKey(utf8(`key-${i}`), 8)]!++;
    // A uniform hash puts ~500 in each; a broken one (e.g. sign not masked) leaves some empty.
    for (const c of counts) expect(c).toBeGreaterThan(350);
  });
});

describe('RoundRobin', () => {
  it('spreads keyless records evenly: counts differ by at most one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 16 }), fc.integer({ min: 0, max: 200 }), (partitions, n) => {
        const rr = new RoundRobin();
        const counts = new Array<number>(partitions).fill(0);
        for (let i = 0; i < n; i++) {
          const p = rr.next('t', partitions);
          expect(p).toBeGreaterThanOrEqual(0);
          expect(p).toBeLessThan(partitions);
          counts[p]!++;
        }
        expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('keeps a cursor per topic and stays in range when the partition count changes', () => {
    const rr = new RoundRobin();
    expect([rr.next('a', 3), rr.next('a', 3), rr.next('b', 3), rr.next('a', 3)]).toEqual([0, 1, 0, 2]);
    rr.next('c', 5);
    rr.next('c', 5);
    rr.next('c', 5);
    rr.next('c', 5); // cursor at 4
    expect(rr.next('c', 2)).toBeLessThan(2);
    rr.forget('a');
    expect(rr.next('a', 3)).toBe(0);
  });
});
