/**
 * Idempotency-Keys on the cluster: one KV entry per (topic incarnation, key) under `idem.*` in the bucket `<ns>_meta`,
 * written after the request's batches are stored. The entry's revision (0 when there was never
 * one) goes into the batches' message ids, so that a retry of a request that failed half-way (some
 * partitions stored, no entry written) publishes the same ids and the server stores nothing twice,
 * while a request after the entry expired gets new ids and appends again.
 */
import { createHash } from 'node:crypto';
import type { KV } from '@nats-io/kv';
import type { RecordPosition } from '../log-store.js';
import type { KeyLister } from './kv-keys.js';

export interface Remembered {
  fingerprint: string;
  positions: RecordPosition[];
  expiresAt: number;
}

export interface Lookup {
  /** The entry's id, part of every message id of the request's batches. */
  id: string;
  remembered: Remembered | undefined;
  /** The revision the entry had (0: none): a new generation of the key. */
  generation: number;
}

/** The header an idempotent request's batches carry its fingerprint in (checked on a duplicate). */
export const FINGERPRINT_HEADER = 'Lw-Fp';

export class IdempotencyKeys {
  readonly #kv: KV;
  readonly #keys: KeyLister;

  constructor(kv: KV, keys: KeyLister) {
    this.#kv = kv;
    this.#keys = keys;
  }

  static id(inc: string, key: string): string {
    return `idem.${inc}_${createHash('sha256').update(key).digest('hex').slice(0, 40)}`;
  }

  async lookup(inc: string, key: string): Promise<Lookup> {
    const id = IdempotencyKeys.id(inc, key);
    const e = await this.#kv.get(id);
    if (!e) return { id, remembered: undefined, generation: 0 };
    return { id, remembered: e.operation === 'PUT' ? e.json<Remembered>() : undefined, generation: e.revision };
  }

  async remember(id: string, value: Remembered): Promise<void> {
    await this.#kv.put(id, JSON.stringify(value));
  }

  /** Deletes the entries that expired at or before `now`; returns how many. */
  async expire(now: number): Promise<number> {
    const keys = await this.#keys('idem.');
    let expired = 0;
    for (const key of keys) {
      const e = await this.#kv.get(key);
      if (!e || e.operation !== 'PUT' || e.json<Remembered>().expiresAt > now) continue;
      try {
        await this.#kv.delete(key, { previousSeq: e.revision });
        expired++;
      } catch {
        // Rewritten meanwhile (a new request under the key): it is not expired any more.
      }
    }
    return expired;
  }
}
