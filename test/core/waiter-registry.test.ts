/**
 * The waiter registry: parked long-polls, woken in chunks after the commit, sharing one
 * listener per abort signal. Counts are observed through `size` and `signalListeners`, turns
 * of the event loop through setImmediate: nothing here depends on timing.
 */
import { describe, expect, it } from 'vitest';
import type { AppendedRecords } from '../../src/core/notifier.js';
import { WaiterRegistry, type Wake } from '../../src/core/waiter-registry.js';
import { countListeners } from '../helpers/abort-listeners.js';

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

function registry(wakeChunk = 256) {
  const published = new Map<string, number>();
  const r = new WaiterRegistry(wakeChunk, (topic, partition) => published.get(`${topic}/${partition}`));
  /** What the notifier does on an append: remember the high watermark, then hand the batch over. */
  const append = (topic: string, partition: number, from: number, values: string[]): AppendedRecords => {
    const batch: AppendedRecords = {
      topic,
      partition,
      records: values.map((value, i) => ({ offset: from + i, timestamp: 1, key: null, value, headers: null })),
      highWatermark: from + values.length,
    };
    published.set(`${topic}/${partition}`, batch.highWatermark);
    r.wake(batch);
    return batch;
  };
  return { r, append };
}


const watch = (highWatermark: number, topic = 't', partition = 0) => [{ topic, partition, highWatermark }];

