/**
 * Per-principal quotas as token buckets (Confluent REST Proxy's per-principal quotas): each
 * principal has one bucket per kind (requests, produce bytes) that refills at its rate and holds
 * one second of it. A cost above a full bucket's size is let through once the bucket is full and
 * leaves it in debt, so one large produce is never refused for good, only paced.
 *
 * Bounded memory: at most `maxPrincipals` buckets per kind; past that the least recently used
 * one is forgotten (it starts full again, which only ever errs towards letting a request in).
 */
export type Take = { ok: true; remaining: number } | { ok: false; retryAfterSeconds: number; remaining: 0 };

interface Bucket {
  tokens: number;
  at: number;
}

export class TokenBuckets {
  readonly #buckets = new Map<string, Bucket>();
  readonly #maxPrincipals: number;

  constructor(maxPrincipals: number) {
    this.#maxPrincipals = maxPrincipals;
  }

  get size(): number {
    return this.#buckets.size;
  }

  /** Takes `cost` from `id`'s bucket refilling at `ratePerSecond`, if it can. */
  take(id: string, ratePerSecond: number, cost: number, now: number): Take {
    let bucket = this.#buckets.get(id);
    if (bucket) {
      this.#buckets.delete(id); // re-inserted below: Map order is recency
      bucket.tokens = Math.min(ratePerSecond, bucket.tokens + ((now - bucket.at) / 1000) * ratePerSecond);
      bucket.at = now;
    } else {
      bucket = { tokens: ratePerSecond, at: now };
      if (this.#buckets.size >= this.#maxPrincipals) this.#buckets.delete(this.#buckets.keys().next().value!);
    }
    this.#buckets.set(id, bucket);
    const full = bucket.tokens >= ratePerSecond;
    if (bucket.tokens >= cost || full) {
      bucket.tokens -= cost;
      return { ok: true, remaining: Math.max(0, Math.floor(bucket.tokens)) };
    }
    const wait = (Math.min(cost, ratePerSecond) - bucket.tokens) / ratePerSecond;
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(wait)), remaining: 0 };
  }
}
