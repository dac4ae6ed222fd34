/** The schema registry's tables (migrations.ts) in the log's SQLite database; each write is one durable commit. */
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { CompatibilityLevel, SchemaContent, SchemaStore, SchemaType, StoredSchema, SubjectVersion } from '../schema-store.js';

interface VersionRow {
  subject: string;
  version: number;
  id: number;
  deleted: number;
  schemaType: SchemaType;
  schema: string;
  refs: string;
}

const VERSION_COLUMNS = `v.subject, v.version, s.id, v.deleted, s.schema_type AS schemaType, s.schema, s.refs
  FROM schema_versions v JOIN schemas s ON s.id = v.schema_id`;

/** The registry-wide level is stored under this subject, which the core never accepts as a name. */
const GLOBAL = '';

const fingerprint = (c: SchemaContent) => createHash('sha256').update(JSON.stringify([c.schemaType, c.schema, c.references])).digest('hex');

const toVersion = (r: VersionRow): SubjectVersion => ({
  subject: r.subject,
  version: r.version,
  id: r.id,
  deleted: r.deleted !== 0,
  schemaType: r.schemaType,
  schema: r.schema,
  references: JSON.parse(r.refs) as SubjectVersion['references'],
});

export class SqliteSchemas implements SchemaStore {
  readonly #stmt;
  /** Runs a write as one immediate transaction through the store's failure handling. */
  readonly #write: <T>(work: () => T) => T;

  constructor(db: Database.Database, write: <T>(work: () => T) => T) {
    this.#write = write;
    this.#stmt = {
      idOf: db.prepare('SELECT id FROM schemas WHERE fingerprint = ?').pluck(),
      insertSchema: db.prepare('INSERT INTO schemas (id, fingerprint, schema_type, schema, refs) VALUES (?, ?, ?, ?, ?)'),
      nextId: db.prepare('SELECT coalesce(max(id), 0) + 1 FROM schemas').pluck(),
      schemaById: db.prepare('SELECT id, schema_type AS schemaType, schema, refs FROM schemas WHERE id = ?'),
      liveVersionOf: db.prepare('SELECT version FROM schema_versions WHERE subject = ? AND schema_id = ? AND deleted = 0 ORDER BY version LIMIT 1').pluck(),
      nextVersion: db.prepare('SELECT coalesce(max(version), 0) + 1 FROM schema_versions WHERE subject = ?').pluck(),
      insertVersion: db.prepare('INSERT INTO schema_versions (subject, version, schema_id, deleted) VALUES (?, ?, ?, 0)'),
      version: db.prepare(`SELECT ${VERSION_COLUMNS} WHERE v.subject = ? AND v.version = ?`),
      versions: db.prepare(`SELECT ${VERSION_COLUMNS} WHERE v.subject = ? ORDER BY v.version`),
      versionsOfSchema: db.prepare(`SELECT ${VERSION_COLUMNS} WHERE v.schema_id = ? ORDER BY v.subject, v.version`),
      liveSubjects: db.prepare('SELECT DISTINCT subject FROM schema_versions WHERE deleted = 0 ORDER BY subject').pluck(),
      allSubjects: db.prepare('SELECT DISTINCT subject FROM schema_versions ORDER BY subject').pluck(),
      softDelete: db.prepare('UPDATE schema_versions SET deleted = 1 WHERE subject = ? AND version = ? AND deleted = 0'),
      hardDelete: db.prepare('DELETE FROM schema_versions WHERE subject = ? AND version = ?'),
      config: db.prepare('SELECT compatibility FROM schema_config WHERE subject = ?').pluck(),
      setConfig: db.prepare('INSERT INTO schema_config (subject, compatibility) VALUES (?, ?) ON CONFLICT (subject) DO UPDATE SET compatibility = excluded.compatibility'),
      clearConfig: db.prepare('DELETE FROM schema_config WHERE subject = ?'),
    };
  }

  async register(subject: string, content: SchemaContent): Promise<{ version: SubjectVersion; created: boolean }> {
    const print = fingerprint(content);
    return this.#write(() => {
      let id = this.#stmt.idOf.get(print) as number | undefined;
      if (id !== undefined) {
        const existing = this.#stmt.liveVersionOf.get(subject, id) as number | undefined;
        if (existing !== undefined) return { version: this.#version(subject, existing), created: false };
      } else {
        id = this.#stmt.nextId.get() as number;
        this.#stmt.insertSchema.run(id, print, content.schemaType, content.schema, JSON.stringify(content.references));
      }
      const version = this.#stmt.nextVersion.get(subject) as number;
      this.#stmt.insertVersion.run(subject, version, id);
      return { version: this.#version(subject, version), created: true };
    });
  }

  #version(subject: string, version: number): SubjectVersion {
    return toVersion(this.#stmt.version.get(subject, version) as VersionRow);
  }

  async schemaById(id: number): Promise<StoredSchema | undefined> {
    const row = this.#stmt.schemaById.get(id) as { id: number; schemaType: SchemaType; schema: string; refs: string } | undefined;
    return row && { id: row.id, schemaType: row.schemaType, schema: row.schema, references: JSON.parse(row.refs) as StoredSchema['references'] };
  }

  async versions(subject: string): Promise<SubjectVersion[]> {
    return (this.#stmt.versions.all(subject) as VersionRow[]).map(toVersion);
  }

  async subjects(includeDeleted: boolean): Promise<string[]> {
    return (includeDeleted ? this.#stmt.allSubjects : this.#stmt.liveSubjects).all() as string[];
  }

  async versionsOfSchema(id: number): Promise<SubjectVersion[]> {
    return (this.#stmt.versionsOfSchema.all(id) as VersionRow[]).map(toVersion);
  }

  async softDelete(subject: string, version: number): Promise<boolean> {
    return this.#write(() => this.#stmt.softDelete.run(subject, version).changes > 0);
  }

  async hardDelete(subject: string, version: number): Promise<boolean> {
    return this.#write(() => this.#stmt.hardDelete.run(subject, version).changes > 0);
  }

  async compatibility(subject: string | null): Promise<CompatibilityLevel | undefined> {
    return this.#stmt.config.get(subject ?? GLOBAL) as CompatibilityLevel | undefined;
  }

  async setCompatibility(subject: string | null, level: CompatibilityLevel | null): Promise<void> {
    this.#write(() => (level === null ? this.#stmt.clearConfig.run(subject ?? GLOBAL) : this.#stmt.setConfig.run(subject ?? GLOBAL, level)));
  }
}
