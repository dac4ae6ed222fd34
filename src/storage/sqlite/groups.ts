/**
 * Consumer group tables: each group's coordinator state (opaque JSON) and its committed offsets.
 */
import type Database from 'better-sqlite3';
import type { CommittedOffset, StoredGroup } from '../log-store.js';

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
      save: db.prepare('INSERT OR REPLACE INTO groups (name, state) VALUES (?, ?)'),
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

  list(): StoredGroup[] {
    const rows = this.#stmt.list.all() as { name: string; state: string | null }[];
    return rows.map((r) => ({ group: r.name, state: r.state === null ? null : (JSON.parse(r.state) as unknown) }));
  }

  save(group: string, state: unknown): void {
    this.#stmt.save.run(group, JSON.stringify(state));
  }

  delete(group: string): void {
    this.#db.transaction(() => {
      this.#stmt.deleteState.run(group);
      this.#stmt.deleteOffsets.run(group);
    }).immediate();
  }

  commitOffsets(group: string, offsets: Omit<CommittedOffset, 'committedAt'>[], committedAt: number, state?: unknown): void {
    this.#db.transaction(() => {
      for (const o of offsets) this.#stmt.commitOffset.run(group, o.topic, o.partition, o.offset, committedAt);
      if (state !== undefined) this.#stmt.save.run(group, JSON.stringify(state));
    }).immediate();
  }

  committedOffsets(group: string): CommittedOffset[] {
    return this.#stmt.committedOffsets.all(group) as CommittedOffset[];
  }

  /** Inside a transaction: every group's offsets for a deleted topic. */
  deleteTopicOffsets(topic: string): void {
    this.#stmt.deleteTopicOffsets.run(topic);
  }
}
