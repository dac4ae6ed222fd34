/**
 * Coordinator leases and write fences held in memory, for a store only one gateway process can open
 * (SQLite: the data directory lock). A restart forgets them, together with every coordinator they fenced.
 */
import type { GroupLease, GroupLeaseClaim } from './log-store.js';
import { checkFence, claimedLease } from './group-lease.js';

export class MemoryGroupLeases {
  readonly #leases = new Map<string, GroupLease>();
  /** The highest fence each group was written with. */
  readonly #fences = new Map<string, number>();

  claim(group: string, claim: GroupLeaseClaim): GroupLease {
    const current = this.#leases.get(group);
    const next = claimedLease(current, claim);
    if (next) this.#leases.set(group, next);
    return { ...(next ?? current!) };
  }

  read(group: string): GroupLease | undefined {
    const current = this.#leases.get(group);
    return current && { ...current };
  }

  release(group: string, holder: string): void {
    const current = this.#leases.get(group);
    if (current?.holder === holder) this.#leases.set(group, { ...current, expiresAt: 0 });
  }

  /** Throws NOT_COORDINATOR for a write with a lower fence than seen; else remembers the highest. */
  fence(group: string, fence: number | undefined): void {
    if (fence === undefined) return;
    checkFence(group, this.#fences.get(group), fence);
    this.#fences.set(group, fence);
  }
}
