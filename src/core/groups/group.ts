/**
 * One consumer group in memory: its persisted state, and what is deliberately not persisted
 * (session deadlines, polls in flight, read positions, listeners). It serializes the group's
 * mutations (exclusive), applies state transitions atomically against the store (mutate),
 * and tells members what changed for them (listeners).
 */
import { ErrorCode, GatewayError } from '../../errors.js';
import { anyAborted, SharedAbortListeners, type AbortSource } from '../abort.js';
import type { CommittedOffset, LogStore } from '../../storage/log-store.js';
import { tpKey } from '../assignor.js';
import type { Clock } from '../clock.js';
import {
  applyChange,
  GroupDraft,
  holdersOf,
  isEmptyChange,
  type GroupMeta,
  type GroupState,
  type MemberState,
  type StateChange,
} from './state.js';
import type { MemberEvent, MemberListener } from './types.js';

/** Heartbeats waiting for news, all groups together: one listener on the gateway's shutdown signal, not one per wait. */
const heartbeatAborts = new SharedAbortListeners();

/** A turn after a write leaves the loop this many times the write's duration first (see Group.#paced). */
const WRITE_PACE = 3;
/** ...but never waits longer than this, whatever a write took. */
const MAX_PACE_MS = 50;

/** One request's outcome in a batch. */
export type Settled<T> = { value: T } | { error: unknown };

export class Group {
  readonly name: string;
  state: GroupState;
  /** tpKey -> the member holding it (granted or revoking) in `state`: what a grant must not take. */
  readonly #holders: Map<string, string>;
  /** tpKey -> the member whose target it is in `state`: who to tell when it becomes free. */
  readonly #targets = new Map<string, string>();
  /** Committed offsets by tpKey, mirroring the store. */
  readonly committed = new Map<string, CommittedOffset>();
  /** Session deadlines (epoch ms) by member id. */
  readonly deadlines = new Map<string, number>();
  /** Polls in flight per member: a member waiting in a long-poll is alive. */
  readonly polling = new Map<string, number>();
  /** Read positions by member id, then tpKey. */
  readonly positions = new Map<string, Map<string, number>>();
  /** The group has stored state (a group with only committed offsets exists too). */
  saved = false;
  /** Set by deleteGroup, or when a join or commit that made this group failed: an operation queued behind starts over. */
  deleted = false;
  readonly #listeners = new Map<string, Set<MemberListener>>();
  /** The last 'reconcile' reason signalled per member, to signal only on change. */
  readonly #signalled = new Map<string, string>();
  #joinSeq = 0;
  /** Requests waiting for their batch's turn, by queue (batched()). */
  readonly #queues = new Map<string, { request: unknown; resolve: (value: unknown) => void; reject: (err: unknown) => void }[]>();
  /** When the last state write returned and how long it held the event loop (performance.now() ms), for #paced. */
  #lastWrite = { end: -Infinity, ms: 0 };
  /** Serializes this group's mutations. */
  #lock: Promise<unknown> = Promise.resolve();
  readonly #store: LogStore;
  readonly #clock: Clock;
  /** This gateway's coordinator lease epoch for the group: every write carries it (GroupChange.fence). */
  readonly fence: number;

  constructor(name: string, state: GroupState, deps: { store: LogStore; clock: Clock; fence: number }) {
    this.name = name;
    this.state = state;
    this.#holders = holdersOf(state);
    for (const m of state.members.values()) {
      for (const tp of m.target) this.#targets.set(tpKey(tp), m.memberId);
      this.#joinSeq = Math.max(this.#joinSeq, m.joinSeq);
    }
    this.#store = deps.store;
    this.#clock = deps.clock;
    this.fence = deps.fence;
  }

  /** The next member's joinSeq (one past the highest stored: sequence numbers only grow). */
  nextJoinSeq(): number {
    return ++this.#joinSeq;
  }

  get memberCount(): number {
    return this.state.members.size;
  }

  /** A group made by a join or commit that failed before storing anything is not a group yet. */
  get exists(): boolean {
    return !this.deleted && (this.saved || this.committed.size > 0 || this.state.members.size > 0);
  }

