/**
 * One consumer group in memory: its persisted state, and what is deliberately not persisted
 * (session deadlines, polls in flight, read positions, listeners). It serializes the group's
 * mutations (exclusive), applies state transitions atomically against the store (mutate),
 * and tells members what changed for them (listeners).
 */
import { ErrorCode, GatewayError } from '../../errors.js';
import type { CommittedOffset, LogStore } from '../../storage/log-store.js';
import { tpKey } from '../assignor.js';
import type { Clock } from '../clock.js';
import { copyState, heldBy, sameState, type GroupState, type MemberState } from './state.js';
import type { MemberEvent, MemberListener } from './types.js';

export class Group {
  readonly name: string;
  state: GroupState;
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
  /** Serializes this group's mutations. */
  #lock: Promise<unknown> = Promise.resolve();
  readonly #store: LogStore;
  readonly #clock: Clock;

  constructor(name: string, state: GroupState, deps: { store: LogStore; clock: Clock }) {
    this.name = name;
    this.state = state;
    this.#store = deps.store;
    this.#clock = deps.clock;
  }

  /** A group made by a join or commit that failed before storing anything is not a group yet. */
  get exists(): boolean {
    return !this.deleted && (this.saved || this.committed.size > 0 || this.state.members.length > 0);
  }

  /** Runs `fn` after every earlier mutation of the group has finished. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#lock.then(fn, fn);
    this.#lock = run.catch(() => undefined);
    return run;
  }

  /** Resolves once every operation queued so far has finished (successfully or not). */
  async idle(): Promise<void> {
    await this.#lock.catch(() => undefined);
  }

  /**
   * Applies `change` to a copy of the state, stores the copy if it differs, and only then makes it current,
   * so a failed write changes nothing. Then derives the side effects: positions of partitions a member lost
   * are forgotten, and members with something to reconcile are signalled. Call inside exclusive().
   */
  async mutate(change: (draft: GroupState) => void): Promise<void> {
    const draft = copyState(this.state);
    change(draft);
    if (sameState(draft, this.state)) return;
    await this.#store.saveGroup(this.name, draft);
    this.state = draft;
    this.saved = true;
    for (const m of draft.members) {
      const positions = this.positions.get(m.memberId);
      if (positions) {
        const granted = new Set(m.granted.map(tpKey));
        for (const key of positions.keys()) if (!granted.has(key)) positions.delete(key);
      }
    }
    this.#signalReconcile();
  }

  member(memberId: string): MemberState | undefined {
    return this.state.members.find((m) => m.memberId === memberId);
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
    if (this.state.members.length) {
      throw new GatewayError(
        ErrorCode.GROUP_NOT_EMPTY,
        `group '${this.name}' has ${this.state.members.length} members; it can ${what} only when it has none`,
        { group: this.name, members: this.state.members.length },
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

  /** After the member left the state: drops what memory holds for it and tells its listeners why, last. */
  forget(memberId: string, reason: string): void {
    this.deadlines.delete(memberId);
    this.positions.delete(memberId);
    this.#signalled.delete(memberId);
    this.#emit(memberId, { type: 'fenced', reason });
    this.#listeners.delete(memberId);
  }

  /** Tells each member with a revocation pending or a free partition due to it to heartbeat now (once per change). */
  #signalReconcile(): void {
    const held = heldBy(this.state);
    for (const m of this.state.members) {
      const granted = new Set(m.granted.map(tpKey));
      const due = m.target.filter((tp) => !granted.has(tpKey(tp)) && !held.has(tpKey(tp)));
      const revoked = m.revoking.filter((tp) => m.delivered.some((d) => tpKey(d) === tpKey(tp)));
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
