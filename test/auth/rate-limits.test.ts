import { describe, expect, it } from 'vitest';
import { TokenBuckets } from '../../src/auth/rate-limits.js';

describe('TokenBuckets (per-principal quotas)', () => {
  it('lets a second of the rate through, then refuses with the wait, and refills with time', () => {
    const buckets = new TokenBuckets(10);
    const results = Array.from({ length: 6 }, () => buckets.take('a', 5, 1, 1_000));
    expect(results.map((r) => r.ok)).toEqual([true, true, true, true, true, false]);
    expect(results[5]).toMatchObject({ ok: false, retryAfterSeconds: 1 });
    expect(buckets.take('a', 5, 1, 1_200).ok).toBe(true); // 0.2 s refills one
    expect(buckets.take('a', 5, 1, 1_200).ok).toBe(false);
  });

  it('keeps principals apart', () => {
    const buckets = new TokenBuckets(10);
    for (let i = 0; i < 3; i++) buckets.take('a', 3, 1, 0);
    expect(buckets.take('a', 3, 1, 0).ok).toBe(false);
    expect(buckets.take('b', 3, 1, 0).ok).toBe(true);
  });

  it('lets one cost larger than the bucket through when full, then makes the principal wait it off', () => {
    const buckets = new TokenBuckets(10);
    expect(buckets.take('a', 100, 250, 0).ok).toBe(true);
    const next = buckets.take('a', 100, 1, 0);
    expect(next).toMatchObject({ ok: false });
    expect(buckets.take('a', 100, 1, 1_000).ok).toBe(false); // 150 in debt, 100 refilled: still 50 short
    expect(buckets.take('a', 100, 1, 1_600).ok).toBe(true); // 60 more: 10 left
  });

  it('remembers at most maxPrincipals, forgetting the least recently used', () => {
    const buckets = new TokenBuckets(2);
    buckets.take('a', 1, 1, 0);
    buckets.take('b', 1, 1, 0);
    buckets.take('a', 1, 1, 0); // a is now the most recent
    buckets.take('c', 1, 1, 0); // forgets b
    expect(buckets.size).toBe(2);
    expect(buckets.take('a', 1, 1, 0).ok).toBe(false); // still remembered, still empty
    expect(buckets.take('b', 1, 1, 0).ok).toBe(true); // forgotten: starts full
  });
});
