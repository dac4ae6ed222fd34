/**
 * Retention by size on a partition's stream holding batches written before the size index (no Lw-Bytes
 * headers, as a gateway of an earlier version writes them, before or during an upgrade): counted record by
 * record, and the counted batches after them start a count of their own. On a real cluster.
 */
import { jetstreamManager, jetstream, type JetStreamClient } from '@nats-io/jetstream';
import { connect, headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { afterEach, describe, expect, it } from 'vitest';
import { BatchCache } from '../../../src/storage/jetstream/batch-cache.js';
import { BASE_HEADER, BYTES_FROM_HEADER, BYTES_HEADER, COUNT_HEADER, MAX_TS_HEADER, encodeBatch, recordBytes } from '../../../src/storage/jetstream/batch-codec.js';
import { PartitionLog } from '../../../src/storage/jetstream/partition-log.js';
import { offsetForSizeLimit } from '../../../src/storage/jetstream/size-limit.js';
import type { RecordToAppend, StoredRecord } from '../../../src/storage/log-store.js';
import { freshNamespace, useNatsCluster } from '../../helpers/nats-cluster.js';

const cluster = useNatsCluster();
const BIG = { maxRecords: 1_000_000, maxBytes: Number.MAX_SAFE_INTEGER };

const records = (n: number, size: number, key: string | null = null): RecordToAppend[] =>
  Array.from({ length: n }, () => ({ partition: 0, timestamp: 1_000, key, value: 'v'.repeat(size), headers: key ? '{"h":"1"}' : null }));

/** The reference: the first offset from which the records present fit `max`, dropping the oldest from `logStart`. */
function firstFitting(present: StoredRecord[], logStart: number, max: number): number {
  const kept = present.filter((r) => r.offset >= logStart);
  let rest = kept.reduce((n, r) => n + recordBytes(r), 0);
  let at = logStart;
  for (const r of kept) {
    if (rest <= max) break;
    rest -= recordBytes(r);
    at = r.offset + 1;
  }
  return at;
}

describe('jetstream retention by size over batches without the size index', () => {
  let nc: NatsConnection | undefined;
  afterEach(() => nc?.close());

  async function newStream() {
    nc = await connect({ servers: cluster.urls });
    const jsm = await jetstreamManager(nc);
    const stream = freshNamespace();
    await jsm.streams.add({ name: stream, subjects: [`${stream}.p`], num_replicas: 3 });
    const js = jetstream(nc);
    const log = () => new PartitionLog(js, jsm, stream, `${stream}.p`, 5_000, new BatchCache(0));
    return { js, jsm, stream, log, subject: `${stream}.p` };
  }

  /** A batch as a gateway before the size index wrote it: base, count and running maximum timestamp only. */
  async function publishUncounted(js: JetStreamClient, subject: string, base: number, batch: RecordToAppend[], lastSequence: number) {
    const h = natsHeaders();
    h.set(BASE_HEADER, String(base));
    h.set(COUNT_HEADER, String(batch.length));
    h.set(MAX_TS_HEADER, '1000');
    await js.publish(subject, encodeBatch(batch), { headers: h, expect: { lastSequence } });
  }

  it('counts uncounted batches record by record, and counted ones from where their count starts, before and after an old writer', async () => {
    const { js, jsm, stream, log, subject } = await newStream();
    const deadline = Date.now() + 10_000;
    // seq 1-2: uncounted (offsets 0-4); seq 3-4: counted from offset 5; seq 5: uncounted again (offset 11: an old
    // gateway wrote in between); seq 6-8: counted from its end (offset 12).
    await publishUncounted(js, subject, 0, records(3, 10), 0);
    await publishUncounted(js, subject, 3, records(2, 7, 'k'), 1);
    const first = log();
    await first.publish(records(4, 5), 'a', {}, deadline);
    const counted = await first.publish(records(2, 20, 'kk'), 'b', {}, deadline);
    expect(counted.stored?.get(BYTES_FROM_HEADER)).toBe('5');
    expect(counted.stored?.get(BYTES_HEADER)).toBe(String(4 * 5 + 2 * (2 + 20 + 9)));
    await publishUncounted(js, subject, 11, records(1, 3), 4);
    const second = log();
    const after = await second.publish(records(3, 4), 'c', {}, deadline);
    expect(after.base).toBe(12);
    expect(after.stored?.get(BYTES_FROM_HEADER)).toBe('12');
    await second.publish(records(1, 50, 'k'), 'd', {}, deadline);
    // The first writer's view of the tail is stale: refused, it re-reads the tail and continues its count.
    const late = await first.publish(records(2, 6), 'e', {}, deadline);
    expect(late.base).toBe(16);
    expect(late.stored?.get(BYTES_FROM_HEADER)).toBe('12');
    expect(late.stored?.get(BYTES_HEADER)).toBe(String(3 * 4 + (1 + 50 + 9) + 2 * 6));

    const all = await log().read(0, BIG);
    expect(all.map((r) => r.offset)).toEqual(Array.from({ length: 18 }, (_, i) => i));
    const expected = (logStart: number, max: number) => firstFitting(all, logStart, max);
    const reader = log();
    for (const logStart of [0, 2, 5, 7, 11, 12, 14, 15, 16, 17, 18]) {
      const total = all.filter((r) => r.offset >= logStart).reduce((n, r) => n + recordBytes(r), 0);
      for (const max of new Set([total + 5, total, total - 1, Math.floor(total / 2), 60, 59, 10, 1, 0])) {
        expect(await offsetForSizeLimit(reader, logStart, max), `log start ${logStart}, maxBytes ${max}`).toBe(expected(logStart, max));
      }
    }
    expect((await jsm.streams.info(stream)).state.messages).toBe(8);
  });
  it('counts from the first batch kept when compaction deleted the first counted one, above an uncounted batch', async () => {
    const { js, jsm, stream, log, subject } = await newStream();
    const deadline = Date.now() + 10_000;
    await publishUncounted(js, subject, 0, records(3, 10), 0); // seq 1: offsets 0-2, no count
    const writer = log();
    await writer.publish(records(2, 30), 'a', {}, deadline); // seq 2: offsets 3-4, the count starts at 3
    await writer.publish(records(3, 7), 'b', {}, deadline); // seq 3: offsets 5-7
    await writer.publish(records(1, 4), 'c', {}, deadline); // seq 4: offset 8
    // Compaction deletes seq 2, its bytes in the ledger first.
    const ledger = [{ from: 3, before: 5, bytes: 2 * 30 }];
    await jsm.streams.deleteMessage(stream, 2);

    const left = await log().read(0, BIG);
    expect(left.map((r) => r.offset)).toEqual([0, 1, 2, 5, 6, 7, 8]);
    const exact = (logStart: number, max: number) => firstFitting(left, logStart, max);
    const reader = log();
    for (const logStart of [0, 2, 3, 5]) {
      for (const max of [60, 59, 34, 25, 11, 4, 3, 0]) {
        expect(await offsetForSizeLimit(reader, logStart, max, async () => ledger), `log start ${logStart}, maxBytes ${max}`).toBe(exact(logStart, max));
      }
    }
  });
});
