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

  it('does not pause while the pass has deleted no more than was appended to cleaned-up topics since it began', () => {
    const { p, appends } = pacing(10);
    appends.records += 3_000;
    appends.toCleanedUpTopics += 3_000;
    expect(p.pauseAfter(4, 1_000)).toBe(0); // 1,000 deleted, 3,000 appended
    appends.records += 1;
    expect(p.pauseAfter(4, 1_000)).toBe(0); // 2,000 against 3,000
    appends.records += 1;
    expect(p.pauseAfter(4, 1_000)).toBe(0); // 3,000 against 3,000: not ahead
    appends.records += 1;
    expect(p.pauseAfter(4, 1)).toBe(36); // 3,001: ahead
    appends.records += 10;
    appends.toCleanedUpTopics += 10; // the appends catch up again
    expect(p.pauseAfter(4, 1)).toBe(0);
  });

  it('counts each pass from its beginning', () => {
    const { p, appends } = pacing(10);
    appends.records += 1;
    expect(p.pauseAfter(4, 5_000)).toBe(36);
    p.beginPass(); // the 5,000 deleted before do not count against what is appended from now on
    appends.records += 100;
    appends.toCleanedUpTopics += 100;
    expect(p.pauseAfter(4, 50)).toBe(0); // 50 against 100
    appends.records += 1;
    expect(p.pauseAfter(4, 60)).toBe(36); // 110 against 100
  });

  it('never pauses at a share of 100 percent', () => {
    const { p, appends } = pacing(100);
    appends.records += 1;
    expect(p.pauseAfter(4, 1_000)).toBe(0);
  });
});
