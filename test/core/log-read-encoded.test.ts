/**
 * Log.fetch and Log.readEncoded answer with encoded records: encoded by the store where it
 * can (SQLite), else by the core from read()'s records. Both must give the same answer.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { Log } from '../../src/core/log.js';
import { Notifier } from '../../src/core/notifier.js';
import { decodeProduceRecord } from '../../src/core/record-codec.js';
import { openSqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import { parseEncoded } from '../helpers/encoded.js';
import { tempDir } from '../helpers/gateway.js';
import { intercept } from '../helpers/intercept.js';

const SETTINGS = { autoCreateTopics: false, defaultPartitions: 1, maxPartitions: 4, maxRecordBytes: 1 << 20, idempotencyWindowMs: 1_000 };

async function logs() {
  const store = openSqliteStore({ dataDir: tempDir(), synchronous: 'NORMAL' });
  onTestFinished(() => store.close());
  let encodedByStore = 0;
  const counting = intercept(store, {
    readEncoded: (readEncoded) => async (...args) => {
      const encoded = await readEncoded!(...args);
      if (encoded) encodedByStore++;
      return encoded;
    },
  });
  // The same data, through a store that never encodes (as a backend without readEncoded).
  const declining = intercept(store, { readEncoded: () => async () => undefined });
  const log = new Log(counting, new Notifier(), SETTINGS, systemClock);
  const plain = new Log(declining, new Notifier(), SETTINGS, systemClock);
  await log.createTopic('t', 1);
  await log.produce('t', [
    decodeProduceRecord({ key: 'k☃', value: { a: [1, 'two'] }, headers: { h: 'v"' } }),
    decodeProduceRecord({ keyEncoding: 'base64', key: 'AAEC', valueEncoding: 'base64', value: '/w==' }),
    ...Array.from({ length: 20 }, (_, i) => decodeProduceRecord({ value: 'x'.repeat(i * 10) })),
  ]);
  return { log, plain, encodedByStore: () => encodedByStore };
}

describe('encoded reads', () => {
  it('fetch gives the same records whether the store encodes them or the core does', async () => {
    const { log, plain, encodedByStore } = await logs();
    for (const [offset, maxRecords, maxBytes] of [
      [0, 100, 1 << 20],
      [1, 5, 1 << 20],
      [3, 100, 50], // a budget that stops early: counted by read(), so the store declines
      [22, 10, 1_000],
    ] as const) {
      const options = { maxRecords, maxBytes, waitMs: 0 };
      const a = await log.fetch('t', 0, offset, options);
      const b = await plain.fetch('t', 0, offset, options);
      expect({ ...a, json: parseEncoded(a.json) }).toEqual({ ...b, json: parseEncoded(b.json) });
    }
    // The first two; the tight budget is declined, and a read at the high watermark asks no store.
    expect(encodedByStore()).toBe(2);
    const first = parseEncoded((await plain.fetch('t', 0, 0, { maxRecords: 2, maxBytes: 1 << 20, waitMs: 0 })).json);
    expect(first).toEqual([
      { topic: 't', partition: 0, offset: 0, timestamp: expect.any(Number), key: 'k☃', value: { a: [1, 'two'] }, headers: { h: 'v"' } },
      { topic: 't', partition: 0, offset: 1, timestamp: expect.any(Number), key: 'AAEC', keyEncoding: 'base64', value: '/w==', valueEncoding: 'base64', headers: {} },
    ]);
  });

  it('readEncoded reports the count and the offset after the last record, or the offset asked for when there is none', async () => {
    const { log } = await logs();
    const some = await log.readEncoded('t', 0, 20, 10, 1 << 20);
    expect({ count: some.count, nextOffset: some.nextOffset }).toEqual({ count: 2, nextOffset: 22 });
    const none = await log.readEncoded('t', 0, 22, 10, 1 << 20);
    expect({ count: none.count, nextOffset: none.nextOffset, bytes: none.json.length }).toEqual({ count: 0, nextOffset: 22, bytes: 0 });
  });
});
