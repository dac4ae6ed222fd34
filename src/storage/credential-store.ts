/**
 * Where API keys and the gateway's token-signing secret are kept: beside the log, so that a
 * cluster store shares them between gateways as it shares topics. Only a hash of each key's
 * secret is stored. Grants are opaque JSON to storage (src/auth owns their shape).
 *
 * Any implementation must pass test/storage/credential-store.conformance.ts.
 */
export interface StoredKey {
  id: string;
  name: string;
  /** Hex SHA-256 of the key's secret. */
  secretHash: string;
  /** The key's permissions and quota, as src/auth wrote them. */
  grants: unknown;
  /** Epoch ms. */
  createdAt: number;
}

export interface CredentialStore {
  /** Stores a new key durably. Throws if the id is taken. */
  createKey(key: StoredKey): Promise<void>;
  listKeys(): Promise<StoredKey[]>;
  /** Resolves false when there was no such key. */
  deleteKey(id: string): Promise<boolean>;
  /**
   * The secret named `name`, created from `generate()` on first use and the same ever after
   * (the gateway signs browser tokens with it, so tokens survive a restart).
   */
  secret(name: string, generate: () => Uint8Array): Promise<Uint8Array>;
}
