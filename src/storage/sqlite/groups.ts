/**
 * Consumer group tables: each group's coordinator state (opaque JSON) and its committed offsets.
 * The state is kept in pieces (migration 5): the group-wide part in `groups`, each member's part in
 * `group_members`, so a change writes one row per part it names, not the whole group.
 */
import type Database from 'better-sqlite3';
import type { CommittedOffset, GroupChange, StoredGroup } from '../log-store.js';

export class GroupTables {
  readonly #db: Database.Database;
  readonly #stmt;

  constructor(db: Database.Database) {
    this.#db = db;
    this.#stmt = {
      list: db.prepare(
        `SELECT name, state FROM groups
         UNION ALL
         SELECT DISTINCT group_name, NULL FROM group_offsets WHERE group_name NOT IN (SELECT name FROM groups)`,
      ),
      listMembers: db.prepare('SELECT group_name AS groupName, member_id AS memberId, state FROM group_members'),
      one: db.prepare(
        `SELECT name, state FROM groups WHERE name = ?
         UNION ALL
         SELECT group_name, NULL FROM group_offsets WHERE group_name = ? AND NOT EXISTS (SELECT 1 FROM groups WHERE name = ?) LIMIT 1`,
      ),
      oneMembers: db.prepare('SELECT group_name AS groupName, member_id AS memberId, state FROM group_members WHERE group_name = ?'),
      save: db.prepare('INSERT OR REPLACE INTO groups (name, state) VALUES (?, ?)'),
      saveMember: db.prepare('INSERT OR REPLACE INTO group_members (group_name, member_id, state) VALUES (?, ?, ?)'),
      deleteMember: db.prepare('DELETE FROM group_members WHERE group_name = ? AND member_id = ?'),
      deleteMembers: db.prepare('DELETE FROM group_members WHERE group_name = ?'),
      deleteState: db.prepare('DELETE FROM groups WHERE name = ?'),
      deleteOffsets: db.prepare('DELETE FROM group_offsets WHERE group_name = ?'),
      deleteTopicOffsets: db.prepare('DELETE FROM group_offsets WHERE topic = ?'),
      commitOffset: db.prepare(
        'INSERT OR REPLACE INTO group_offsets (group_name, topic, partition, offset, committed_at) VALUES (?, ?, ?, ?, ?)',
      ),
      committedOffsets: db.prepare(
        'SELECT topic, partition, offset, committed_at AS committedAt FROM group_offsets WHERE group_name = ? ORDER BY topic, partition',
      ),
    };
  }

  /** Every group, or only `group`. */
  list(group?: string): StoredGroup[] {
    const rows = (group === undefined ? this.#stmt.list.all() : this.#stmt.one.all(group, group, group)) as { name: string; state: string | null }[];
    const members = new Map<string, StoredGroup['members']>();
    for (const m of (group === undefined ? this.#stmt.listMembers.all() : this.#stmt.oneMembers.all(group)) as { groupName: string; memberId: string; state: string }[]) {
      let list = members.get(m.groupName);
      if (!list) members.set(m.groupName, (list = []));
      list.push({ memberId: m.memberId, state: JSON.parse(m.state) as unknown });
    }
    return rows.map((r) =>
      r.state === null
        ? { group: r.name, state: null, members: [] }
        : { group: r.name, state: JSON.parse(r.state) as unknown, members: members.get(r.name) ?? [] },
    );
  }

  save(group: string, change: GroupChange): void {
    this.#db.transaction(() => this.#apply(group, change)).immediate();
  }

  delete(group: string): void {
    this.#db.transaction(() => {
      this.#stmt.deleteState.run(group);
      this.#stmt.deleteMembers.run(group);
      this.#stmt.deleteOffsets.run(group);
    }).immediate();
  }

  commitOffsets(group: string, offsets: Omit<CommittedOffset, 'committedAt'>[], committedAt: number, change?: GroupChange): void {
    this.#db.transaction(() => {
      for (const o of offsets) this.#stmt.commitOffset.run(group, o.topic, o.partition, o.offset, committedAt);
      if (change) this.#apply(group, change);
    }).immediate();
  }

  /** One row per part the change names: the cost of what changed, not of the group. */
  #apply(group: string, change: GroupChange): void {
    if (change.state !== undefined) this.#stmt.save.run(group, JSON.stringify(change.state));
    for (const id of change.removedMembers ?? []) this.#stmt.deleteMember.run(group, id);
    for (const m of change.members ?? []) this.#stmt.saveMember.run(group, m.memberId, JSON.stringify(m.state));
  }

  committedOffsets(group: string): CommittedOffset[] {
    return this.#stmt.committedOffsets.all(group) as CommittedOffset[];
  }

  /** Inside a transaction: every group's offsets for a deleted topic. */
  deleteTopicOffsets(topic: string): void {
    this.#stmt.deleteTopicOffsets.run(topic);
  }
}