  /** Runs `fn` after every earlier mutation of the group has finished. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#lock.then(fn, fn);
    this.#lock = run.catch(() => undefined);
    return run;
  }

  /**
   * Requests of one kind (`queue`) that arrive while the group is busy are handled together in one turn of
   * exclusive(): `run` gets them in arrival order, applies them to one draft with one write, and settles
   * each (a value, or an error for that request alone); if `run` throws, every request in the turn fails.
   * This is group commit for membership: a thousand members joining at once cost a few writes, not a thousand.
   * A turn right after a write first waits (#paced), so requests that keep arriving share fewer, larger writes.
   * `schedule` is exclusive() or a wrapper of it.
   */
  batched<R, T>(
    queue: string,
    request: R,
    run: (requests: R[]) => Promise<Settled<T>[]>,
    schedule: (fn: () => Promise<void>) => Promise<void> = (fn) => this.exclusive(fn),
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let pending = this.#queues.get(queue);
      if (!pending) this.#queues.set(queue, (pending = []));
      pending.push({ request, resolve: resolve as (value: unknown) => void, reject });
      if (pending.length > 1) return; // a turn is already scheduled and takes this one too
      const turn = async () => {
        await this.#paced();
        // Let the requests that already reached the gateway (this I/O phase) join the turn: without this
        // yield, the first request parsed after a turn starts the next turn alone, so a thousand joins
        // arriving together cost a thousand writes (a turn's synchronous commit blocks the parsing of the rest).
        await new Promise<void>((resolve) => setImmediate(resolve));
        const taken = this.#queues.get(queue) ?? [];
        this.#queues.delete(queue);
        try {
          const results = await run(taken.map((p) => p.request as R));
          taken.forEach((p, i) => {
            const r = results[i]!;
            if ('error' in r) p.reject(r.error);
            else p.resolve(r.value);
          });
        } catch (err) {
          for (const p of taken) p.reject(err);
        }
      };
      schedule(turn).catch((err: unknown) => {
        for (const p of this.#queues.get(queue) ?? []) p.reject(err);
        this.#queues.delete(queue);
      });
    });
  }

  /**
   * A SQLite write blocks the event loop for its whole commit (the fsync is synchronous), so requests reach the
   * group only between writes: back to back, each write took the few that arrived during the previous one (under
   * load, hundreds of heartbeat writes of ~5 requests each, the loop blocked most of the time). So a turn that
   * follows a write waits until the loop has had WRITE_PACE times the time that write held it for other work (at
   * most MAX_PACE_MS): writes then hold at most ~1/(1 + WRITE_PACE) of the loop, and every request arriving
   * meanwhile shares the next one. No wait when writes are rare (it counts from the end of the last write), nor
   * after a write that did not hold the loop (a networked store: requests queue up while it is in flight).
   */
  async #paced(): Promise<void> {
    const wait = this.#lastWrite.end + Math.min(this.#lastWrite.ms * WRITE_PACE, MAX_PACE_MS) - performance.now();
    if (wait > 0) await new Promise<void>((resolve) => setTimeout(resolve, wait));
  }

  /** Resolves once every operation queued so far has finished (successfully or not). */
  async idle(): Promise<void> {
    await this.#lock.catch(() => undefined);
  }

  /**
   * Applies `change` to a copy-on-write draft of the state, stores what differs (only the members it changed),
   * and only then makes it current, so a failed write changes nothing. Then derives the side effects for the
   * members concerned: positions of partitions a member lost are forgotten, and members with something to
   * reconcile are signalled. Returns what changed. Call inside exclusive().
   */
  async mutate(change: (draft: GroupDraft) => void): Promise<StateChange> {
    const draft = new GroupDraft(this.state, this.#holders);
    change(draft);
    const changed = draft.changes();
    if (isEmptyChange(changed)) return changed;
    // A group's first write stores its group-wide part: the store lists members only of groups that have one.
    const meta: GroupMeta | undefined = changed.meta ?? (this.saved ? undefined : { version: 2, groupEpoch: draft.groupEpoch, fenced: draft.fenced });
    const started = performance.now();
    const saved = this.#store.saveGroup(this.name, {
      ...(meta ? { state: meta } : {}),
      members: changed.members.map((m) => ({ memberId: m.memberId, state: m })),
      removedMembers: changed.removed,
      fence: this.fence,
    });
    // What the write held the event loop for: SQLite commits inside the call; a networked store returns at once.
    const ended = performance.now();
    this.#lastWrite = { end: ended, ms: ended - started };
    await saved;
    // The members as they were, for the indexes: only those the change replaces or removes.
    const before = new Map<string, MemberState>();
    for (const id of [...changed.removed, ...changed.members.map((m) => m.memberId)]) {
      const m = this.state.members.get(id);
      if (m) before.set(id, m);
    }
    applyChange(this.state, changed);
    this.saved = true;
    const freed = this.#reindex(before, changed);
    for (const m of changed.members) {
      const positions = this.positions.get(m.memberId);
      if (positions) {
        const granted = new Set(m.granted.map(tpKey));
        for (const key of positions.keys()) if (!granted.has(key)) positions.delete(key);
      }
    }
    const concerned = new Set(changed.members.map((m) => m.memberId));
    for (const key of freed) {
      const owner = this.#targets.get(key);
      if (owner !== undefined) concerned.add(owner);
    }
    this.#signalReconcile(concerned);
    return changed;
  }

  /** Updates the holder and target indexes for the changed members; returns the keys no one holds any more. */
  #reindex(before: ReadonlyMap<string, MemberState>, changed: StateChange): Set<string> {
    const released = new Set<string>();
    for (const old of before.values()) {
      const id = old.memberId;
      for (const tp of [...old.granted, ...old.revoking]) {
        const key = tpKey(tp);
        if (this.#holders.get(key) === id) {
          this.#holders.delete(key);
          released.add(key);
        }
      }
      for (const tp of old.target) if (this.#targets.get(tpKey(tp)) === id) this.#targets.delete(tpKey(tp));
    }
    for (const m of changed.members) {
      for (const tp of m.granted) this.#holders.set(tpKey(tp), m.memberId);
      for (const tp of m.revoking) this.#holders.set(tpKey(tp), m.memberId);
      for (const tp of m.target) this.#targets.set(tpKey(tp), m.memberId);
    }
    for (const key of released) if (this.#holders.has(key)) released.delete(key);
    return released;
  }

  member(memberId: string): MemberState | undefined {
    return this.state.members.get(memberId);
  }

  requireMember(memberId: string): MemberState {
    const m = this.member(memberId);
    if (m) return m;
    if (this.state.fenced.includes(memberId)) {
      throw new GatewayError(
        ErrorCode.FENCED_MEMBER,
        `member ${memberId} is no longer in group '${this.name}' (expelled or left); join again`,
        { group: this.name, memberId },
      );
    }
    throw new GatewayError(ErrorCode.MEMBER_NOT_FOUND, `group '${this.name}' has no member ${memberId}`, {
      group: this.name,
      memberId,
    });
  }

  requireEmpty(what: string): void {
    if (this.state.members.size) {
      throw new GatewayError(
        ErrorCode.GROUP_NOT_EMPTY,
        `group '${this.name}' has ${this.state.members.size} members; it can ${what} only when it has none`,
        { group: this.name, members: this.state.members.size },
      );
    }
  }

  /** A sign of life: the member's session runs a full timeout from now. */
  touch(memberId: string): void {
    const m = this.member(memberId);
    if (m) this.deadlines.set(memberId, this.#clock.now() + m.sessionTimeoutMs);
  }

  /** The member's read positions by tpKey (created empty). */
  positionsOf(memberId: string): Map<string, number> {
    let positions = this.positions.get(memberId);
    if (!positions) this.positions.set(memberId, (positions = new Map()));
    return positions;
  }

  listen(memberId: string, listener: MemberListener): () => void {
    let set = this.#listeners.get(memberId);
    if (!set) this.#listeners.set(memberId, (set = new Set()));
    const listeners = set;
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (!listeners.size && this.#listeners.get(memberId) === listeners) this.#listeners.delete(memberId);
    };
  }

  /**
   * Resolves true when the member is next told to heartbeat (a partition it is due became free, one it holds is
   * revoked) or leaves the group, false after `ms` or once a signal aborts: a heartbeat that waits for news.
   */
  awaitNews(memberId: string, ms: number, signals: readonly AbortSource[]): Promise<boolean> {
    if (anyAborted(signals)) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const end = (told: boolean) => {
        clearTimeout(timer);
        off();
        offAbort();
        resolve(told);
      };
      const timer = setTimeout(() => end(false), ms);
      const off = this.listen(memberId, () => end(true));
      const offAbort = heartbeatAborts.onAny(signals, () => end(false));
    });
  }

  /** After the member left the state: drops what memory holds for it and tells its listeners why, last. */
  forget(memberId: string, reason: string): void {
    this.deadlines.delete(memberId);
    this.positions.delete(memberId);
    this.#signalled.delete(memberId);
    this.#emit(memberId, { type: 'fenced', reason });
    this.#listeners.delete(memberId);
  }

  /**
   * Tells each concerned member with a revocation pending or a free partition due to it to heartbeat now
   * (once per change). Concerned: the members a change touched, and the target owners of partitions it freed;
   * no other member's answer can have changed.
   */
  #signalReconcile(concerned: Iterable<string>): void {
    for (const id of concerned) {
      const m = this.state.members.get(id);
      if (!m) continue;
      const granted = new Set(m.granted.map(tpKey));
      const due = m.target.filter((tp) => !granted.has(tpKey(tp)) && !this.#holders.has(tpKey(tp)));
      const delivered = new Set(m.delivered.map(tpKey));
      const revoked = m.revoking.filter((tp) => delivered.has(tpKey(tp)));
      const reason = [...revoked.map((tp) => '-' + tpKey(tp)), ...due.map((tp) => '+' + tpKey(tp))].join(',');
      if (reason === (this.#signalled.get(m.memberId) ?? '')) continue;
      this.#signalled.set(m.memberId, reason);
      if (reason) this.#emit(m.memberId, { type: 'reconcile' });
    }
  }

  #emit(memberId: string, event: MemberEvent): void {
    for (const listener of [...(this.#listeners.get(memberId) ?? [])]) {
      try {
        listener(event);
      } catch {
        // A listener's failure is its transport's business; the coordinator's state is already consistent.
      }
    }
  }
}
