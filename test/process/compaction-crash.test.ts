/**
 * A SIGKILL in the middle of compaction (issue 14) loses nothing compaction should have kept:
 * every key's latest record (tombstones included) is still at its offset, every record still
 * there is the one produced at that offset, offsets and watermarks are unchanged, and the next
 * gateway finishes the job to exactly the model's content. Producers write to another topic
 * meanwhile, their commits let in between compaction's steps: every record acknowledged before
 * the kill is there too.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { requestJson, tempDir } from '../helpers/gateway.js';
import { startServerProcess } from '../helpers/process.js';
import { until } from '../helpers/until.js';

const TOPIC = 'table';
/** Written by producers while compaction runs. */
const SIDE = 'side';
const PARTITIONS = 2;
const KEYS = 400;
const BATCHES = 150;
const BATCH = 1_000;
/** Cleanup never runs on its own during the test's reads. */
const NO_CLEANUP = { LOGWAY_CLEANUP_INTERVAL_MS: '3600000' };

interface Stored {
  key: string;
  value: unknown;
}

type Log = Map<number, Stored>[];

async function readAll(url: string): Promise<{ records: Log; watermarks: number[] }> {
  const records: Log = [];
  const watermarks: number[] = [];
  for (let partition = 0; partition < PARTITIONS; partition++) {
    const seen = new Map<number, Stored>();
    let offset = 0;
    for (;;) {
      const res = await requestJson(`${url}/v1/topics/${TOPIC}/partitions/${partition}/records?offset=${offset}&limit=10000`, 'GET');
      expect(res.status).toBe(200);
      expect(res.body.logStartOffset).toBe(0); // compaction never moves the log start
      for (const r of res.body.records) seen.set(r.offset, { key: r.key, value: r.value });
      offset = res.body.nextOffset;
      if (offset >= res.body.highWatermark) {
        watermarks.push(res.body.highWatermark);
        break;
      }
    }
    records.push(seen);
  }
  return { records, watermarks };
}

function count(log: Log): number {
  return log.reduce((n, p) => n + p.size, 0);
}

