import { describe, expect, it } from 'vitest';
import { BatchCache } from '../../../src/storage/jetstream/batch-cache.js';
import type { StoredRecord } from '../../../src/storage/log-store.js';

const batch = (offset: number): StoredRecord[] => [{ offset, timestamp: 0, key: null, value: '1', headers: null }];

describe('BatchCache (natsBatchCacheBytes)', () => {
  it('keeps at most its bytes, dropping the oldest batches first', () => {
    const cache = new BatchCache(1000);
    for (let seq = 1; seq <= 5; seq++) cache.put('s', seq, batch(seq), 250);
    expect([1, 2, 3, 4, 5].map((seq) => cache.get('s', seq) !== undefined)).toEqual([false, true, true, true, true]);
  });

  it('keeps no batch over a quarter of its bytes, so one huge batch cannot flush the rest', () => {
    const cache = new BatchCache(1000);
    cache.put('s', 1, batch(1), 100);
    cache.put('s', 2, batch(2), 251);
    expect(cache.get('s', 2)).toBeUndefined();
    expect(cache.get('s', 1)).toEqual(batch(1));
  });

  it('keeps nothing when its size is 0', () => {
    const cache = new BatchCache(0);
    cache.put('s', 1, batch(1), 1);
    expect(cache.get('s', 1)).toBeUndefined();
  });
});
