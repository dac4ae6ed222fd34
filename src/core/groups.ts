/**
 * The consumer group coordinator (transport-free: REST and WebSocket members use the same code).
 *
 * Model (after Kafka's KIP-848 consumer protocol): the server computes each group's target
 * assignment (assignor.ts); members learn their part by heartbeat; rebalancing is incremental:
 * a partition leaves its old owner first (the old owner's heartbeat stops listing it, or the old
 * owner is expelled) and only then is granted to its new owner, so no partition ever has two
 * owners, and members that keep partitions are never interrupted.
 *
 * API (all methods are async unless noted; errors are GatewayError with these codes):
 *   start()                 take the free leases of stored groups (on a shared store: those with members) and load them,
 *                           start the timers. Call before serving.
 *   stop()                  stop the timers and topic subscription; pending operations finish; leases are let go.
 *   whoCoordinates(group)   -> {self: true} | {self: false, address, retryAfterSeconds}: who serves the group (only reads;
 *                           self when no one holds its lease). Every operation below that names a group throws
 *                           NOT_COORDINATOR (details: group, coordinator, retryAfterSeconds) on a gateway that does not hold
 *                           it; the transports forward or refuse. A lease is claimed only for an existing group, a join or
 *                           an administrator's commit; other requests naming no group get GROUP_NOT_FOUND and store nothing.
 *   renewLeases()           renew busy or recently used groups' leases, let idle ones go (a timer calls it on a shared store).
 *   join(group, {topics, sessionTimeoutMs?, autoOffsetReset?})
 *                           -> {memberId, memberEpoch, assignment, heartbeatIntervalMs}.  TOPIC_NOT_FOUND, INVALID_REQUEST,
                           GROUP_FULL (groupMaxMembers), TOO_MANY_GROUPS (a new group beyond groupMaxGroups; an existing
                           group is never refused by it, and a deleted group frees its slot)
 *   heartbeat(group, memberId, {memberEpoch, ownedPartitions}, {waitMs?, signals?})
 *                           -> {memberEpoch, assignment, heartbeatIntervalMs}. `ownedPartitions` is what the member
 *                           still holds; a partition it stops listing is released (and may go to its new owner).
 *                           `assignment` is what it may hold now: partitions missing from it are revoked (stop
 *                           reading them, commit, then heartbeat without them); new ones are granted. With waitMs, a
 *                           member that only waits for partitions others are releasing, and would be told nothing
 *                           new, is answered when one is released (then with it), after at most waitMs (capped at
 *                           its heartbeatIntervalMs), or when a signal aborts.
 *                           GROUP_NOT_FOUND, MEMBER_NOT_FOUND (never joined), FENCED_MEMBER (expelled, left, stale epoch)
 *   touch(group, memberId)  (sync) a sign of life without reconciling, e.g. a socket's pong. Returns false if unknown.
 *   leave(group, memberId)  its partitions are free at once.
 *   memberTopics(group, memberId)  (sync) the topics the member joined for (empty if unknown): what access checks ask.
 *   poll(group, memberId, {maxRecords, maxBytes, waitMs, signals?})
 *                           -> {memberEpoch, assignment, records (JSON array text, the wire format of record-codec.ts),
 *                           nextOffsets: [{topic, partition, offset}]}. Reads the member's granted partitions from its
 *                           position (first: the committed offset, else autoOffsetReset), advances the position,
 *                           long-polls up to waitMs. A sign of life.
 *   position(group, memberId, topic, partition) -> where the member reads that granted partition next (a socket member
 *                           streams from there, then reports progress with advance()).
 *   advance(group, memberId, topic, partition, nextOffset)  (sync) record what a member has been sent.
 *   commit(group, {memberId?, memberEpoch?, offsets: [{topic, partition, offset}]}) -> the stored offsets.
 *                           With a member: epoch must be current and each partition granted to it or being revoked
 *                           from it (FENCED_MEMBER, NOT_PARTITION_OWNER). Without one (an administrator): only while
 *                           the group has no members (GROUP_NOT_EMPTY), and it may create the group (TOO_MANY_GROUPS as
                           for join). Offsets must be integers 0..highWatermark.
 *   onMemberChange(group, memberId, listener) -> unsubscribe. (sync) listener({type:'reconcile'}) when the member should
 *                           heartbeat now (a partition is revoked from it, or one it is due became free);
 *                           listener({type:'fenced', reason}) when it is expelled or leaves. Never throws into the caller.
 *   listAll() every stored group; list() (sync) those held here, describe(group), offsets(group), resetOffsets(group, {to, timestamp?, offset?, topics?}), deleteGroup(group)
 *
 * Durability: membership (members, subscriptions, epochs, targets, grants, revocations) is saved in the store on every
 * change, and committed offsets in the same commit path, so a gateway restart keeps members' ids, epochs and partitions.
 * It is stored in pieces (issue 9): a group-wide part (epoch, fenced ids) and one part per member, and a change writes
 * only the members it changed (a heartbeat one row, a join the new member plus those it takes partitions from). Joins,
 * and heartbeats, that queue up while the group is busy are applied together with one rebalance and one write (group
 * commit for membership), so a thousand members joining at once cost a few writes, not a thousand.
 * Session deadlines are NOT saved: a heartbeat that changes nothing costs no write (no fsync per heartbeat). On load,
 * every member gets a fresh full session timeout, so downtime of the gateway never expels members; a member that died
 * meanwhile is expelled one session timeout after start. Poll positions are in memory: after a restart a member
 * reads again from the committed offset (at-least-once, as after any consumer failover).
 *
 * Several gateways on one store (a cluster): each group is coordinated by one gateway at a time, the holder of its
 * lease in the store (leases.ts). A new holder fences the group's stored state with its lease epoch before loading it,
 * and every write carries the epoch, so a deposed holder's writes are refused (docs/cluster.md).
 *
 * Layout (src/core/groups/): types.ts the vocabulary above; state.ts the persisted state, its copy-on-write draft and
 * its pure transitions; group.ts one group in memory (lock, batches, atomic mutate, indexes, deadlines, listeners); coordinator.ts the registry, lifecycle
 * and membership; reading.ts polls and positions; offsets.ts commits, resets and lag; leases.ts which gateway coordinates; checks.ts names and shared
 * errors. This file is the only entry point: import from here, not from the folder (ESM has no directory index).
 */
export { checkGroupName } from './groups/checks.js';
export { GroupCoordinator } from './groups/coordinator.js';
export { notCoordinator } from './groups/leases.js';
export * from './groups/types.js';