describe('SIGKILL during compaction', () => {
  it('keeps every key\'s latest record and changes nothing else; the next gateway completes it', async () => {
    const dataDir = tempDir('logway-compaction-crash-');
    const first = await startServerProcess(dataDir, NO_CLEANUP);
    const created = await requestJson(`${first.url}/v1/topics`, 'POST', {
      name: TOPIC,
      partitions: PARTITIONS,
      // Tombstones stay for a day: compaction keeps them, so the model's latest records are all there.
      config: { cleanupPolicy: 'compact', deleteRetentionMs: 86_400_000 },
    });
    expect(created.status).toBe(201);

    // Many versions of a few hundred keys, the last version of every tenth key a tombstone.
    const produced: Log = Array.from({ length: PARTITIONS }, () => new Map());
    const latest = new Map<string, { partition: number; offset: number }>();
    for (let b = 0; b < BATCHES; b++) {
      const records = Array.from({ length: BATCH }, (_, i) => {
        const n = b * BATCH + i;
        const key = `k${n % KEYS}`;
        const last = n >= (BATCHES - 1) * BATCH;
        return { key, value: last && (n % KEYS) % 10 === 0 ? null : { n } };
      });
      const res = await requestJson(`${first.url}/v1/topics/${TOPIC}/records`, 'POST', { records });
      expect(res.status).toBe(200);
      res.body.records.forEach((at: { partition: number; offset: number }, i: number) => {
        produced[at.partition]!.set(at.offset, { key: records[i]!.key, value: records[i]!.value });
        latest.set(records[i]!.key, at);
      });
    }
    first.kill('SIGTERM');
    expect(await first.exited).toEqual({ code: 0, signal: null });
    const total = count(produced);
    const kept = latest.size;

    // The second gateway compacts in 1 ms steps while producers write to another topic; it is killed
    // as soon as the first deletion is visible.
    const second = await startServerProcess(dataDir, { LOGWAY_CLEANUP_INTERVAL_MS: '100', LOGWAY_RETENTION_STEP_MS: '1' });
    expect((await requestJson(`${second.url}/v1/topics`, 'POST', { name: SIDE, partitions: 1 })).status).toBe(201);
    const acked = new Map<number, number>();
    let producing = true;
    const producers = Array.from({ length: 4 }, async (_, p) => {
      for (let n = 0; producing; n++) {
        const value = p * 1_000_000 + n;
        try {
          const res = await requestJson(`${second.url}/v1/topics/${SIDE}/records`, 'POST', { records: [{ value }] });
          if (res.status === 200) acked.set(res.body.records[0].offset, value);
        } catch {
          return; // the gateway was killed under this request: it was never acknowledged
        }
      }
    });
    const watcher = new Database(path.join(dataDir, 'logway.db'), { readonly: true, fileMustExist: true });
    try {
      const rows = watcher.prepare('SELECT count(*) AS n FROM records r JOIN topics t ON t.id = r.topic_id WHERE t.name = ?');
      await until('compaction started', () => (rows.get(TOPIC) as { n: number }).n < total, { timeoutMs: 120_000, intervalMs: 2 });
      // Produce commits during compaction: the steps ride in them.
      const ackedBefore = acked.size;
      await until('produce during compaction', () => acked.size >= ackedBefore + 20, { timeoutMs: 120_000, intervalMs: 2 });
    } finally {
      watcher.close();
    }
    second.kill('SIGKILL');
    expect(await second.exited).toEqual({ code: null, signal: 'SIGKILL' });
    producing = false;
    await Promise.all(producers);
    expect(acked.size).toBeGreaterThan(0);

    const third = await startServerProcess(dataDir, NO_CLEANUP);
    // Every record acknowledged while compaction ran is there, at its offset.
    const stored = new Map<number, unknown>();
    for (let offset = 0; ; ) {
      const side = await requestJson(`${third.url}/v1/topics/${SIDE}/partitions/0/records?offset=${offset}&limit=10000`, 'GET');
      expect(side.status).toBe(200);
      for (const r of side.body.records) stored.set(r.offset, r.value);
      offset = side.body.nextOffset;
      if (offset >= side.body.highWatermark) break;
    }
    for (const [offset, value] of acked) expect(stored.get(offset)).toBe(value);
    const afterKill = await readAll(third.url);
    // The kill landed mid-compaction: some superseded records went, not all of them.
    expect(count(afterKill.records)).toBeLessThan(total);
    expect(count(afterKill.records)).toBeGreaterThan(kept);
    expect(afterKill.watermarks).toEqual(produced.map((p) => p.size));
    // Nothing there that was not produced at that offset...
    afterKill.records.forEach((partition, p) => {
      for (const [offset, record] of partition) expect(record).toEqual(produced[p]!.get(offset));
    });
    // ...and every key's latest record (tombstone or value) is there.
    for (const [key, at] of latest) expect(afterKill.records[at.partition]!.get(at.offset)?.key).toBe(key);
    third.kill('SIGTERM');
    expect(await third.exited).toEqual({ code: 0, signal: null });

    // The next gateway finishes: exactly the latest record of every key, at its offset.
    const fourth = await startServerProcess(dataDir, { LOGWAY_CLEANUP_INTERVAL_MS: '100' });
    await until('compaction finished', async () => count((await readAll(fourth.url)).records) === kept, { timeoutMs: 120_000, intervalMs: 200 });
    const done = await readAll(fourth.url);
    const expected = [...latest].map(([key, at]) => `${at.partition}/${at.offset}/${key}`).sort();
    const actual = done.records.flatMap((partition, p) => [...partition].map(([offset, r]) => `${p}/${offset}/${r.key}`)).sort();
    expect(actual).toEqual(expected);
    fourth.kill('SIGTERM');
    expect(await fourth.exited).toEqual({ code: 0, signal: null });
  }, 600_000); // four gateway starts and 150,000 records on a loaded CI machine: room, not a timing claim
});
