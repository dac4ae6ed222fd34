/**
 * Does compaction on the cluster store slow producers, and does pacing it help? Producers append to a
 * `delete` topic through one store (a gateway) while another store (the cleanup lease holder) compacts a
 * topic of `records` single-record batches over 50 keys, through the core's cleanup pass as a gateway runs
 * it (5 ms steps). Three phases, produce latency reported for each: no compaction; compaction unpaced (what
 * a gateway on a cluster does: docs/cluster.md); compaction paced at `share`% (as on SQLite, its pauses
 * counting the producers' appends), stopped after `pacedSeconds`.
 *
 * Usage: NATS_URLS=nats://...,nats://... npx tsx bench/probes/jetstream-compaction-latency.ts [records=10000] [share=10] [pacedSeconds=15]
 * (`npm run cluster:up` prints such URLs.) Everything shares the machine: read the phases against each other.
 */
import { systemClock } from '../../src/core/clock.js';
import { Retention } from '../../src/core/retention.js';
import { openJetStreamStore } from '../../src/storage/jetstream/open-store.js';

const records = Number(process.argv[2] ?? 10_000);
const share = Number(process.argv[3] ?? 10);
const pacedSeconds = Number(process.argv[4] ?? 15);
const urls = (process.env.NATS_URLS ?? '').split(',').filter(Boolean);
if (urls.length === 0) throw new Error('set NATS_URLS (npm run cluster:up prints them)');

const PRODUCERS = 16;
const RECORDS_PER_APPEND = 10;
const namespace = `probe${Date.now().toString(36)}`;
const open = () => openJetStreamStore({ servers: urls, namespace, replicas: 3, requestTimeoutMs: 5_000, produceTimeoutMs: 10_000, duplicateWindowMs: 120_000 });
const cleaner = await open();
const gateway = await open();
await gateway.createTopic('p', 1, {});
const appends = { records: 0, toCleanedUpTopics: 0 };

/** Producers append to `p` until `done` resolves; their latencies. */
async function produceUntil(done: Promise<unknown>): Promise<number[]> {
  let stop = false;
  void done.then(() => (stop = true));
  const latencies: number[] = [];
  const value = JSON.stringify({ pad: 'x'.repeat(180) });
  await Promise.all(
    Array.from({ length: PRODUCERS }, async () => {
      while (!stop) {
        const started = performance.now();
        await gateway.append([
          { topic: 'p', records: Array.from({ length: RECORDS_PER_APPEND }, () => ({ partition: 0, timestamp: Date.now(), key: null, value, headers: null })) },
        ]);
        latencies.push(performance.now() - started);
        appends.records += RECORDS_PER_APPEND;
      }
    }),
  );
  return latencies;
}

/** A compacted topic of `records` single-record batches over 50 keys, all but 50 of them superseded. */
async function fill(topic: string): Promise<void> {
  await cleaner.createTopic(topic, 1, { cleanupPolicy: 'compact' });
  const value = JSON.stringify({ pad: 'x'.repeat(180) });
  for (let i = 0; i < records; i += 32) {
    await Promise.all(
      Array.from({ length: Math.min(32, records - i) }, (_, j) =>
        cleaner.append([{ topic, records: [{ partition: 0, timestamp: Date.now() - 60_000, key: `k${(i + j) % 50}`, value, headers: null }] }]),
      ),
    );
  }
}

const report = (name: string, latencies: number[], extra = '') => {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(1);
  console.log(`${name}: ${sorted.length} appends of ${RECORDS_PER_APPEND}, p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms${extra}`);
};

report('no compaction', await produceUntil(new Promise((resolve) => setTimeout(resolve, 10_000))));

await fill('c1');
const unpaced = new Retention(cleaner, systemClock, { stepMs: 5 });
let started = performance.now();
const unpacedPass = unpaced.runOnce();
const unpacedLatencies = await produceUntil(unpacedPass);
const unpacedResult = await unpacedPass;
report('compaction unpaced', unpacedLatencies, `; compaction removed ${unpacedResult.compacted} in ${((performance.now() - started) / 1000).toFixed(1)} s`);

await fill('c2');
await cleaner.deleteTopic('c1');
const paced = new Retention(cleaner, systemClock, { stepMs: 5, sharePercent: share, appends: () => appends });
started = performance.now();
const pacedPass = paced.runOnce();
const stopPaced = new Promise((resolve) => setTimeout(resolve, pacedSeconds * 1_000)).then(() => paced.stop());
const pacedLatencies = await produceUntil(Promise.race([pacedPass, stopPaced]));
paced.stop();
const pacedResult = await pacedPass;
report(`compaction paced at ${share}%`, pacedLatencies, `; compaction removed ${pacedResult.compacted} in ${((performance.now() - started) / 1000).toFixed(1)} s`);

await cleaner.deleteTopic('c2');
await gateway.deleteTopic('p');
await Promise.all([cleaner.close(), gateway.close()]);
