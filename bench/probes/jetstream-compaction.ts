/**
 * How fast the cluster store compacts (src/storage/jetstream/compaction.ts): `records` single-record batches
 * over `keys` keys are appended to one partition of a compacted topic, then compacted in steps of 5 ms as
 * the cleanup pass runs them; reported: batches deleted per second, and a read of the partition from its
 * start before and after (the gaps are skipped, one request each).
 *
 * Usage: NATS_URLS=nats://...,nats://... npx tsx bench/probes/jetstream-compaction.ts [records=5000] [keys=50]
 * (`npm run cluster:up` prints such URLs.)
 */
import { openJetStreamStore } from '../../src/storage/jetstream/open-store.js';

const records = Number(process.argv[2] ?? 5_000);
const keys = Number(process.argv[3] ?? 50);
const urls = (process.env.NATS_URLS ?? '').split(',').filter(Boolean);
if (urls.length === 0) throw new Error('set NATS_URLS (npm run cluster:up prints them)');

const namespace = `probe${Date.now().toString(36)}`;
const store = await openJetStreamStore({ servers: urls, namespace, replicas: 3, requestTimeoutMs: 5_000, produceTimeoutMs: 10_000, duplicateWindowMs: 120_000 });
await store.createTopic('t', 1, { cleanupPolicy: 'compact' });
const value = JSON.stringify({ pad: 'x'.repeat(180) });
const appendStarted = performance.now();
const inFlight = 32;
for (let i = 0; i < records; i += inFlight) {
  // One record per append (one batch each), several appends in flight, as many producers would send them.
  await Promise.all(
    Array.from({ length: Math.min(inFlight, records - i) }, (_, j) =>
      store.append([{ topic: 't', records: [{ partition: 0, timestamp: Date.now(), key: `k${(i + j) % keys}`, value, headers: null }] }]),
    ),
  );
}
const appendSec = (performance.now() - appendStarted) / 1000;

const readAll = async () => {
  const started = performance.now();
  let n = 0;
  for (let from = 0; ; ) {
    const got = await store.read('t', 0, from, { maxRecords: 1_000, maxBytes: 1 << 24 });
    if (got.length === 0) break;
    n += got.length;
    from = got[got.length - 1]!.offset + 1;
  }
  return { n, ms: performance.now() - started };
};
const before = await readAll();

const started = performance.now();
let removed = 0;
let steps = 0;
for (let from = 0; ; steps++) {
  const step = await store.compact('t', 0, { from, before: records, maxTimestamp: Number.MAX_SAFE_INTEGER, budgetMs: 5 });
  removed += step.removed;
  if (step.reached <= from && step.removed === 0) break;
  from = step.reached;
}
const compactSec = (performance.now() - started) / 1000;
const after = await readAll();
await store.deleteTopic('t');
await store.close();

console.log(
  `${records} single-record batches over ${keys} keys (appended in ${appendSec.toFixed(1)} s): compaction removed ${removed} in ` +
    `${compactSec.toFixed(1)} s (${Math.round(removed / compactSec)} batches/s, ${steps} steps of 5 ms); ` +
    `a read of the partition from its start: ${before.n} records in ${before.ms.toFixed(0)} ms before, ${after.n} in ${after.ms.toFixed(0)} ms after`,
);
