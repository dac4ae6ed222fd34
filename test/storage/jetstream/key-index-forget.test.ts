/**
 * The key index of the cluster store forgets a partition whose topic was deleted (key-index.ts): its rows
 * go, and a catch-up that was still reading the partition's log when it was forgotten writes none after.
 * The log here is a list of records behind the index's own RecordSource interface, its read held open
 * until the test lets it answer; the index is the real SQLite one.
 */
import { describe, expect, it } from 'vitest';
import { KeyIndex, type RecordSource } from '../../../src/storage/jetstream/key-index.js';
import type { StoredRecord } from '../../../src/storage/log-store.js';

const records = (n: number): StoredRecord[] =>
  Array.from({ length: n }, (_, offset) => ({ offset, timestamp: 1_000, key: `k${offset}`, value: '1', headers: null }));

const logOf = (list: StoredRecord[]): RecordSource => ({ read: async (from) => list.filter((r) => r.offset >= from) });

describe('key index: forgetting a partition', () => {
  it('drops its rows and keeps the other partitions', async () => {
    const index = new KeyIndex(1024 * 1024);
    await index.catchUp('gone', logOf(records(3)), 0, 3);
    await index.catchUp('kept', logOf(records(3)), 0, 3);
    expect(index.rows).toBe(6);
    index.forget('gone');
    expect(index.rows).toBe(3);
    expect(index.latest('gone', 'k1', 0)).toBeUndefined();
    expect(index.latest('kept', 'k1', 0)).toBe(1);
    index.close();
  });

  it('writes nothing from a catch-up that was reading the log when the partition was forgotten', async () => {
    const index = new KeyIndex(1024 * 1024);
    await index.catchUp('kept', logOf(records(3)), 0, 3);
    let answer!: () => void;
    const held = new Promise<void>((resolve) => (answer = resolve));
    const slowLog: RecordSource = { read: async (from) => (await held, records(3).filter((r) => r.offset >= from)) };

    const catchingUp = index.catchUp('gone', slowLog, 0, 3);
    index.forget('gone');
    answer();
    await catchingUp;
    expect(index.rows).toBe(3);
    index.close();
  });
});
