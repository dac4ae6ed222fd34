import { describe, expect, test } from 'vitest';
import { recordsJsonItems, recordsToJson } from '../../src/core/record-codec.js';
import type { StoredRecord } from '../../src/storage/log-store.js';

const record = (offset: number, value: string | Uint8Array, key: string | Uint8Array | null = null): StoredRecord => ({
  offset,
  timestamp: 1_700_000_000_000 + offset,
  key,
  value,
  headers: null,
});

describe('recordsJsonItems', () => {
  test('is recordsToJson without the brackets, so partitions can be joined into one array', () => {
    const a = [record(0, '{"n":1}', 'k'), record(1, Uint8Array.from([1, 2, 3]))];
    const b = [record(7, '"é"')];
    expect(recordsJsonItems('t', 0, [])).toBe('');
    expect('[' + recordsJsonItems('t', 0, a) + ']').toBe(recordsToJson('t', 0, a));
    const joined = JSON.parse('[' + recordsJsonItems('t', 0, a) + ',' + recordsJsonItems('t', 1, b) + ']');
    expect(joined.map((r: { partition: number; offset: number }) => `${r.partition}@${r.offset}`)).toEqual(['0@0', '0@1', '1@7']);
    expect(joined[1]).toMatchObject({ value: 'AQID', valueEncoding: 'base64' });
    expect(joined[2].value).toBe('é');
  });
});
