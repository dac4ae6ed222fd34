/**
 * Which gateway coordinates each group: the holder of the group's lease in the store (LogStore.claimGroupLease),
 * as Kafka has one coordinator per group. This gateway coordinates a group only while it holds the lease by its
 * own reckoning: from the moment it asked (before the store answered) plus the lease time, less a margin. A new
 * holder writes its epoch into the group's stored state first (the fence: the old holder's writes are refused
 * from then on), then loads it (`onAcquired`).
 * Asking who coordinates (`lookup`) only reads; a lease is claimed (`coordinate`) for requests the coordinator
 * serves. On a store several gateways share, held leases are renewed every third of the lease time while the
 * group is busy (it has members) or was used within the lease time; an idle group's lease is let go and the
 * group dropped from memory (`onLost`), so idle groups cost no writes. On a single-gateway store (SQLite) a
 * lease is taken once, for good: there is no one to hand it to, so nothing is renewed.
 * Transport-free: the transports ask who coordinates and forward or refuse as they see fit.
 */
import { randomUUID } from 'node:crypto';
import type { GroupLease, LogStore } from '../../storage/log-store.js';
import { ErrorCode, GatewayError } from '../../errors.js';
import type { Clock } from '../clock.js';
import { Periodic } from '../periodic.js';

const DEFAULT_LEASE_MS = 10_000;
/** A single-gateway store's lease: about 285,000 years, past any clock. */
const FOREVER_MS = 2 ** 53 - 1 - Date.UTC(2100, 0);

/** The answer to "who coordinates this group": this gateway (with its epoch), or another (its lease). */
export type Coordination = { mine: true; epoch: number } | { mine: false; lease: GroupLease };

interface Held {
  epoch: number;
  /** Local time after which this gateway no longer acts as the coordinator unless it renewed. */
  validUntil: number;
  /** Local time of the last request served under it: an idle group's lease is let go. */
  usedAt: number;
}

export interface LeaseHooks {
  /** The lease just passed to this gateway (epoch given): fence and load the group. Until it resolves, no one is told. */
  onAcquired(group: string, epoch: number): Promise<void>;
  /** This gateway lost the lease (another holds it, or it ran out): forget the group. */
  onLost(group: string): void;
  /** Whether the group needs its coordinator however idle (it has members, whose sessions it keeps). */
  busy(group: string): boolean;
}

export class CoordinatorLeases {
  /** This gateway process (one holder id per start: a restarted gateway is a new holder). */
  readonly holder = randomUUID();
  readonly #store: LogStore;
  readonly #clock: Clock;
  readonly #ttlMs: number;
  readonly #address: string;
  readonly #hooks: LeaseHooks;
  /** Whether other gateways may share the store: leases are then renewed, and let go when idle. */
  readonly #shared: boolean;
  readonly #held = new Map<string, Held>();
  /** Claims in flight per group: concurrent requests share one. */
  readonly #claims = new Map<string, Promise<Coordination>>();
  readonly #renewal = new Periodic(() => this.renewAll());

  constructor(deps: {
    store: LogStore;
    clock: Clock;
    ttlMs?: number | undefined;
    address?: string | undefined;
    /** Default: unless the store says it is single-gateway. */
    shared?: boolean | undefined;
    hooks: LeaseHooks;
  }) {
    this.#store = deps.store;
    this.#shared = deps.shared ?? !deps.store.singleGateway;
    this.#clock = deps.clock;
    this.#ttlMs = deps.ttlMs ?? DEFAULT_LEASE_MS;
    this.#address = deps.address ?? '';
    this.#hooks = deps.hooks;
  }

  /** How long a claim lasts unless renewed. */
  get ttlMs(): number {
    return this.#ttlMs;
  }

  get shared(): boolean {
    return this.#shared;
  }

  start(): void {
    if (!this.#shared) return;
    this.#renewal.start(this.#ttlMs / 3);
  }

  /** Stops renewing and lets every held lease go, so other gateways take the groups at once. */
  async stop(): Promise<void> {
    await this.#renewal.stop();
    const groups = [...this.#held.keys()];
    this.#held.clear();
    await Promise.all(groups.map((g) => this.#store.releaseGroupLease(g, this.holder).catch(() => undefined)));
  }

  /** This gateway's epoch for the group while it holds a valid lease (no store call), else undefined. Counts as a use. */
  heldEpoch(group: string): number | undefined {
    const h = this.#held.get(group);
    if (!h) return undefined;
    const now = this.#clock.now();
    if (now >= h.validUntil) return undefined;
    h.usedAt = now;
    return h.epoch;
  }

  /**
   * Who coordinates the group, reading only: this gateway (its epoch), another whose lease is still running by
   * this gateway's clock, or undefined when no one does (the gateway serving the group's next request claims it).
   */
  async lookup(group: string): Promise<Coordination | undefined> {
    const epoch = this.heldEpoch(group);
    if (epoch !== undefined) return { mine: true, epoch };
    const lease = await this.#store.readGroupLease(group);
    if (!lease || lease.holder === this.holder || lease.expiresAt <= this.#clock.now()) return undefined;
    return { mine: false, lease };
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

  /** Renews the held leases of busy or recently used groups and lets the others go (the timer calls this; public for tests). */
  async renewAll(): Promise<void> {
    if (!this.#shared) return; // held for good (see the class comment)
    const now = this.#clock.now();
    await Promise.all(
      [...this.#held].map(async ([g, h]) => {
        if (this.#claims.has(g) || this.#hooks.busy(g) || now - h.usedAt < this.#ttlMs) return this.#sharedClaim(g).catch(() => undefined);
        // Forgotten first: from here on this gateway does not act on the group, so another may take it at once.
        this.#lose(g);
        await this.#store.releaseGroupLease(g, this.holder).catch(() => undefined);
      }),
    );
  }

  async #claim(group: string): Promise<Coordination> {
    const asked = this.#clock.now();
    let lease: GroupLease;
    try {
      const ttlMs = this.#shared ? this.#ttlMs : FOREVER_MS;
      lease = await this.#store.claimGroupLease(group, { holder: this.holder, address: this.#address, ttlMs, now: asked });
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
    const validUntil = this.#shared ? asked + this.#ttlMs - Math.min(1_000, this.#ttlMs / 5) : Infinity;
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
      this.#held.set(group, { epoch: lease.epoch, validUntil, usedAt: this.#clock.now() });
    }
    return { mine: true, epoch: lease.epoch };
  }

  #lose(group: string): void {
    this.#held.delete(group);
    this.#hooks.onLost(group);
  }
}

/**
 * Whole seconds until the lease runs out (at least 1, at most the lease time `ttlMs`): when its holder died,
 * another gateway takes the group then.
 */
export function secondsLeft(lease: GroupLease, now: number, ttlMs: number): number {
  return Math.max(1, Math.ceil(Math.min(lease.expiresAt - now, ttlMs) / 1000));
}

/**
 * NOT_COORDINATOR, alike wherever it is raised (here, REST forwarding, sockets): details `group`, `coordinator`
 * (the holder's advertised URL; null when it advertises none or is not known) and `retryAfterSeconds`.
 */
export function notCoordinator(group: string, coordinator: string | null, retryAfterSeconds: number, message?: string): GatewayError {
  const where = coordinator ? ` at ${coordinator}` : '';
  return new GatewayError(
    ErrorCode.NOT_COORDINATOR,
    message ?? `another gateway${where} coordinates group '${group}'; send the group's requests there, or retry`,
    { group, coordinator, retryAfterSeconds },
  );
}
