import { describe, expect, it } from 'vitest';
import { decodeBatch, encodeBatch, encodedSize, framingSize, recordBytes } from '../../../src/storage/jetstream/batch-codec.js';

const records = [
  { timestamp: 1, key: null, value: '"plain"', headers: null },
  { timestamp: 2.5e12, key: 'clé-ü', value: '{"text":"日本語 ✓"}', headers: '{"h":"v"}' },
  { timestamp: 3, key: new Uint8Array([0, 255, 7]), value: new Uint8Array([1, 2, 3, 4]), headers: null },
  { timestamp: 4, key: '', value: '', headers: '{}' },
];

describe('batch codec', () => {
  it('decodes what it encodes, multi-byte text and bytes alike, at offsets from the base', () => {
    const payload = encodeBatch(records);
    expect(payload.byteLength).toBe(records.reduce((n, r) => n + encodedSize(r), 0));
    const decoded = decodeBatch(payload, 40);
    expect(decoded.map((r) => r.offset)).toEqual([40, 41, 42, 43]);
    expect(decoded.map(({ offset: _, ...r }) => r)).toEqual(records);
  });

  it("splits each record's payload bytes into its key, value and headers bytes and the framing (what Lw-Bytes counts)", () => {
    expect(records.map(recordBytes)).toEqual([7, 7 + 24 + 9, 7, 2]);
    for (const r of records) expect(recordBytes(r) + framingSize(r)).toBe(encodedSize(r));
  });
});
