/**
 * The group coordinator: the registry of groups and their lifecycle (load, session expiry, topic
 * changes), and the entry point of every group operation. Membership transitions, reading and
 * offsets are delegated to GroupMembership, GroupReader and GroupOffsetBook. The public API and its contract are described in core/groups.ts.
 */
import { ErrorCode, GatewayError } from '../../errors.js';
import type { CommittedOffset, GroupLease, LogStore } from '../../storage/log-store.js';
import { tpKey } from '../assignor.js';
import type { Clock } from '../clock.js';
import type { Log } from '../log.js';
import type { Notifier } from '../notifier.js';
import { Periodic } from '../periodic.js';
import { checkGroup } from './checks.js';
import { Group } from './group.js';
import { GroupMembership, type MembershipRequest } from './membership.js';
import { checkCommitRequest, GroupOffsetBook } from './offsets.js';
import { GroupReader } from './reading.js';
import { CoordinatorLeases, notCoordinator, secondsLeft, type Coordination } from './leases.js';
import { clone, dedupe, emptyState, parseState, stateName, waitingForRelease, type GroupState } from './state.js';
import type {
  CommitRequest,
  GroupDescription,
  GroupOffsets,
  GroupSettings,
  GroupSummary,
  HeartbeatOptions,
  HeartbeatRequest,
  JoinRequest,
  MemberListener,
  Membership,
  PollOptions,
  PollResult,
  ResetRequest,
} from './types.js';

export class GroupCoordinator {
  readonly #store: LogStore;
  readonly #log: Log;
  readonly #notifier: Notifier;
  readonly #clock: Clock;
  readonly #settings: GroupSettings;
  readonly #reader: GroupReader;
  readonly #offsets: GroupOffsetBook;
  readonly #membership: GroupMembership;
  readonly #groups = new Map<string, Group>();
  readonly #leases: CoordinatorLeases;
  #offTopicChange: (() => void) | undefined;
  readonly #expiry = new Periodic(() => this.expireSessions());

