/**
 * API keys and secrets on the cluster (keys `creds.*` of the bucket `<ns>_meta`), shared by every gateway of it.
 */
import type { KV } from '@nats-io/kv';
import type { CredentialStore, StoredKey } from '../credential-store.js';
import { isLostWriteRace } from './cluster-errors.js';
import type { KeyLister } from './kv-keys.js';
import { kvKey } from './names.js';

export class ClusterCredentials implements CredentialStore {
  readonly #kv: KV;
  readonly #keys: KeyLister;
  readonly #guard: <T>(work: () => Promise<T>) => Promise<T>;

  constructor(kv: KV, keys: KeyLister, guard: <T>(work: () => Promise<T>) => Promise<T>) {
    this.#kv = kv;
    this.#keys = keys;
    this.#guard = guard;
  }

  createKey(key: StoredKey): Promise<void> {
    return this.#guard(async () => {
      await this.#kv.create(`creds.key.${kvKey(key.id)}`, JSON.stringify(key));
    });
  }

  listKeys(): Promise<StoredKey[]> {
    return this.#guard(async () => {
      const out: StoredKey[] = [];
      for (const k of await this.#keys('creds.key.')) {
        const e = await this.#kv.get(k);
        if (e?.operation === 'PUT') out.push(e.json<StoredKey>());
      }
      return out.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
    });
  }

  deleteKey(id: string): Promise<boolean> {
    return this.#guard(async () => {
      const e = await this.#kv.get(`creds.key.${kvKey(id)}`);
      if (!e || e.operation !== 'PUT') return false;
      await this.#kv.delete(`creds.key.${kvKey(id)}`);
      return true;
    });
  }

  secret(name: string, generate: () => Uint8Array): Promise<Uint8Array> {
    return this.#guard(async () => {
      const k = `creds.secret.${kvKey(name)}`;
      const known = await this.#kv.get(k);
      if (known?.operation === 'PUT') return known.value;
      try {
        await this.#kv.create(k, generate());
      } catch (err) {
        // Another gateway created it first: everyone uses that one.
        if (!isLostWriteRace(err)) throw err;
      }
      return (await this.#kv.get(k))!.value;
    });
  }
}
