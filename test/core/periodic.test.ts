import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Periodic } from '../../src/core/periodic.js';

/** A task whose runs end only when the test says so. */
function gatedTask() {
  const runs: Array<() => void> = [];
  let fail = false;
  return {
    runs,
    failNext: () => (fail = true),
    task: () =>
      new Promise<void>((resolve, reject) => {
        if (fail) {
          fail = false;
          reject(new Error('store unreachable'));
          return;
        }
        runs.push(resolve);
      }),
  };
}

describe('Periodic', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('runs the task every interval', async () => {
    let count = 0;
    const periodic = new Periodic(async () => void count++);
    periodic.start(100);
    await vi.advanceTimersByTimeAsync(350);
    expect(count).toBe(3);
    await periodic.stop();
  });

  it('skips the ticks that come while a run is still going, instead of queuing them', async () => {
    const gated = gatedTask();
    const periodic = new Periodic(gated.task);
    periodic.start(100);
    await vi.advanceTimersByTimeAsync(550);
    expect(gated.runs).toHaveLength(1);
    gated.runs[0]!();
    await vi.advanceTimersByTimeAsync(100);
    expect(gated.runs).toHaveLength(2);
    gated.runs[1]!();
    await periodic.stop();
  });

  it('stop() waits for the run in progress and no run starts after it', async () => {
    const gated = gatedTask();
    const periodic = new Periodic(gated.task);
    periodic.start(100);
    await vi.advanceTimersByTimeAsync(100);
    let stopped = false;
    const stopping = periodic.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(500);
    expect(stopped).toBe(false);
    gated.runs[0]!();
    await stopping;
    await vi.advanceTimersByTimeAsync(500);
    expect(gated.runs).toHaveLength(1);
  });

  it('hands a failed run to onError and runs again at the next tick', async () => {
    const gated = gatedTask();
    const errors: unknown[] = [];
    const periodic = new Periodic(gated.task, (err) => errors.push(err));
    gated.failNext();
    periodic.start(100);
    await vi.advanceTimersByTimeAsync(100);
    expect(errors).toHaveLength(1);
    expect((errors[0] as Error).message).toBe('store unreachable');
    await vi.advanceTimersByTimeAsync(100);
    expect(gated.runs).toHaveLength(1);
    gated.runs[0]!();
    await periodic.stop();
  });

  it('runNow() shares the run in progress rather than starting a second', async () => {
    const gated = gatedTask();
    const periodic = new Periodic(gated.task);
    const first = periodic.runNow();
    const second = periodic.runNow();
    expect(gated.runs).toHaveLength(0); // the task starts on the next microtask
    await Promise.resolve();
    await Promise.resolve();
    expect(gated.runs).toHaveLength(1);
    gated.runs[0]!();
    await Promise.all([first, second]);
    await periodic.stop();
  });
});
