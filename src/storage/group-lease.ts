/**
 * The rule of a consumer group's coordinator lease (LogStore.claimGroupLease), shared by the stores:
 * each applies it atomically to what it holds (SQLite in its one process, JetStream by compare-and-set).
 */
import { ErrorCode, GatewayError } from '../errors.js';
import type { GroupLease, GroupLeaseClaim } from './log-store.js';

/** The lease after `claim`, or undefined when someone else holds it (the current lease stands). */
export function claimedLease(current: GroupLease | undefined, claim: GroupLeaseClaim): GroupLease | undefined {
  const free = !current || current.expiresAt <= claim.now;
  const mine = current?.holder === claim.holder;
  if (!free && !mine) return undefined;
  const epoch = !current ? 1 : mine ? current.epoch : current.epoch + 1;
  return { holder: claim.holder, address: claim.address, epoch, expiresAt: claim.now + claim.ttlMs };
}

/** Refuses a group write fenced by a lower epoch than the group was last written with (GroupChange.fence). */
export function checkFence(group: string, stored: number | undefined, fence: number | undefined): void {
  if (fence === undefined || stored === undefined || fence >= stored) return;
  throw new GatewayError(
    ErrorCode.NOT_COORDINATOR,
    `this gateway no longer coordinates group '${group}' (its lease epoch ${fence} < ${stored}); retry`,
    // The same fields as every NOT_COORDINATOR (core/groups/leases.ts); the store does not know the new holder's URL.
    { group, coordinator: null, retryAfterSeconds: 1 },
  );
}
