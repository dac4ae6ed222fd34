/**
 * Consumer groups' coordinator leases on the cluster: one KV entry per group (keys `leases.*` of the
 * bucket `<ns>_meta`), taken and renewed by compare-and-set on its revision, so two gateways claiming at
 * once cannot both win. Expiry is a time in the entry, by the claimants' clocks (see docs/cluster.md:
 * gateways' clocks must agree to well within the lease time). Entries are never deleted: epochs only grow.
 * The same rule serves the cluster leases (keys `tasks.*`: cleanup).
 */
import type { KV } from '@nats-io/kv';
import type { GroupLease, GroupLeaseClaim } from '../log-store.js';
import { claimedLease } from '../group-lease.js';
import { isLostWriteRace } from './cluster-errors.js';
import { kvKey } from './names.js';

export class GroupLeases {
  readonly #kv: KV;
  readonly #prefix: string;

  /** `prefix`: the keys' space (`leases.` for groups, `tasks.` for cluster leases: LogStore.claimClusterLease). */
  constructor(kv: KV, prefix = 'leases.') {
    this.#kv = kv;
    this.#prefix = prefix;
  }

  #key(name: string): string {
    return this.#prefix + kvKey(name);
  }

  async read(group: string): Promise<{ lease: GroupLease | undefined; revision: number }> {
    const e = await this.#kv.get(this.#key(group));
    if (!e || e.operation !== 'PUT') return { lease: undefined, revision: e?.revision ?? 0 };
    return { lease: e.json<GroupLease>(), revision: e.revision };
  }

  /** Writes `next` over the entry read at `revision`; false when another write came first. */
  async #write(group: string, next: GroupLease, revision: number): Promise<boolean> {
    try {
      if (revision) await this.#kv.update(this.#key(group), JSON.stringify(next), revision);
      else await this.#kv.create(this.#key(group), JSON.stringify(next));
      return true;
    } catch (err) {
      if (isLostWriteRace(err)) return false;
      throw err;
    }
  }

  async claim(group: string, claim: GroupLeaseClaim): Promise<GroupLease> {
    for (;;) {
      const { lease, revision } = await this.read(group);
      const next = claimedLease(lease, claim);
      if (!next) return lease!;
      if (await this.#write(group, next, revision)) return next;
    }
  }

  async release(group: string, holder: string): Promise<void> {
    for (;;) {
      const { lease, revision } = await this.read(group);
      if (lease?.holder !== holder || lease.expiresAt === 0) return;
      if (await this.#write(group, { ...lease, expiresAt: 0 }, revision)) return;
    }
  }
}
