/**
 * Which gateway coordinates each group: the holder of the group's lease in the store (LogStore.claimGroupLease),
 * as Kafka has one coordinator per group. This gateway coordinates a group only while it holds the lease by its
 * own reckoning: from the moment it asked (before the store answered) plus the lease time, less a margin. It
 * renews every third of the lease time; when a renewal finds another holder, or the lease ran out without one,
 * the group is dropped from memory (`onLost`). A new holder writes its epoch into the group's stored state first
 * (the fence: the old holder's writes are refused from then on), then loads it (`onAcquired`).
 * Transport-free: the transports ask `coordinate` who coordinates and forward or refuse as they see fit.
 */
import { randomUUID } from 'node:crypto';
import type { GroupLease, LogStore } from '../../storage/log-store.js';
import type { Clock } from '../clock.js';

const DEFAULT_LEASE_MS = 10_000;

/** The answer to "who coordinates this group": this gateway (with its epoch), or another (its lease). */
export type Coordination = { mine: true; epoch: number } | { mine: false; lease: GroupLease };

interface Held {
  epoch: number;
  /** Local time after which this gateway no longer acts as the coordinator unless it renewed. */
  validUntil: number;
}

export interface LeaseHooks {
  /** The lease just passed to this gateway (epoch given): fence and load the group. Until it resolves, no one is told. */
  onAcquired(group: string, epoch: number): Promise<void>;
  /** This gateway lost the lease (another holds it, or it ran out): forget the group. */
  onLost(group: string): void;
  /** Whether the group is still wanted (in memory): a lease taken for a request on no group is let go at the next renewal. */
  keep(group: string): boolean;
}

export class CoordinatorLeases {
  /** This gateway process (one holder id per start: a restarted gateway is a new holder). */
  readonly holder = randomUUID();
  readonly #store: LogStore;
  readonly #clock: Clock;
  readonly #ttlMs: number;
  readonly #address: string;
  readonly #hooks: LeaseHooks;
  readonly #held = new Map<string, Held>();
  /** Claims in flight per group: concurrent requests share one. */
  readonly #claims = new Map<string, Promise<Coordination>>();
  #timer: NodeJS.Timeout | undefined;
  #renewing: Promise<unknown> | undefined;

  constructor(deps: { store: LogStore; clock: Clock; ttlMs?: number | undefined; address?: string | undefined; hooks: LeaseHooks }) {
    this.#store = deps.store;
    this.#clock = deps.clock;
    this.#ttlMs = deps.ttlMs ?? DEFAULT_LEASE_MS;
    this.#address = deps.address ?? '';
    this.#hooks = deps.hooks;
  }

  start(): void {
    this.#timer = setInterval(() => {
      this.#renewing ??= this.renewAll().finally(() => (this.#renewing = undefined));
    }, this.#ttlMs / 3);
    this.#timer.unref();
  }

  /** Stops renewing and lets every held lease go, so other gateways take the groups at once. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#renewing;
    const groups = [...this.#held.keys()];
    this.#held.clear();
    await Promise.all(groups.map((g) => this.#store.releaseGroupLease(g, this.holder).catch(() => undefined)));
  }

  /** This gateway's epoch for the group while it holds a valid lease (no store call), else undefined. */
  heldEpoch(group: string): number | undefined {
    const h = this.#held.get(group);
    return h && this.#clock.now() < h.validUntil ? h.epoch : undefined;
  }

  /** Who coordinates the group; claims the lease when it is free (running onAcquired before answering). */
  coordinate(group: string): Promise<Coordination> {
    const epoch = this.heldEpoch(group);
    if (epoch !== undefined) return Promise.resolve({ mine: true, epoch });
    return this.#sharedClaim(group);
  }

  /** One claim per group at a time: requests and the renewal timer share it. */
  #sharedClaim(group: string): Promise<Coordination> {
    let claim = this.#claims.get(group);
    if (!claim) {
      claim = this.#claim(group).finally(() => this.#claims.delete(group));
      this.#claims.set(group, claim);
    }
    return claim;
  }

  /** Renews every held lease (the timer calls this; public for tests). */
  async renewAll(): Promise<void> {
    await Promise.all(
      [...this.#held.keys()].map(async (g) => {
        if (this.#hooks.keep(g)) return this.#sharedClaim(g).catch(() => undefined);
        this.#held.delete(g);
        await this.#store.releaseGroupLease(g, this.holder).catch(() => undefined);
      }),
    );
  }

  async #claim(group: string): Promise<Coordination> {
    const asked = this.#clock.now();
    let lease: GroupLease;
    try {
      lease = await this.#store.claimGroupLease(group, { holder: this.holder, address: this.#address, ttlMs: this.#ttlMs, now: asked });
    } catch (err) {
      // Unreachable store: keep acting only while the lease we had is still valid by our reckoning.
      const h = this.#held.get(group);
      if (h && this.#clock.now() >= h.validUntil) this.#lose(group);
      throw err;
    }
    if (lease.holder !== this.holder) {
      if (this.#held.has(group)) this.#lose(group);
      return { mine: false, lease };
    }
    const validUntil = asked + this.#ttlMs - Math.min(1_000, this.#ttlMs / 5);
    const held = this.#held.get(group);
    if (held && held.epoch === lease.epoch) {
      held.validUntil = validUntil;
    } else {
      if (held) this.#lose(group);
      try {
        await this.#hooks.onAcquired(group, lease.epoch);
      } catch (err) {
        await this.#store.releaseGroupLease(group, this.holder).catch(() => undefined);
        throw err;
      }
      this.#held.set(group, { epoch: lease.epoch, validUntil });
    }
    return { mine: true, epoch: lease.epoch };
  }

  #lose(group: string): void {
    this.#held.delete(group);
    this.#hooks.onLost(group);
  }
}
