/**
 * Cleanup pacing (src/core/cleanup-pacing.ts): while producers write, each cleanup step is followed by
 * a pause that holds cleanup to its share of the time, unless cleanup is not ahead of the appends that
 * make its work (then it never slows down) or nobody is producing.
 */
import { describe, expect, it } from 'vitest';
import { CleanupPacing } from '../../src/core/cleanup-pacing.js';
import type { AppendCounts } from '../../src/core/producer.js';

function pacing(sharePercent: number) {
  const appends: AppendCounts = { records: 0, toCleanedUpTopics: 0 };
  const p = new CleanupPacing({ sharePercent, appends: () => appends, pause: async () => {} });
  p.beginPass();
  return { p, appends };
}

describe('CleanupPacing', () => {
  it('pauses after a step for what keeps cleanup to its share of the time while producers write', () => {
    const { p, appends } = pacing(10);
    appends.records += 5; // to topics without cleanup: no work for it
    expect(p.pauseAfter(4, 1_000)).toBe(36); // 4 ms of every 40
    appends.records += 1;
    expect(p.pauseAfter(2, 1_000)).toBe(18);
    const quarter = pacing(25);
    quarter.appends.records += 1;
    expect(quarter.p.pauseAfter(4, 10)).toBe(12);
  });

  it('does not pause when nothing was appended since the step before (no producer to protect)', () => {
    const { p, appends } = pacing(10);
    expect(p.pauseAfter(4, 1_000)).toBe(0);
    appends.records += 1;
    expect(p.pauseAfter(4, 1_000)).toBe(36);
    expect(p.pauseAfter(4, 1_000)).toBe(0);
  });

  it('does not pause until the pass has deleted more than twice what was appended to cleaned-up topics since it began', () => {
    const { p, appends } = pacing(10);
    appends.records += 3_000;
    appends.toCleanedUpTopics += 3_000;
    expect(p.pauseAfter(4, 3_000)).toBe(0); // 3,000 deleted against twice 3,000 appended
    appends.records += 1;
    expect(p.pauseAfter(4, 3_000)).toBe(0); // 6,000 against 6,000: not ahead
    appends.records += 1;
    expect(p.pauseAfter(4, 1)).toBe(36); // 6,001: ahead
    appends.records += 10;
    appends.toCleanedUpTopics += 10; // the appends catch up again
    expect(p.pauseAfter(4, 1)).toBe(0);
  });

  it('does not pause after a step that deleted nothing', () => {
    const { p, appends } = pacing(10);
    appends.records += 1;
    expect(p.pauseAfter(4, 0)).toBe(0);
  });

  it('counts each pass from its beginning', () => {
    const { p, appends } = pacing(10);
    appends.records += 1;
    expect(p.pauseAfter(4, 5_000)).toBe(36);
    p.beginPass(); // the 5,000 deleted before do not count against what is appended from now on
    appends.records += 100;
    appends.toCleanedUpTopics += 100;
    expect(p.pauseAfter(4, 50)).toBe(0); // 50 against twice 100
    appends.records += 1;
    expect(p.pauseAfter(4, 160)).toBe(36); // 210 against 200
  });

  /**
   * A pass over a backlog on a simulated clock: steps of 5 ms deleting 300 records a millisecond, producers
   * appending `appendPerMs` records a millisecond to cleaned-up topics throughout (as retention by size sees
   * them: the pass goes on until the excess is gone). Returns the simulated time until the backlog is below
   * one step's worth, and the time spent in steps and in pauses.
   */
  function drain(appendPerMs: number, backlog: number) {
    const { p, appends } = pacing(10);
    const stepMs = 5;
    const time = { elapsed: 0, steps: 0, paused: 0 };
    const append = (ms: number) => {
      appends.records += appendPerMs * ms;
      appends.toCleanedUpTopics += appendPerMs * ms;
      backlog += appendPerMs * ms;
    };
    while (backlog >= 300 * stepMs && time.elapsed < 3_600_000) {
      const removed = 300 * stepMs;
      backlog -= removed;
      append(stepMs);
      const pause = p.pauseAfter(stepMs, removed);
      append(pause);
      time.elapsed += stepMs + pause;
      time.steps += stepMs;
      time.paused += pause;
    }
    return time;
  }

  it('drains the backlog a pass starts with even while producers append faster than the paced rate', () => {
    // 40 a millisecond: above the 30 that a 10% share of 300 deletes, below the 150 of half the full speed.
    const time = drain(40, 1_000_000);
    expect(time.paused).toBeGreaterThan(0);
    // Cleanup deletes at least twice the appends' rate: the 1,000,000 go at 40 a millisecond or faster.
    expect(time.elapsed).toBeLessThanOrEqual(1_000_000 / 40);
  });

  it('holds cleanup to its share while producers append slower than the paced rate', () => {
    const time = drain(5, 1_000_000);
    expect(time.paused / time.steps).toBeGreaterThanOrEqual(8.5); // 9 at a share of 10%, less the last steps
  });

  it('never pauses at a share of 100 percent', () => {
    const { p, appends } = pacing(100);
    appends.records += 1;
    expect(p.pauseAfter(4, 1_000)).toBe(0);
  });
});
