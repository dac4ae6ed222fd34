/**
 * Consumer groups on the cluster: one KV entry per group (keys `groups.*` of the bucket `<ns>_meta`) holding its
 * group-wide state, its members' parts and its committed offsets, so that a commit of offsets with a
 * change of state is one compare-and-set, as atomic as the SQLite store's one transaction. A group
 * is one entry, not one per member: a change rewrites the whole entry (a few bytes a member).
 */
import type { KV } from '@nats-io/kv';
import type { CommittedOffset, GroupChange, StoredGroup } from '../log-store.js';
import { checkFence } from '../group-lease.js';
import { isLostWriteRace } from './cluster-errors.js';
import type { KeyLister } from './kv-keys.js';
import { fromKvKey, kvKey } from './names.js';

const PREFIX = 'groups.';
const key = (group: string) => PREFIX + kvKey(group);

interface GroupEntry {
  state: unknown;
  /** Absent or null group-wide part: a group with only committed offsets. */
  hasState: boolean;
  members: Record<string, unknown>;
  /** topic -> partition -> { offset, committedAt }. */
  offsets: Record<string, Record<string, { offset: number; committedAt: number }>>;
  /** The highest coordinator lease epoch the group was written with (GroupChange.fence); absent: none yet. */
  fence?: number;
}

const empty = (): GroupEntry => ({ state: null, hasState: false, members: {}, offsets: {} });

/** Throws NOT_COORDINATOR (writing nothing) for a stale fence; else raises the entry's. Within the CAS, so it fences. */
function applyFence(group: string, g: GroupEntry, change: GroupChange | undefined): void {
  if (change?.fence === undefined) return;
  checkFence(group, g.fence, change.fence);
  g.fence = Math.max(g.fence ?? 0, change.fence);
}

function applyChange(g: GroupEntry, change: GroupChange): void {
  if (change.state !== undefined) {
    g.state = change.state;
    g.hasState = true;
  }
  for (const id of change.removedMembers ?? []) delete g.members[id];
  for (const m of change.members ?? []) g.members[m.memberId] = m.state;
}

export class GroupStore {
  readonly #kv: KV;
  readonly #keys: KeyLister;
  /** Changes to one group from this gateway go one at a time (revisions order them across gateways). */
  readonly #queues = new Map<string, Promise<unknown>>();

  constructor(kv: KV, keys: KeyLister) {
    this.#kv = kv;
    this.#keys = keys;
  }

  async #read(group: string): Promise<{ entry: GroupEntry | undefined; revision: number }> {
    const e = await this.#kv.get(key(group));
    if (!e || e.operation !== 'PUT') return { entry: undefined, revision: e?.revision ?? 0 };
    return { entry: e.json<GroupEntry>(), revision: e.revision };
  }

  /** Read, change, compare-and-set; again on a conflicting write. `change` returns false to write nothing. */
  #mutate(group: string, change: (g: GroupEntry) => boolean | void): Promise<void> {
    const run = (this.#queues.get(group) ?? Promise.resolve()).then(async () => {
      for (;;) {
        const { entry, revision } = await this.#read(group);
        const g = entry ?? empty();
        if (change(g) === false) return;
        try {
          if (entry) await this.#kv.update(key(group), JSON.stringify(g), revision);
          else await this.#kv.create(key(group), JSON.stringify(g));
          return;
        } catch (err) {
          if (!isLostWriteRace(err)) throw err;
        }
      }
    });
    const settled = run.catch(() => undefined);
    this.#queues.set(group, settled);
    void settled.then(() => {
      if (this.#queues.get(group) === settled) this.#queues.delete(group);
    });
    return run;
  }

  /** Every group, or only `only`. */
  async list(only?: string): Promise<StoredGroup[]> {
    const out: StoredGroup[] = [];
    const names = only !== undefined ? [only] : (await this.#keys(PREFIX)).map((k) => fromKvKey(k.slice(PREFIX.length)));
    for (const group of names) {
      const { entry } = await this.#read(group);
      if (!entry) continue;
      if (!entry.hasState && Object.keys(entry.offsets).length === 0) continue;
      out.push({
        group,
        state: entry.hasState ? entry.state : null,
        members: entry.hasState ? Object.entries(entry.members).map(([memberId, state]) => ({ memberId, state })) : [],
      });
    }
    return out;
  }

  save(group: string, change: GroupChange): Promise<void> {
    return this.#mutate(group, (g) => {
      const raises = change.fence !== undefined && change.fence > (g.fence ?? 0);
      applyFence(group, g, change);
      if (!raises && change.state === undefined && !change.members?.length && !change.removedMembers?.length) return false;
      applyChange(g, change);
    });
  }

  async delete(group: string): Promise<void> {
    await this.#kv.delete(key(group));
  }

  commit(group: string, offsets: Omit<CommittedOffset, 'committedAt'>[], committedAt: number, change?: GroupChange): Promise<void> {
    return this.#mutate(group, (g) => {
      applyFence(group, g, change);
      for (const o of offsets) (g.offsets[o.topic] ??= {})[String(o.partition)] = { offset: o.offset, committedAt };
      if (change) applyChange(g, change);
    });
  }

  async committed(group: string): Promise<CommittedOffset[]> {
    const { entry } = await this.#read(group);
    if (!entry) return [];
    const out: CommittedOffset[] = [];
    for (const [topic, partitions] of Object.entries(entry.offsets)) {
      for (const [p, c] of Object.entries(partitions)) out.push({ topic, partition: Number(p), offset: c.offset, committedAt: c.committedAt });
    }
    return out.sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
  }

  /** Every group's offsets for a deleted topic. */
  async forgetTopic(topic: string): Promise<void> {
    for (const k of await this.#keys(PREFIX)) {
      await this.#mutate(fromKvKey(k.slice(PREFIX.length)), (g) => {
        if (!g.offsets[topic]) return false;
        delete g.offsets[topic];
      });
    }
  }
}
