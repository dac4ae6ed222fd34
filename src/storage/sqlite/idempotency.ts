/**
 * Idempotency-Keys: a produce request remembered per topic, written in the same transaction
 * as its records, so a replay is answered with the original positions.
 */
import type Database from 'better-sqlite3';
import type { RecordPosition } from '../log-store.js';
import type { TopicState } from './topics.js';

export interface RememberedRequest {
  fingerprint: string;
  positions: RecordPosition[];
  expiresAt: number;
}

export class IdempotencyKeys {
  readonly #stmt;

  constructor(db: Database.Database) {
    this.#stmt = {
      get: db.prepare('SELECT fingerprint, positions, expires_at AS expiresAt FROM idempotency_keys WHERE topic_id = ? AND key = ?'),
      put: db.prepare(
        'INSERT OR REPLACE INTO idempotency_keys (topic_id, key, fingerprint, positions, expires_at) VALUES (?, ?, ?, ?, ?)',
      ),
      expire: db.prepare('DELETE FROM idempotency_keys WHERE expires_at <= ?'),
      deleteTopic: db.prepare('DELETE FROM idempotency_keys WHERE topic_id = ?'),
    };
  }

  get(topic: TopicState, key: string): RememberedRequest | undefined {
    const row = this.#stmt.get.get(topic.id, key) as { fingerprint: string; positions: string; expiresAt: number } | undefined;
    return row && { ...row, positions: JSON.parse(row.positions) as RecordPosition[] };
  }

  /** Inside the transaction that appends the request's records. */
  put(topic: TopicState, key: string, request: RememberedRequest): void {
    this.#stmt.put.run(topic.id, key, request.fingerprint, JSON.stringify(request.positions), request.expiresAt);
  }

  /** Deletes the keys that expired at or before `now`; returns how many. */
  expire(now: number): number {
    return this.#stmt.expire.run(now).changes;
  }

  /** Inside a transaction. */
  deleteTopic(topic: TopicState): void {
    this.#stmt.deleteTopic.run(topic.id);
  }
}