  /** `shared`: whether other gateways may share the store (default: unless the store is single-gateway); see leases.ts. */
  constructor(deps: { store: LogStore; log: Log; notifier: Notifier; clock: Clock; settings: GroupSettings; shared?: boolean }) {
    this.#store = deps.store;
    this.#log = deps.log;
    this.#notifier = deps.notifier;
    this.#clock = deps.clock;
    this.#settings = deps.settings;
    this.#reader = new GroupReader(deps);
    this.#offsets = new GroupOffsetBook(deps);
    this.#membership = new GroupMembership(deps);
    this.#leases = new CoordinatorLeases({
      store: deps.store,
      clock: deps.clock,
      ttlMs: deps.settings.groupCoordinatorLeaseMs,
      address: deps.settings.advertisedUrl,
      shared: deps.shared,
      hooks: {
        onAcquired: (group, epoch) => this.#load(group, epoch),
        onLost: (group) => this.#drop(group),
        busy: (group) => (this.#groups.get(group)?.memberCount ?? 0) > 0,
      },
    });
  }

  // ---------------------------------------------------------------- lifecycle

  async start(): Promise<void> {
    // One gateway per store (SQLite) takes and loads every stored group (onAcquired -> #load). On a cluster, a
    // gateway takes the groups with members whose lease is free (their sessions need a coordinator to run out);
    // the others are taken by whichever gateway gets their next request, and groups another coordinates are left to it.
    for (const stored of await this.#store.listGroups()) {
      if (this.#leases.shared && !stored.members.length) continue;
      if (!(await this.#leases.lookup(stored.group))) await this.#leases.coordinate(stored.group);
    }
    this.#leases.start();
    this.#offTopicChange = this.#notifier.onTopicChange((event) => {
      for (const g of this.#groups.values()) {
        if (event.kind === 'deleted') {
          for (const [key, c] of g.committed) if (c.topic === event.topic) g.committed.delete(key);
          // A group that had only offsets for this topic is gone from the store too; held on, it would take a
          // groupMaxGroups slot that no request could free. Dropped in turn, as a failed creation is.
          if (!g.exists) void this.#exclusiveOnNew(g, async () => undefined).catch(() => undefined);
        }
        if ([...g.state.members.values()].some((m) => m.topics.includes(event.topic))) {
          void g.exclusive(() => this.#membership.rebalance(g)).catch(() => undefined);
        }
      }
    });
    this.#expiry.start(this.#settings.groupSessionCheckIntervalMs);
  }

  async stop(): Promise<void> {
    await this.#expiry.stop();
    this.#offTopicChange?.();
    await Promise.all([...this.#groups.values()].map((g) => g.idle()));
    await this.#leases.stop();
  }

  /**
   * Who serves the group's requests: this gateway (`self`: it coordinates the group, or no one does and its next
   * request here claims it), or another at `address` (its advertised URL; empty when it advertises none). Only
   * reads: asking about any name leaves nothing behind. For the transports, which forward a group's requests to
   * its coordinator; every operation below also checks, and throws NOT_COORDINATOR.
   */
  async whoCoordinates(group: string): Promise<{ self: true } | { self: false; address: string; retryAfterSeconds: number }> {
    checkGroup(group);
    const c = await this.#leases.lookup(group);
    if (!c || c.mine) return { self: true };
    return { self: false, address: c.lease.address, retryAfterSeconds: secondsLeft(c.lease, this.#clock.now(), this.#leases.ttlMs) };
  }

  /** Renews the leases of busy or recently used groups and lets idle groups go (a timer calls this on a shared store; public for tests). */
  renewLeases(): Promise<void> {
    return this.#leases.renewAll();
  }

  /** Expels every member past its session deadline (the timer calls this; public for tests). Returns their ids. */
  async expireSessions(): Promise<string[]> {
    const now = this.#clock.now();
    const expelled: string[] = [];
    for (const g of [...this.#groups.values()]) {
      const late = [...g.state.members.values()].filter((m) => (g.deadlines.get(m.memberId) ?? 0) < now && !(g.polling.get(m.memberId) ?? 0));
      if (!late.length) continue;
      await g.exclusive(async () => {
        const t = this.#clock.now();
        const still = late.filter((m) => g.member(m.memberId) && (g.deadlines.get(m.memberId) ?? 0) < t);
        if (!still.length) return;
        await this.#membership.removeMembers(g, still.map((m) => m.memberId), 'its session timed out');
        expelled.push(...still.map((m) => m.memberId));
      });
    }
    return expelled;
  }

  // ---------------------------------------------------------------- membership

  async join(group: string, request: JoinRequest): Promise<Membership> {
    checkGroup(group);
    const { topics, sessionTimeoutMs, autoOffsetReset } = this.#membership.checkJoin(request);
    for (const t of topics) await this.#log.partitionCount(t); // TOPIC_NOT_FOUND names the topic

    const g = this.#groupOrNew(group, await this.#coordinated(group, true));
    const result = await this.#membershipTurn(g, { join: { topics, sessionTimeoutMs, autoOffsetReset } });
    return result ?? this.join(group, request);
  }

  async heartbeat(group: string, memberId: string, request: HeartbeatRequest, options: HeartbeatOptions = {}): Promise<Membership> {
    const g = await this.#requireCoordinated(group);
    const beat: MembershipRequest = { heartbeat: { memberId, memberEpoch: request.memberEpoch, owned: dedupe(request.ownedPartitions) } };
    const answer = await this.#heartbeatTurn(g, beat);
    // Waiting for a partition another member releases, and told nothing new (same epoch): rather than answer
    // "nothing yet" and be asked again an interval later, wait for the release and answer the same heartbeat
    // again, as if it had arrived then. Never longer than the member's interval, so its session is never at risk;
    // never after a new epoch, so a retry of a lost answer still names the previous one.
    const waitMs = Math.min(options.waitMs ?? 0, answer.heartbeatIntervalMs);
    const m = g.member(memberId);
    if (waitMs <= 0 || answer.memberEpoch !== request.memberEpoch || !m || !waitingForRelease(m)) return answer;
    if (!(await g.awaitNews(memberId, waitMs, options.signals ?? []))) return answer;
    return this.#heartbeatTurn(g, beat);
  }

  async #heartbeatTurn(g: Group, beat: MembershipRequest): Promise<Membership> {
    const result = await this.#membershipTurn(g, beat);
    if (!result) throw new Error('a membership turn answered a heartbeat with no membership'); // only joins start over
    return result;
  }

  /**
   * Joins and heartbeats that queue up behind the group's lock are handled together: one draft, one write (joins
   * may create the group, hence #exclusiveOnNew).
   */
  #membershipTurn(g: Group, request: MembershipRequest): Promise<Membership | undefined> {
    return g.batched(
      'membership',
      request,
      (requests) => this.#membership.turn(g, requests),
      (fn) => this.#exclusiveOnNew(g, fn),
    );
  }

  touch(group: string, memberId: string): boolean {
    const g = this.#groups.get(group);
    if (!g || !g.member(memberId)) return false;
    g.touch(memberId);
    return true;
  }

  async leave(group: string, memberId: string): Promise<void> {
    const g = await this.#requireCoordinated(group);
    // Leaves that queue up behind the group's lock are handled together: one draft, one rebalance, one write.
    await g.batched('leave', memberId, (memberIds) => this.#membership.leaveTurn(g, memberIds));
  }

  onMemberChange(group: string, memberId: string, listener: MemberListener): () => void {
    const g = this.#requireGroup(group);
    g.requireMember(memberId);
    return g.listen(memberId, listener);
  }

  // ---------------------------------------------------------------- reading (reading.ts)

  async position(group: string, memberId: string, topic: string, partition: number): Promise<number> {
    return this.#reader.position(await this.#requireCoordinated(group), memberId, topic, partition);
  }

  advance(group: string, memberId: string, topic: string, partition: number, nextOffset: number): void {
    const g = this.#groups.get(group);
    if (g) this.#reader.advance(g, memberId, topic, partition, nextOffset);
  }

  /** The topics a member joined for (what its polls read); empty when there is no such group or member. */
  memberTopics(group: string, memberId: string): string[] {
    return [...(this.#groups.get(group)?.member(memberId)?.topics ?? [])];
  }

  async poll(group: string, memberId: string, options: PollOptions): Promise<PollResult> {
    return this.#reader.poll(await this.#requireCoordinated(group), memberId, options);
  }

  // ---------------------------------------------------------------- offsets (offsets.ts)

  async commit(group: string, request: CommitRequest): Promise<CommittedOffset[]> {
    checkGroup(group);
    checkCommitRequest(request);
    // A member commits to its existing group; an administrator's commit may create one.
    const g = request.memberId !== undefined ? await this.#requireCoordinated(group) : this.#groupOrNew(group, await this.#coordinated(group, true));
    const result = await this.#exclusiveOnNew(g, async () => (g.deleted ? undefined : this.#offsets.commit(g, request)));
    return result ?? this.commit(group, request);
  }

  async offsets(group: string): Promise<GroupOffsets> {
    return this.#offsets.lag(await this.#requireCoordinated(group));
  }

  async resetOffsets(group: string, request: ResetRequest): Promise<GroupOffsets> {
    const g = await this.#requireCoordinated(group);
    return g.exclusive(() => this.#offsets.reset(g, request));
  }

  async deleteGroup(group: string): Promise<void> {
    const g = await this.#requireCoordinated(group);
    await g.exclusive(async () => {
      g.requireEmpty('be deleted');
      await this.#store.deleteGroup(group);
      g.deleted = true;
      this.#groups.delete(group);
    });
  }

  // ---------------------------------------------------------------- inspection

  /** Groups held in memory, including any not (yet) stored: a failed request must leave none behind. */
  get loadedGroups(): number {
    return this.#groups.size;
  }

  /** Every group in the store, whichever gateway coordinates it (the store holds them all; listing needs no lease). */
  async listAll(): Promise<GroupSummary[]> {
    const stored = await this.#store.listGroups();
    return stored
      .map(({ group, state, members }) => {
        const parsed = parseState(state, members.map((m) => m.state));
        return { group, state: stateName(parsed), groupEpoch: parsed.groupEpoch, members: parsed.members.size };
      })
      .sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : 0));
  }

  /** The groups this gateway coordinates and holds in memory (synchronous: for gauges). */
  list(): GroupSummary[] {
    return [...this.#groups.values()]
      .filter((g) => g.exists)
      .map((g) => ({ group: g.name, state: stateName(g.state), groupEpoch: g.state.groupEpoch, members: g.memberCount }))
      .sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : 0));
  }

  async describe(group: string): Promise<GroupDescription> {
    const g = await this.#requireCoordinated(group);
    const lag = await this.#offsets.lag(g);
    return {
      ...lag,
      state: stateName(g.state),
      groupEpoch: g.state.groupEpoch,
      members: [...g.state.members.values()].map((m) => ({
        memberId: m.memberId,
        memberEpoch: m.memberEpoch,
        topics: [...m.topics],
        sessionTimeoutMs: m.sessionTimeoutMs,
        autoOffsetReset: m.autoOffsetReset,
        joinedAt: m.joinedAt,
        sessionExpiresAt: g.deadlines.get(m.memberId) ?? 0,
        assignment: clone(m.granted),
        revoking: clone(m.revoking),
        target: clone(m.target),
      })),
    };
  }

  // ---------------------------------------------------------------- internals

  #newGroup(name: string, state: GroupState, fence: number): Group {
    const g = new Group(name, state, { store: this.#store, clock: this.#clock, fence });
    this.#groups.set(name, g);
    return g;
  }

  /**
   * The lease just came to this gateway: fence the group's stored state with the new epoch (from here on the
   * previous coordinator's writes are refused), then load what it stored. Members keep their ids, epochs and
   * partitions; deadlines are not stored, so each gets a fresh full session (as after a restart).
   */
  async #load(group: string, epoch: number): Promise<void> {
    // Let go and taken back with no holder in between: what memory holds is still the stored state.
    if (this.#groups.get(group)?.fence === epoch) return;
    await this.#store.saveGroup(group, { fence: epoch });
    const [stored] = await this.#store.listGroups(group);
    const committed = await this.#store.committedOffsets(group);
    if (!stored && !committed.length) return; // no such group (yet): a join or commit creates it
    const g = this.#newGroup(group, stored ? parseState(stored.state, stored.members.map((m) => m.state)) : emptyState(), epoch);
    g.saved = stored?.state !== null && stored?.state !== undefined;
    for (const c of committed) g.committed.set(tpKey(c), c);
    const now = this.#clock.now();
    for (const m of g.state.members.values()) g.deadlines.set(m.memberId, now + m.sessionTimeoutMs);
    // Topics may have changed meanwhile; sticky and deterministic, so usually a no-op.
    if (g.memberCount) await g.exclusive(() => this.#membership.rebalance(g));
  }

  /** Another gateway coordinates the group now (or no one can tell): forget it. Operations under way fail on the fence. */
  #drop(group: string): void {
    const g = this.#groups.get(group);
    if (!g) return;
    g.deleted = true;
    this.#groups.delete(group);
  }

  /**
   * This gateway's lease epoch for the group, or NOT_COORDINATOR naming the holder. A free lease is claimed only
   * for a group that exists, or for a request that `creates` it (a join, an administrator's commit): a request
   * naming no group answers GROUP_NOT_FOUND and leaves no lease or fence behind.
   */
  async #coordinated(group: string, creates = false): Promise<number> {
    checkGroup(group);
    const epoch = this.#leases.heldEpoch(group);
    if (epoch !== undefined) return epoch;
    const other = await this.#leases.lookup(group);
    if (other && !other.mine) throw this.#notCoordinator(group, other.lease);
    if (!creates && !other && !(await this.#store.listGroups(group)).length) {
      throw new GatewayError(ErrorCode.GROUP_NOT_FOUND, `group '${group}' does not exist`, { group });
    }
    const c: Coordination = await this.#leases.coordinate(group);
    if (c.mine) return c.epoch;
    throw this.#notCoordinator(group, c.lease);
  }

  #notCoordinator(group: string, lease: GroupLease): GatewayError {
    return notCoordinator(group, lease.address || null, secondsLeft(lease, this.#clock.now(), this.#leases.ttlMs));
  }

  async #requireCoordinated(group: string): Promise<Group> {
    await this.#coordinated(group);
    return this.#requireGroup(group);
  }

  /**
   * The group a join or an administrator's commit names: the one in memory, else a new one unless there are
   * groupMaxGroups already. The map holds the groups that exist and those being created (dropped again if their
   * creation fails), and the check and the insertion are one synchronous step, so concurrent creations cannot
   * overshoot. Groups loaded at start are not checked: lowering the setting refuses only new groups.
   */
  #groupOrNew(group: string, fence: number): Group {
    const existing = this.#groups.get(group);
    if (existing) return existing;
    const max = this.#settings.groupMaxGroups;
    if (this.#groups.size >= max) {
      throw new GatewayError(
        ErrorCode.TOO_MANY_GROUPS,
        `cannot create group '${group}': the gateway has the maximum of ${max} groups (setting groupMaxGroups); delete a group first`,
        { group, maxGroups: max },
      );
    }
    return this.#newGroup(group, emptyState(), fence);
  }

  /**
   * g.exclusive for the operations that may create a group (join, commit): if `fn` fails before anything is stored,
   * the group made for it is dropped, so requests naming random groups cannot pile up groups in memory. An operation
   * queued behind it sees `deleted` and starts over on a fresh group, as after deleteGroup.
   */
  #exclusiveOnNew<T>(g: Group, fn: () => Promise<T>): Promise<T> {
    return g.exclusive(async () => {
      try {
        return await fn();
      } finally {
        if (!g.deleted && !g.exists) {
          g.deleted = true;
          if (this.#groups.get(g.name) === g) this.#groups.delete(g.name);
        }
      }
    });
  }

  #requireGroup(group: string): Group {
    checkGroup(group);
    const g = this.#groups.get(group);
    if (!g || !g.exists) throw new GatewayError(ErrorCode.GROUP_NOT_FOUND, `group '${group}' does not exist`, { group });
    return g;
  }


}

