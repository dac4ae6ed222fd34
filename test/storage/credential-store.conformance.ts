/**
 * What any store's `credentials` must do (SQLite today, JetStream next): keys stored durably,
 * listed oldest first, deleted once; a named secret made once and the same ever after.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import type { LogStore } from '../../src/storage/log-store.js';

export function credentialStoreConformance(name: string, open: () => Promise<{ open(): Promise<LogStore> }>): void {
  describe(`CredentialStore conformance: ${name}`, () => {
    async function fresh() {
      const factory = await open();
      const store = await factory.open();
      onTestFinished(() => store.close());
      return { factory, store };
    }
    const key = (id: string, createdAt: number) => ({
      id,
      name: `key ${id}`,
      secretHash: 'ab'.repeat(32),
      grants: { permissions: [{ resource: 'topic:orders', actions: ['read'] }], quota: { requestsPerSecond: 5 } },
      createdAt,
    });

    it('stores keys with their grants, lists them oldest first, and keeps them across a reopen', async () => {
      const { factory, store } = await fresh();
      await store.credentials.createKey(key('bbbb', 2));
      await store.credentials.createKey(key('aaaa', 1));
      expect(await store.credentials.listKeys()).toEqual([key('aaaa', 1), key('bbbb', 2)]);
      await store.close();
      const again = await factory.open();
      onTestFinished(() => again.close());
      expect(await again.credentials.listKeys()).toEqual([key('aaaa', 1), key('bbbb', 2)]);
    });

    it('refuses a second key with the same id, and deletes a key once', async () => {
      const { store } = await fresh();
      await store.credentials.createKey(key('aaaa', 1));
      await expect(store.credentials.createKey(key('aaaa', 2))).rejects.toThrow();
      expect(await store.credentials.deleteKey('aaaa')).toBe(true);
      expect(await store.credentials.deleteKey('aaaa')).toBe(false);
      expect(await store.credentials.listKeys()).toEqual([]);
    });

    it('makes a named secret once: later calls (and a reopen) return the first one, not a new one', async () => {
      const { factory, store } = await fresh();
      const first = await store.credentials.secret('s', () => new Uint8Array([1, 2, 3]));
      expect([...first]).toEqual([1, 2, 3]);
      expect([...(await store.credentials.secret('s', () => new Uint8Array([9])))]).toEqual([1, 2, 3]);
      expect([...(await store.credentials.secret('other', () => new Uint8Array([7])))]).toEqual([7]);
      await store.close();
      const again = await factory.open();
      onTestFinished(() => again.close());
      expect([...(await again.credentials.secret('s', () => new Uint8Array([9])))]).toEqual([1, 2, 3]);
    });
  });
}
