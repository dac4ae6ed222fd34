import { describe, expect, it, onTestFinished } from 'vitest';
import type { Clock } from '../../src/core/clock.js';
import { Log } from '../../src/core/log.js';
import { Notifier } from '../../src/core/notifier.js';
import { Retention } from '../../src/core/retention.js';
import type { LogStore } from '../../src/storage/log-store.js';
import { openSqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import { parseEncoded } from '../helpers/encoded.js';
import { tempDir } from '../helpers/gateway.js';
import { intercept } from '../helpers/intercept.js';

/** A real SQLite store and core Log, driven by a clock the test moves. */
function setup(start = Date.UTC(2024, 0, 1), wrap: (store: LogStore) => LogStore = (store) => store) {
  const clock = { t: start, now() { return this.t; } } satisfies Clock & { t: number };
  const real = openSqliteStore({ dataDir: tempDir(), synchronous: 'NORMAL' });
  onTestFinished(() => real.close());
  const store = wrap(real);
  const log = new Log(store, new Notifier(), { autoCreateTopics: false, defaultPartitions: 1, maxPartitions: 100, maxRecordBytes: 1 << 20, idempotencyWindowMs: 10_000 }, clock);
  const retention = new Retention(store, clock);
  const produce = (topic: string, values: unknown[], extra: { partition?: number; timestamp?: number } = {}) =>
    log.produce(
      topic,
      values.map((v) => ({ key: null, value: JSON.stringify(v), headers: null, partition: extra.partition ?? 0, timestamp: extra.timestamp })),
    );
  const bounds = async (topic: string) => (await store.offsets(topic)).map((b) => [b.logStartOffset, b.highWatermark]);
  return { clock, store, log, retention, produce, bounds };
}

/** Topic 't': 20,000 records, all expired by the clock; topic 'busy', without retention, for a producer to write to meanwhile. */
async function expiredBesideBusy({ clock, log, produce }: ReturnType<typeof setup>): Promise<void> {
  await log.createTopic('t', 1, { retentionMs: 1_000 });
  await log.createTopic('busy', 1);
  await produce('t', Array.from({ length: 20_000 }, (_, j) => j));
  clock.t += 2_000;
}

describe('Retention', () => {
  it('deletes exactly the records older than retentionMs by the clock, per partition, and leaves other topics alone', async () => {
    const { clock, log, retention, produce, bounds } = setup();
    await log.createTopic('short', 2, { retentionMs: 1_000 });
    await log.createTopic('kept', 1, {});
    await produce('short', [1, 2]);
    await produce('short', [3], { partition: 1 });
    await produce('kept', [1]);
    clock.t += 600;
    await produce('short', [4]);
    clock.t += 600; // the first three are 1200 ms old, the fourth 600 ms

    expect(await retention.runOnce()).toEqual({ truncated: 3, compacted: 0, expiredKeys: 0 });
    expect(await bounds('short')).toEqual([
      [2, 3],
      [1, 1],
    ]);
    expect(await bounds('kept')).toEqual([[0, 1]]);
    // Running again with nothing newly expired changes nothing.
    expect((await retention.runOnce()).truncated).toBe(0);
    const fetched = await log.fetch('short', 0, 2, { maxRecords: 10, maxBytes: 1 << 20, waitMs: 0 });
    expect(parseEncoded(fetched.json).map((r) => r.value)).toEqual([4]);
  });

  it('deletes a large expired range in several steps, never past the cutoff, moving logStartOffset with each', async () => {
    const { clock, log, store, produce, bounds } = setup();
    const steps: { target: number; reached: number; logStart: number }[] = [];
    const counting = intercept(store, {
      truncateBefore: (truncateBefore) => async (topic, partition, offset, budgetMs) => {
        const reached = await truncateBefore(topic, partition, offset, budgetMs);
        steps.push({ target: offset, reached, logStart: (await store.offsets(topic))[partition]!.logStartOffset });
        return reached;
      },
    });
    // A budget of 0 ms: every step stops after its first chunk of deletes.
    const retention = new Retention(counting, clock, { stepMs: 0 });
    await log.createTopic('t', 1, { retentionMs: 1_000 });
    for (let i = 0; i < 5; i++) await produce('t', Array.from({ length: 5_000 }, (_, j) => i * 5_000 + j));
    clock.t += 2_000;
    await produce('t', ['fresh']);

    expect(await retention.runOnce()).toEqual({ truncated: 25_000, compacted: 0, expiredKeys: 0 });
    expect(steps.length).toBeGreaterThan(1);
    let previous = 0;
    for (const step of steps) {
      expect(step.target).toBe(25_000);
      expect(step.reached).toBeGreaterThan(previous);
      expect(step.reached).toBeLessThanOrEqual(25_000);
      expect(step.logStart).toBe(step.reached);
      previous = step.reached;
    }
    expect(previous).toBe(25_000);
    expect(await bounds('t')).toEqual([[25_000, 25_001]]);
    const fetched = await log.fetch('t', 0, 25_000, { maxRecords: 10, maxBytes: 1 << 20, waitMs: 0 });
    expect(parseEncoded(fetched.json).map((r) => r.value)).toEqual(['fresh']);
  });

  it('yields to produce: a produce arriving while a large delete runs is committed and answered before the next step', async () => {
    const events: string[] = [];
    let during: Promise<unknown> | undefined;
    const { clock, log, store, produce, bounds } = setup(undefined, (real) =>
      intercept(real, {
        append: (append) => async (requests) => {
          const outcomes = await append(requests);
          if (requests.some((r) => r.topic === 'other')) events.push('produce committed');
          return outcomes;
        },
        truncateBefore: (truncateBefore) => async (topic, partition, offset, budgetMs) => {
          events.push('step');
          const reached = await truncateBefore(topic, partition, offset, budgetMs);
          // A request that arrives from the network once this step is done, on a later event-loop turn.
          during ??= new Promise((resolve) => setImmediate(resolve))
            .then(() => produce('other', ['during the delete']))
            .then(() => events.push('produce answered'));
          return reached;
        },
      }),
    );
    await log.createTopic('t', 1, { retentionMs: 1_000 });
    await log.createTopic('other', 1);
    await produce('t', Array.from({ length: 10_000 }, (_, j) => j));
    clock.t += 2_000;
    // A budget of 0 ms: every step stops after its first chunk of deletes, so there are many.
    const retention = new Retention(store, clock, { stepMs: 0, afterPendingCommits: () => log.commitsSettled() });

    expect((await retention.runOnce()).truncated).toBe(10_000);
    await during;
    expect(events.filter((e) => e === 'step').length).toBeGreaterThan(2);
    // The producer has its answer before the next step holds the event loop.
    expect(events.slice(0, 4)).toEqual(['step', 'produce committed', 'produce answered', 'step']);
    expect(await bounds('t')).toEqual([[10_000, 10_000]]);
    expect(await bounds('other')).toEqual([[0, 1]]);
  });

  it('stop() ends a running pass after its current step, so shutdown never waits for a whole large delete', async () => {
    const { clock, log, store, produce, bounds } = setup();
    let steps = 0;
    let stopping: Promise<void> | undefined;
    const stopAfterFirstStep = intercept(store, {
      truncateBefore: (truncateBefore) => async (topic, partition, offset, budgetMs) => {
        const reached = await truncateBefore(topic, partition, offset, budgetMs);
        // The gateway starts shutting down while the pass is under way.
        if (++steps === 1) stopping = retention.stop();
        return reached;
      },
    });
    // A budget of 0 ms: every step deletes one chunk, so this pass would take many steps.
    const retention = new Retention(stopAfterFirstStep, clock, { stepMs: 0 });
    await log.createTopic('t', 1, { retentionMs: 1_000 });
    await produce('t', Array.from({ length: 20_000 }, (_, j) => j));
    clock.t += 2_000;

    const pass = await retention.runOnce();
    await stopping;
    expect(steps).toBe(1);
    // What the one step deleted is reported and kept deleted; the rest waits for the next start.
    const [[logStart]] = (await bounds('t')) as [[number, number]];
    expect(pass.truncated).toBe(logStart);
    expect(logStart).toBeGreaterThan(0);
    expect(logStart).toBeLessThan(20_000);
  });

  it('paces its steps while producers write: a pause after each step they wrote during, in proportion to it', async () => {
    const pauses: number[] = [];
    let steps = 0;
    const ctx = setup();
    const { clock, log, store, produce, bounds } = ctx;
    const producingDuringThree = intercept(store, {
      truncateBefore: (truncateBefore) => async (topic, partition, offset, budgetMs) => {
        // A producer writes (to a topic without retention) during the first three steps only.
        if (++steps <= 3) await produce('busy', [steps]);
        return truncateBefore(topic, partition, offset, budgetMs);
      },
    });
    const retention = new Retention(producingDuringThree, clock, {
      stepMs: 0,
      sharePercent: 10,
      appends: () => log.appends,
      pause: async (ms) => void pauses.push(ms),
    });
    await expiredBesideBusy(ctx);

    expect((await retention.runOnce()).truncated).toBe(20_000);
    expect(steps).toBeGreaterThan(3);
    expect(pauses).toHaveLength(3);
    for (const ms of pauses) expect(ms).toBeGreaterThan(0);
    expect(await bounds('t')).toEqual([[20_000, 20_000]]);
  });

  it('does not pace until it deletes more than twice what producers append to topics it cleans up (it would fall behind)', async () => {
    const pauses: number[] = [];
    let steps = 0;
    const ctx = setup();
    const { clock, log, store, produce } = ctx;
    const outpaced = intercept(store, {
      truncateBefore: (truncateBefore) => async (topic, partition, offset, budgetMs) => {
        // More records to a retained topic than this whole pass deletes, then one record a step elsewhere.
        if (++steps === 1) await produce('retained', Array.from({ length: 25_000 }, (_, j) => j));
        if (steps <= 3) await produce('busy', [steps]);
        return truncateBefore(topic, partition, offset, budgetMs);
      },
    });
    const retention = new Retention(outpaced, clock, { stepMs: 0, sharePercent: 10, appends: () => log.appends, pause: async (ms) => void pauses.push(ms) });
    await log.createTopic('retained', 1, { retentionMs: 3_600_000 });
    await expiredBesideBusy(ctx);

    expect((await retention.runOnce()).truncated).toBe(20_000);
    expect(steps).toBeGreaterThan(3);
    expect(pauses).toEqual([]);
  });

  it("paces on appends other gateways of a cluster made, as it hears of them, as on this gateway's own", async () => {
    const pauses: number[] = [];
    let steps = 0;
    const ctx = setup();
    const { clock, log, store } = ctx;
    await log.createTopic('retained', 1, { retentionMs: 3_600_000 });
    await log.countAppendedElsewhere('retained', 5);
    await log.countAppendedElsewhere('busy', 2);
    expect(log.appends).toEqual({ records: 7, toCleanedUpTopics: 5 });
    const producingElsewhere = intercept(store, {
      truncateBefore: (truncateBefore) => async (topic, partition, offset, budgetMs) => {
        // Another gateway writes (to a topic without retention) during the first three steps only.
        if (++steps <= 3) await log.countAppendedElsewhere('busy', 1);
        return truncateBefore(topic, partition, offset, budgetMs);
      },
    });
    const retention = new Retention(producingElsewhere, clock, { stepMs: 0, sharePercent: 10, appends: () => log.appends, pause: async (ms) => void pauses.push(ms) });
    await expiredBesideBusy(ctx);

    expect((await retention.runOnce()).truncated).toBe(20_000);
    expect(pauses).toHaveLength(3);
  });

  it('stop() cuts a pause between paced steps short', async () => {
    const ctx = setup();
    const { clock, log, store, produce } = ctx;
    let steps = 0;
    const slowFirstStep = intercept(store, {
      truncateBefore: (truncateBefore) => async (topic, partition, offset, budgetMs) => {
        if (++steps === 1) {
          await produce('busy', [1]);
          // 1 s at a share of 1%: a pause of 99 s follows, longer than this test may take (60 s).
          await new Promise((resolve) => setTimeout(resolve, 1_000));
        }
        return truncateBefore(topic, partition, offset, budgetMs);
      },
    });
    const retention = new Retention(slowFirstStep, clock, { stepMs: 0, sharePercent: 1, appends: () => log.appends });
    await expiredBesideBusy(ctx);

    const pass = retention.runOnce();
    await new Promise((resolve) => setTimeout(resolve, 1_300)); // the pause has begun
    await retention.stop();
    expect((await pass).truncated).toBeGreaterThan(0);
    expect(steps).toBe(1);
  });

  it('ends a pass by size while producers keep appending to the partition: what they add goes at the next pass', async () => {
    const { clock, log, store, produce, bounds } = setup();
    await log.createTopic('t', 1, { retentionBytes: 100 });
    await produce('t', Array.from({ length: 1_000 }, (_, j) => j % 10)); // one byte a record
    let appended = 0;
    const retention = new Retention(store, clock, {
      // A producer between every two steps of the pass, as under load (bounded so that a pass that never ends fails).
      afterPendingCommits: async () => {
        if (++appended > 200) throw new Error('the pass never ended: it kept deleting what producers appended');
        await produce('t', [appended % 10]);
      },
    });

    await retention.runOnce();
    const [[logStart, end]] = (await bounds('t')) as [[number, number]];
    expect(appended).toBeLessThan(10);
    // The cut it made kept the newest 100 bytes of what was there when it asked.
    expect(end - logStart).toBeLessThanOrEqual(100 + appended);
    expect(end - logStart).toBeGreaterThanOrEqual(100);
  });

  it('is exact at the boundary: a record exactly retentionMs old is kept', async () => {
    const { clock, log, retention, produce, bounds } = setup();
    await log.createTopic('t', 1, { retentionMs: 1_000 });
    await produce('t', [1]);
    clock.t += 1_000;
    await retention.runOnce();
    expect(await bounds('t')).toEqual([[0, 1]]);
    clock.t += 1;
    await retention.runOnce();
    expect(await bounds('t')).toEqual([[1, 1]]);
  });

  it('applies a retention set later with PATCH-like updateTopic, and stops when it is removed', async () => {
    const { clock, log, retention, produce, bounds } = setup();
    await log.createTopic('t', 1);
    await produce('t', [1, 2]);
    clock.t += 5_000;
    await retention.runOnce();
    expect(await bounds('t')).toEqual([[0, 2]]);
    await log.updateTopic('t', { config: { retentionMs: 1_000 } });
    await retention.runOnce();
    expect(await bounds('t')).toEqual([[2, 2]]);
    await produce('t', [3]);
    await log.updateTopic('t', { config: { retentionMs: null } });
    clock.t += 5_000;
    await retention.runOnce();
    expect(await bounds('t')).toEqual([[2, 3]]);
  });

  it('keeps everything from the first record at or after the cutoff when client timestamps are out of order', async () => {
    const { clock, log, retention, produce, bounds } = setup();
    await log.createTopic('t', 1, { retentionMs: 1_000 });
    const now = clock.t;
    await produce('t', [0], { timestamp: now - 5_000 });
    await produce('t', [1], { timestamp: now }); // recent
    await produce('t', [2], { timestamp: now - 5_000 }); // old, but after a recent one
    await retention.runOnce();
    expect(await bounds('t')).toEqual([[1, 3]]);
  });

  it('forgets Idempotency-Keys once their window has passed by the clock', async () => {
    const { clock, log, retention, bounds } = setup();
    await log.createTopic('t', 1);
    const record = { key: null, value: '1', headers: null, partition: 0 };
    await log.produce('t', [record], { idempotencyKey: 'a' });
    clock.t += 5_000;
    await log.produce('t', [record], { idempotencyKey: 'b' });
    clock.t += 6_000; // 'a' is 11 s old (window 10 s), 'b' 6 s
    expect((await retention.runOnce()).expiredKeys).toBe(1);
    expect((await log.produce('t', [record], { idempotencyKey: 'b' })).replayed).toBe(true);
    expect((await log.produce('t', [record], { idempotencyKey: 'a' })).replayed).toBe(false);
    expect(await bounds('t')).toEqual([[0, 3]]);
  });
});
