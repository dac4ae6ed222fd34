/** API keys and secrets in the log's own SQLite database (tables from migrations.ts), written durably like records. */
import type Database from 'better-sqlite3';
import type { CredentialStore, StoredKey } from '../credential-store.js';

/** Runs one write, turning SQLite's "cannot commit" into UNAVAILABLE (the store's failsafe). */
export type FailsafeWrite = <T>(write: () => T) => T;

export class SqliteCredentials implements CredentialStore {
  readonly #stmt;
  readonly #write: FailsafeWrite;

  constructor(db: Database.Database, write: FailsafeWrite) {
    this.#write = write;
    this.#stmt = {
      insertKey: db.prepare('INSERT INTO api_keys (id, name, secret_hash, grants, created_at) VALUES (?, ?, ?, ?, ?)'),
      listKeys: db.prepare('SELECT id, name, secret_hash AS secretHash, grants, created_at AS createdAt FROM api_keys ORDER BY created_at, id'),
      deleteKey: db.prepare('DELETE FROM api_keys WHERE id = ?'),
      getSecret: db.prepare('SELECT value FROM secrets WHERE name = ?').pluck(),
      // OR IGNORE: a secret, once made, is never replaced (tokens signed with it stay valid).
      insertSecret: db.prepare('INSERT OR IGNORE INTO secrets (name, value) VALUES (?, ?)'),
    };
  }

  async createKey(key: StoredKey): Promise<void> {
    this.#write(() => this.#stmt.insertKey.run(key.id, key.name, key.secretHash, JSON.stringify(key.grants), key.createdAt));
  }

  async listKeys(): Promise<StoredKey[]> {
    const rows = this.#stmt.listKeys.all() as (Omit<StoredKey, 'grants'> & { grants: string })[];
    return rows.map((r) => ({ ...r, grants: JSON.parse(r.grants) as unknown }));
  }

  async deleteKey(id: string): Promise<boolean> {
    return this.#write(() => this.#stmt.deleteKey.run(id).changes > 0);
  }

  async secret(name: string, generate: () => Uint8Array): Promise<Uint8Array> {
    this.#write(() => this.#stmt.insertSecret.run(name, Buffer.from(generate())));
    return new Uint8Array(this.#stmt.getSecret.get(name) as Buffer);
  }
}
