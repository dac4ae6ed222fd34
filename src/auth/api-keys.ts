/**
 * API keys: `lwk_<id>_<secret>`, shown once at creation; only the secret's SHA-256 is stored.
 *
 * A fast hash is enough here (unlike passwords): the secret is 256 random bits, so there is
 * nothing to guess by brute force. The id in the key finds the entry without scanning, and the
 * hashes are compared with timingSafeEqual, so the comparison leaks nothing of the secret.
 * Keys are cached in memory (one Map lookup and one SHA-256 per request).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { CredentialStore, StoredKey } from '../storage/credential-store.js';
import type { Permission } from './permissions.js';
import { Principal, type Quota } from './principal.js';

const PREFIX = 'lwk_';
const ID_LENGTH = 16;

export interface KeyInfo {
  id: string;
  name: string;
  permissions: Permission[];
  quota?: Quota;
  createdAt: number;
}

/** A created key: the only time `key` (the secret) is ever returned. */
export interface CreatedKey extends KeyInfo {
  key: string;
}

interface Grants {
  permissions: Permission[];
  quota?: Quota;
}

interface Entry {
  info: KeyInfo;
  hash: Buffer;
  principal: Principal;
}

export function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

export class KeyRing {
  readonly #store: CredentialStore;
  readonly #byId = new Map<string, Entry>();
  /** Bumped before and after each local create or revoke, so a reload that overlaps one is dropped (#reload). */
  #changes = 0;

  private constructor(store: CredentialStore) {
    this.#store = store;
  }

  static async open(store: CredentialStore): Promise<KeyRing> {
    const ring = new KeyRing(store);
    for (const stored of await store.listKeys()) ring.#remember(stored);
    return ring;
  }

  async create(name: string, permissions: Permission[], quota: Quota | undefined, now: number): Promise<CreatedKey> {
    const id = randomBytes(ID_LENGTH / 2).toString('hex');
    const secret = randomBytes(32).toString('base64url');
    const grants: Grants = quota ? { permissions, quota } : { permissions };
    const stored: StoredKey = { id, name, secretHash: sha256(secret).toString('hex'), grants, createdAt: now };
    this.#changes++;
    await this.#store.createKey(stored);
    const entry = this.#remember(stored);
    this.#changes++;
    return { ...entry.info, key: `${PREFIX}${id}_${secret}` };
  }

  list(): KeyInfo[] {
    return [...this.#byId.values()].map((e) => e.info);
  }

  /** Forgets the key at once (callers close what it authenticated). False when there was none. */
  async revoke(id: string): Promise<boolean> {
    this.#changes++;
    const existed = await this.#store.deleteKey(id);
    this.#byId.delete(id);
    this.#changes++;
    return existed;
  }

  /**
   * Reads the keys again from the store: on a cluster, other gateways make and revoke keys in the
   * store this ring only read when it opened. Resolves with the ids that are gone (revoked elsewhere),
   * so their sockets can be closed. A read that overlapped a create or revoke of this ring's own is
   * dropped (it could miss the new key or bring back the revoked one): the next reload sees it.
   */
  async reload(): Promise<string[]> {
    const before = this.#changes;
    const listed = await this.#store.listKeys();
    if (this.#changes !== before) return [];
    const present = new Set<string>();
    for (const stored of listed) {
      present.add(stored.id);
      if (!this.#byId.has(stored.id)) this.#remember(stored);
    }
    const gone = [...this.#byId.keys()].filter((id) => !present.has(id));
    for (const id of gone) this.#byId.delete(id);
    return gone;
  }

  has(id: string): boolean {
    return this.#byId.has(id);
  }

  /** Whether `text` looks like an API key (it may still be wrong). */
  static isKey(text: string): boolean {
    return text.startsWith(PREFIX);
  }

  /** The key's principal, or undefined for an unknown, revoked or wrong key. */
  verify(text: string): Principal | undefined {
    if (!text.startsWith(PREFIX) || text.charAt(PREFIX.length + ID_LENGTH) !== '_') return undefined;
    const entry = this.#byId.get(text.slice(PREFIX.length, PREFIX.length + ID_LENGTH));
    if (!entry) return undefined;
    const given = sha256(text.slice(PREFIX.length + ID_LENGTH + 1));
    return timingSafeEqual(given, entry.hash) ? entry.principal : undefined;
  }

  #remember(stored: StoredKey): Entry {
    const grants = stored.grants as Grants;
    const info: KeyInfo = {
      id: stored.id,
      name: stored.name,
      permissions: grants.permissions,
      ...(grants.quota ? { quota: grants.quota } : {}),
      createdAt: stored.createdAt,
    };
    const principal = new Principal({
      kind: 'key',
      id: `key:${stored.id}`,
      permissions: grants.permissions,
      keyId: stored.id,
      quota: grants.quota,
    });
    const entry = { info, hash: Buffer.from(stored.secretHash, 'hex'), principal };
    this.#byId.set(stored.id, entry);
    return entry;
  }
}
