/**
 * Back-pressure on produce: the bytes waiting for a group commit are bounded by
 * maxPendingProduceBytes. The store is the real SQLite store; its append is held
 * behind a gate so that a commit is "in flight" for as long as the test needs.
 */
import { describe, expect, onTestFinished, test } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { Log } from '../../src/core/log.js';
import { Notifier } from '../../src/core/notifier.js';
import { decodeProduceRecord } from '../../src/core/record-codec.js';
import type { LogStore } from '../../src/storage/log-store.js';
import { openSqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import { tempDir } from '../helpers/gateway.js';
import { intercept } from '../helpers/intercept.js';

function gatedStore() {
  const store = openSqliteStore({ dataDir: tempDir(), synchronous: 'NORMAL' });
  onTestFinished(() => store.close());
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const gated = intercept(store, {
    append: (append) => async (requests) => {
      await gate;
      return append(requests);
    },
  });
  return { store, gated, open };
}

function logWithLimit(store: LogStore, maxPendingProduceBytes: number): Log {
  const settings = {
    autoCreateTopics: false,
    defaultPartitions: 1,
    maxPartitions: 10,
    maxRecordBytes: 100_000,
    idempotencyWindowMs: 60_000,
    maxPendingProduceBytes,
  };
  return new Log(store, new Notifier(), settings, systemClock);
}

const record = (bytes: number) => decodeProduceRecord({ value: 'x'.repeat(bytes - 2) }); // JSON quotes count

describe('produce back-pressure', () => {
  test('a produce that would pass maxPendingProduceBytes is refused with OVERLOADED and appends nothing', async () => {
    const { store, gated, open } = gatedStore();
    const log = logWithLimit(gated, 10_000);
    await log.createTopic('t', 1);

    // 6,000 bytes wait behind the gate; 3,000 more still fit; 2,000 more do not.
    const first = log.produce('t', [record(6_000)]);
    const second = log.produce('t', [record(3_000)]);
    await expect(log.produce('t', [record(2_000)])).rejects.toMatchObject({
      code: 'OVERLOADED',
      details: { retryAfterSeconds: 1 },
    });

    open();
    const results = await Promise.all([first, second]);
    expect(results.map((r) => r.positions[0]!.offset)).toEqual([0, 1]);
    expect((await store.offsets('t'))[0]!.highWatermark).toBe(2);

    // Once the queue drained, the same request is accepted.
    expect((await log.produce('t', [record(2_000)])).positions[0]!.offset).toBe(2);
  });

  test('a lone request larger than the limit still goes (the body limit bounds it)', async () => {
    const { open, gated } = gatedStore();
    open();
    const log = logWithLimit(gated, 1_024);
    await log.createTopic('t', 1);
    expect((await log.produce('t', [record(5_000)])).positions).toHaveLength(1);
  });
});
