/** The cursor: an opaque, URL-safe, versioned position in a topic that decodes to what was encoded. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CURSOR_VERSION, decodeCursor, encodeCursor, topicFingerprint } from '../../src/core/cursor.js';

const topic = { name: 'orders', createdAt: 1_767_225_600_000 };

describe('cursor', () => {
  it('decodes to the positions encoded, for any partitions and offsets up to 2^53-1', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.uniqueArray(fc.tuple(fc.nat({ max: 100_000 }), fc.maxSafeNat()), { selector: ([p]) => p, maxLength: 50 }),
        (allPartitions, pairs) => {
          const offsets = new Map(pairs);
          const text = encodeCursor(topic, { allPartitions, offsets });
          expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
          const decoded = decodeCursor(text);
          expect(decoded).toEqual({ fingerprint: topicFingerprint(topic), allPartitions, offsets });
        },
      ),
    );
  });

  it('is short: three partitions near a million records fit in 28 characters', () => {
    const text = encodeCursor(topic, { allPartitions: true, offsets: new Map([[0, 1_000_000], [1, 999_999], [2, 1_000_001]]) });
    expect(text.length).toBeLessThanOrEqual(28);
  });

  it('names its topic: another topic, or the same name created again, has another fingerprint', () => {
    expect(topicFingerprint(topic)).not.toBe(topicFingerprint({ ...topic, name: 'orders2' }));
    expect(topicFingerprint(topic)).not.toBe(topicFingerprint({ ...topic, createdAt: topic.createdAt + 1 }));
  });

  it('starts with its version, and refuses versions it does not know', () => {
    const bytes = Buffer.from(encodeCursor(topic, { allPartitions: true, offsets: new Map([[0, 1]]) }), 'base64url');
    expect(bytes[0]).toBe(CURSOR_VERSION);
    bytes[0] = 2;
    expect(decodeCursor(bytes.toString('base64url'))).toMatch(/version 2/);
  });

  it('gives a reason for text that is not a cursor, never a position', () => {
    const good = encodeCursor(topic, { allPartitions: false, offsets: new Map([[0, 300], [4, 5]]) });
    for (const bad of ['', 'not a cursor!', 'AQ', good.slice(0, -2), good + 'AA', 'x'.repeat(70_000)]) {
      expect(typeof decodeCursor(bad), bad.slice(0, 40)).toBe('string');
    }
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'ABCDEFabcdef0123456789-_'), maxLength: 60 }), (text) => {
        const decoded = decodeCursor(text);
        // Random text is rarely a cursor; when it does decode, every offset is an exact integer.
        if (typeof decoded !== 'string') {
          for (const offset of decoded.offsets.values()) expect(Number.isSafeInteger(offset)).toBe(true);
        }
      }),
    );
  });
});
