/**
 * Cleanup (retention, compaction, idempotency-key expiry) runs on one gateway of a cluster at a time: the
 * holder of the store's cluster lease `cleanup` (LogStore.claimClusterLease). Every gateway claims it every
 * third of the lease time (a read while another holds it), so the holder keeps it while it lives and another
 * takes it within the lease time after it dies. A holder paused past its lease may overlap its successor for
 * one pass: harmless, as every cleanup step is idempotent (truncation never moves the log start back).
 * On SQLite one process opens the store, and it always holds the lease.
 */
import { randomUUID } from 'node:crypto';
import type { LogStore } from '../storage/log-store.js';
import type { Clock } from './clock.js';
import { Periodic } from './periodic.js';

export const CLEANUP_LEASE = 'cleanup';

export class CleanupLease {
  /** This gateway process (a restarted gateway is a new holder). */
  readonly holder = randomUUID();
  readonly #store: LogStore;
  readonly #clock: Clock;
  readonly #ttlMs: number;
  /** Local time until which this gateway holds the lease by its own reckoning (0: it does not). */
  #validUntil = 0;
  #claiming: Promise<boolean> | undefined;
  readonly #renewal = new Periodic(() => this.claim());

  constructor(store: LogStore, clock: Clock, ttlMs: number) {
    this.#store = store;
    this.#clock = clock;
    this.#ttlMs = ttlMs;
  }

  /** Whether this gateway holds the lease now, without asking the store. */
  held(): boolean {
    return this.#clock.now() < this.#validUntil;
  }

  /** Whether this gateway holds the lease: at once while it does, else after a claim (false when the store fails). */
  hold(): Promise<boolean> {
    return this.held() ? Promise.resolve(true) : this.claim();
  }

  /** Claims or renews the lease (one claim at a time); resolves whether this gateway holds it. */
  claim(): Promise<boolean> {
    this.#claiming ??= this.#claim().finally(() => (this.#claiming = undefined));
    return this.#claiming;
  }

  async #claim(): Promise<boolean> {
    const asked = this.#clock.now();
    try {
      const lease = await this.#store.claimClusterLease(CLEANUP_LEASE, { holder: this.holder, address: '', ttlMs: this.#ttlMs, now: asked });
      // The margin, as for group leases: stop acting a little before the others may take it.
      this.#validUntil = lease.holder === this.holder ? asked + this.#ttlMs - Math.min(1_000, this.#ttlMs / 5) : 0;
    } catch {
      // Unreachable store: keep the lease only as long as it was valid (cleanup would fail anyway).
    }
    return this.held();
  }

  start(): void {
    void this.claim();
    this.#renewal.start(this.#ttlMs / 3);
  }

  /** Stops renewing and lets the lease go, so another gateway takes the cleanup at once. */
  async stop(): Promise<void> {
    await this.#renewal.stop();
    await this.#claiming;
    if (this.#validUntil === 0) return;
    this.#validUntil = 0;
    await this.#store.releaseClusterLease(CLEANUP_LEASE, this.holder).catch(() => undefined);
  }
}