describe('WaiterRegistry', () => {
  it('wakes the waiters of a partition with the batch that woke them, not those of other partitions', async () => {
    const { r, append } = registry();
    const a = r.park({ partitions: watch(0), timeoutMs: 60_000 });
    const b = r.park({ partitions: watch(0, 't', 1), timeoutMs: 60_000 });
    expect(r.size).toBe(2);
    const batch = append('t', 0, 0, ['1']);
    expect(await a.result).toEqual({ reason: 'appended', batch });
    expect(r.size).toBe(1);
    b.end();
    expect(await b.result).toEqual({ reason: 'ended' });
    expect(r.size).toBe(0);
  });

  it('a waiter whose signal aborts leaves the registry at once', async () => {
    const { r } = registry();
    const request = new AbortController();
    const other = r.park({ partitions: watch(0), timeoutMs: 60_000 });
    const parked = r.park({ partitions: watch(0, 't', 1), timeoutMs: 60_000, signals: [request.signal] });
    expect([r.size, r.watchedPartitions]).toEqual([2, 2]);
    request.abort();
    // Gone from the count, from the signal and from its partition's index.
    expect([r.size, r.watchedPartitions]).toEqual([1, 1]);
    expect(r.signalListeners).toBe(0);
    expect(await parked.result).toEqual({ reason: 'aborted' });
    other.end();
    expect(r.watchedPartitions).toBe(0);
    // An already aborted signal never parks.
    expect(await r.park({ partitions: watch(0), timeoutMs: 60_000, signals: [request.signal] }).result).toEqual({ reason: 'aborted' });
    expect(r.size).toBe(0);
  });

  it('puts one listener on a signal shared by many waits; aborting it ends them all and removes it', async () => {
    const { r } = registry();
    const shutdown = new AbortController();
    const listeners = countListeners(shutdown.signal);
    const requests = Array.from({ length: 50 }, () => new AbortController());
    const waits = requests.map((req, i) =>
      r.park({ partitions: watch(0, 't', i % 3), timeoutMs: 60_000, signals: [req.signal, shutdown.signal] }),
    );
    expect(r.size).toBe(50);
    expect(listeners()).toBe(1);
    // One wait ending on its own signal leaves the shared listener in place for the others.
    requests[7]!.abort();
    expect(listeners()).toBe(1);
    shutdown.abort();
    expect(r.size).toBe(0);
    expect(r.signalListeners).toBe(0);
    expect(listeners()).toBe(0);
    const wakes = await Promise.all(waits.map((w) => w.result));
    expect(wakes.every((w) => w.reason === 'aborted')).toBe(true);
  });

  it('wakes in chunks of wakeChunk, one chunk per turn of the event loop, never during the append', async () => {
    const { r, append } = registry(2);
    const woken: number[] = [];
    const waits = Array.from({ length: 5 }, (_, i) => r.park({ partitions: watch(0), timeoutMs: 60_000 }).result.then(() => woken.push(i)));
    append('t', 0, 0, ['x']);
    // The append only queued them.
    expect(r.size).toBe(5);
    const sizes: number[] = [];
    for (let i = 0; i < 3; i++) {
      await turn();
      sizes.push(r.size);
    }
    expect(sizes).toEqual([3, 1, 0]);
    await Promise.all(waits);
    expect(woken).toEqual([0, 1, 2, 3, 4]);
  });

  it('a chunk gives way to commits waiting in the same turn, once: the next chunk goes whatever waits', async () => {
    const { r, append } = registry(1);
    let commitsWaiting = 0;
    r.yieldTo(() => commitsWaiting > 0);
    const events: string[] = [];
    const waits = Array.from({ length: 3 }, (_, i) => r.park({ partitions: watch(0), timeoutMs: 60_000 }).result.then(() => events.push(`answer ${i}`)));
    append('t', 0, 0, ['x']);
    // A produce read in this turn: its commit is queued (setImmediate) behind the registry's chunk.
    commitsWaiting++;
    setImmediate(() => {
      commitsWaiting--;
      events.push('commit');
    });
    await turn();
    await turn();
    // Commits waiting at every chunk (a steady stream of produce): answers still go, every other turn.
    commitsWaiting = Infinity;
    await Promise.all(waits);
    expect(events).toEqual(['commit', 'answer 0', 'answer 1', 'answer 2']);
  });

  it('while commits wait, a chunk over its time budget is paid back by turns without answers; with none waiting, answers go every turn', async () => {
    const r = new WaiterRegistry({ wakeChunk: 64, turnMs: 1 }, () => undefined);
    let commitsWaiting = false;
    r.yieldTo(() => commitsWaiting);
    // Each granted caller works 5 ms of CPU (a tailer far behind: one answer is five budgets).
    const busy = () => {
      const from = process.cpuUsage();
      for (let used = process.cpuUsage(from); used.user + used.system < 5_000; used = process.cpuUsage(from));
    };
    await Promise.all(Array.from({ length: 10 }, () => r.turn().then(busy)));
    expect(r.chunk).toBe(1);
    // Turns of the event loop between consecutive answers, counted by a ticker.
    const gapsBetweenAnswers = async (answers: number) => {
      let ticks = 0;
      let ticking = true;
      const tick = () => {
        ticks++;
        if (ticking) setImmediate(tick);
      };
      tick();
      const at: number[] = [];
      await Promise.all(Array.from({ length: answers }, () => r.turn().then(() => (at.push(ticks), busy()))));
      ticking = false;
      return at.slice(1).map((t, i) => t - at[i]!);
    };
    // No produce waiting: nobody to give way to, one answer a turn.
    expect(await gapsBetweenAnswers(4)).toEqual([1, 1, 1]);
    // A steady stream of produce: ~4 ms over the budget per answer, paid back by ~4 answer-free turns
    // (the fixed once-in-a-row alone would leave one).
    commitsWaiting = true;
    for (const gap of await gapsBetweenAnswers(4)) expect(gap).toBeGreaterThanOrEqual(4);
  });

  it('while producers are active and none waits to commit, a chunk over its budget is followed by a pause; with no appends, none', async () => {
    const r = new WaiterRegistry({ wakeChunk: 64, turnMs: 1 }, () => undefined);
    const busy = () => {
      const from = process.cpuUsage();
      for (let used = process.cpuUsage(from); used.user + used.system < 5_000; used = process.cpuUsage(from));
    };
    await Promise.all(Array.from({ length: 10 }, () => r.turn().then(busy)));
    expect(r.chunk).toBe(1);
    // No producer: tailers alone are answered back to back.
    const pausesBefore = r.pauses;
    await Promise.all(Array.from({ length: 3 }, () => r.turn().then(busy)));
    expect(r.pauses).toBe(pausesBefore);
    // A producer's append after each answer (to a partition nobody watches): its next request is on the
    // way, so the next answer waits for the overrun to be paid back. Every answer is still given.
    const batch: AppendedRecords = { topic: 'other', partition: 0, records: [], highWatermark: 1 };
    const answered: number[] = [];
    await Promise.all(Array.from({ length: 3 }, (_, i) => r.turn().then(() => (answered.push(i), busy(), r.wake(batch)))));
    expect(answered).toEqual([0, 1, 2]);
    expect(r.pauses - pausesBefore).toBe(2);
  });

  it('minBytes: waits until that many record bytes were appended past the watched position', async () => {
    const { r, append } = registry();
    const parked = r.park({ partitions: watch(2), timeoutMs: 60_000, minBytes: 10 });
    let wake: Wake | undefined;
    void parked.result.then((w) => (wake = w));
    append('t', 0, 2, ['1234']); // 4 bytes
    await turn();
    await turn();
    expect(wake).toBeUndefined();
    expect(r.size).toBe(1);
    const batch = append('t', 0, 3, ['12', '3456']); // 6 more: 10
    await turn();
    expect(await parked.result).toEqual({ reason: 'appended', batch });
    expect(r.size).toBe(0);
  });

  it('an append it could not see (published before parking, or while queued) wakes it without a batch', async () => {
    const { r, append } = registry(1);
    append('t', 0, 0, ['a']);
    // The caller read high watermark 0, but 1 is published: answer at once, let the caller read.
    expect(await r.park({ partitions: watch(0), timeoutMs: 60_000 }).result).toEqual({ reason: 'appended' });
    // Queued by a stale batch while a newer one is published: woken without a batch.
    const w = r.park({ partitions: watch(1), timeoutMs: 60_000, minBytes: 100 });
    append('t', 0, 1, ['b']);
    append('t', 0, 2, ['c']);
    expect(await w.result).toEqual({ reason: 'appended' });
  });

  it('ends the waits of a deleted topic, queued ones too; times out a wait nobody wakes', async () => {
    const { r, append } = registry(1);
    const parked = r.park({ partitions: watch(0), timeoutMs: 60_000, minBytes: 1_000 });
    const queued = r.park({ partitions: watch(0, 't', 1), timeoutMs: 60_000, minBytes: 1_000 });
    const elsewhere = r.park({ partitions: watch(0, 'u'), timeoutMs: 60_000 });
    append('t', 1, 0, ['x']);
    r.endTopic('t');
    expect(await parked.result).toEqual({ reason: 'ended' });
    expect(await queued.result).toEqual({ reason: 'ended' });
    expect(r.size).toBe(1);
    elsewhere.end();
    expect(await r.park({ partitions: watch(0), timeoutMs: 1 }).result).toEqual({ reason: 'timeout' });
    expect(r.size).toBe(0);
  });

  it('a waiter on several partitions (a group poll) is woken once, by the first of them', async () => {
    const { r, append } = registry();
    const parked = r.park({ partitions: [...watch(0, 't', 0), ...watch(5, 't', 1)], timeoutMs: 60_000 });
    const batch = append('t', 1, 5, ['y']);
    append('t', 0, 0, ['x']);
    expect(await parked.result).toEqual({ reason: 'appended', batch });
    await turn();
    expect(r.size).toBe(0);
  });

  it('a waiter on no partition (a group member without any yet) waits until ended', async () => {
    const { r } = registry();
    const parked = r.park({ partitions: [], timeoutMs: 60_000 });
    expect(r.size).toBe(1);
    parked.end();
    expect(await parked.result).toEqual({ reason: 'ended' });
  });

  describe('turn(): long-polls that have records already wait for their turn, in the same budget', () => {
    it('is granted in order with the wake-ups queued before it, one chunk per turn', async () => {
      const { r, append } = registry(1);
      const order: string[] = [];
      const parked = r.park({ partitions: watch(0), timeoutMs: 60_000 }).result.then(() => order.push('woken'));
      append('t', 0, 0, ['x']);
      const granted = r.turn().then(() => order.push('turn'));
      expect(r.size).toBe(2);
      await turn();
      expect(order).toEqual(['woken']);
      await turn();
      expect(order).toEqual(['woken', 'turn']);
      await Promise.all([parked, granted]);
      expect(r.size).toBe(0);
    });

    it('a caller whose signal aborts leaves the registry at once, and its listener with it', async () => {
      const { r } = registry(1);
      const request = new AbortController();
      const shutdown = new AbortController();
      const listeners = countListeners(shutdown.signal);
      const waiting = r.turn([request.signal, shutdown.signal]);
      expect({ size: r.size, signals: r.signalListeners, shutdownListeners: listeners() }).toEqual({ size: 1, signals: 2, shutdownListeners: 1 });
      request.abort();
      expect({ size: r.size, signals: r.signalListeners, shutdownListeners: listeners() }).toEqual({ size: 0, signals: 0, shutdownListeners: 0 });
      await waiting;
      // Already aborted: resolves without queueing.
      await r.turn([request.signal]);
      expect(r.size).toBe(0);
      // Its place in the queue is skipped without using the budget: the next caller is granted on the first turn.
      const a = new AbortController();
      let nextGranted = false;
      void r.turn([a.signal]);
      const next = r.turn().then(() => (nextGranted = true));
      a.abort();
      await turn();
      expect(nextGranted).toBe(true);
      await next;
    });

    it('sizes the next chunk by the time budget: answers slower than turnMs make it one waiter', async () => {
      const r = new WaiterRegistry({ wakeChunk: 64, turnMs: 1 }, () => undefined);
      // Each granted caller works 3 ms of CPU in the turn (busy, as answering requests is).
      const busy = () => {
        const from = process.cpuUsage();
        for (let used = process.cpuUsage(from); used.user + used.system < 3_000; used = process.cpuUsage(from));
      };
      await Promise.all(Array.from({ length: 10 }, () => r.turn().then(busy)));
      await turn();
      expect(r.chunk).toBe(1);
      // One a turn now: the queue drains over as many turns as it holds callers.
      const granted: number[] = [];
      const waiting = Array.from({ length: 3 }, (_, i) => r.turn().then(() => granted.push(i)));
      const turnsBefore = r.turns;
      await Promise.all(waiting);
      expect(r.turns - turnsBefore).toBe(3);
      expect(granted).toEqual([0, 1, 2]);
    });
  });
});
