import { describe, expect, it } from 'vitest';
import { GroupCommit } from '../../src/core/group-commit.js';

/** A promise with its resolvers outside, to hold a flush in flight. */
function deferred<T = void>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Resolves once `cond()` holds, polling each macrotask turn; fails after a bounded number of turns. */
async function until(cond: () => boolean, turns = 1000): Promise<void> {
  for (let i = 0; i < turns; i++) {
    if (cond()) return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error('condition not reached');
}

describe('GroupCommit', () => {
  it('flushes requests submitted in the same turn together, once, answering each in order', async () => {
    const batches: number[][] = [];
    const gc = new GroupCommit<number, string>(async (batch) => {
      batches.push([...batch]);
      return batch.map((n) => `r${n}`);
    });
    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => gc.submit(n)));
    expect(batches).toEqual([[1, 2, 3, 4, 5]]);
    expect(results).toEqual(['r1', 'r2', 'r3', 'r4', 'r5']);
    expect(gc.pending).toBe(0);
  });

  it('does not answer before the flush holding the request has settled', async () => {
    const hold = deferred();
    const gc = new GroupCommit<number, number>(async (batch) => {
      await hold.promise;
      return batch;
    });
    let answered = false;
    const p = gc.submit(7).then((r) => {
      answered = true;
      return r;
    });
    await until(() => gc.pending === 0); // taken into the flush
    for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
    expect(answered).toBe(false);
    hold.resolve();
    expect(await p).toBe(7);
  });

  it('puts requests that arrive during an in-flight flush into the next flush', async () => {
    const holds = [deferred(), deferred()];
    const batches: number[][] = [];
    const gc = new GroupCommit<number, number>(async (batch) => {
      const i = batches.push([...batch]) - 1;
      await holds[i]?.promise;
      return batch.map((n) => n * 10);
    });
    const first = [gc.submit(1), gc.submit(2)];
    await until(() => batches.length === 1);
    const second = [gc.submit(3), gc.submit(4), gc.submit(5)];
    // While the first flush is in flight, nothing else is flushed.
    for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
    expect(batches).toEqual([[1, 2]]);
    expect(gc.pending).toBe(3);
    holds[0]!.resolve();
    expect(await Promise.all(first)).toEqual([10, 20]);
    holds[1]!.resolve();
    expect(await Promise.all(second)).toEqual([30, 40, 50]);
    expect(batches).toEqual([[1, 2], [3, 4, 5]]);
  });

  it('settled() waits for the requests submitted before it, not for later ones, and resolves at once when idle', async () => {
    const holds = [deferred(), deferred(), deferred()];
    const batches: number[][] = [];
    const gc = new GroupCommit<number, number>(async (batch) => {
      const i = batches.push([...batch]) - 1;
      await holds[i]?.promise;
      if (batch.includes(2)) throw new Error('flush failed');
      return batch;
    });
    let idle = false;
    await gc.settled().then(() => (idle = true));
    expect(idle).toBe(true);

    const first = gc.submit(1);
    await until(() => batches.length === 1);
    const second = gc.submit(2).catch((err: Error) => err.message);
    const events: string[] = [];
    const settled = gc.settled().then(() => events.push('settled'));
    holds[0]!.resolve();
    await first;
    await until(() => batches.length === 2);
    const third = gc.submit(3).then(() => events.push('third'));
    for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
    expect(events).toEqual([]); // request 2 is still in flight
    holds[1]!.resolve(); // its flush fails: settled all the same
    expect(await second).toBe('flush failed');
    await settled;
    expect(events).toEqual(['settled']); // request 3, submitted after the call, was not waited for
    holds[2]!.resolve();
    await third;
    expect(batches).toEqual([[1], [2], [3]]);
  });

  it('rejects only the batch whose flush failed; the next batch still succeeds', async () => {
    const hold = deferred();
    let calls = 0;
    const gc = new GroupCommit<number, number>(async (batch) => {
      calls++;
      if (calls === 1) {
        await hold.promise;
        throw new Error('disk full');
      }
      return batch;
    });
    const failing = [gc.submit(1), gc.submit(2)].map((p) => p.then(() => 'ok', (e: Error) => e.message));
    await until(() => calls === 1);
    const later = [gc.submit(3), gc.submit(4)];
    hold.resolve();
    expect(await Promise.all(failing)).toEqual(['disk full', 'disk full']);
    expect(await Promise.all(later)).toEqual([3, 4]);
    expect(calls).toBe(2);
  });

  it('keeps working after a flush rejects', async () => {
    let fail = true;
    const gc = new GroupCommit<number, number>((batch) => (fail ? Promise.reject(new Error('boom')) : Promise.resolve(batch)));
    await expect(gc.submit(1)).rejects.toThrow('boom');
    fail = false;
    expect(await gc.submit(2)).toBe(2);
  });

  it('splits a queue longer than maxBatch across flushes, preserving order', async () => {
    const batches: number[][] = [];
    const gc = new GroupCommit<number, number>(async (batch) => {
      batches.push([...batch]);
      return batch;
    }, 3);
    const results = await Promise.all([1, 2, 3, 4, 5, 6, 7].map((n) => gc.submit(n)));
    expect(results).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(batches).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
  });
});
