/**
 * On a cluster store, API keys are made and revoked through any gateway: every gateway reads them
 * again every apiKeyRefreshMs, so a key made through one works on the others, and one revoked through
 * one stops working there (its sockets closed), within that time. Two in-process gateways share one
 * SQLite store, told it is shared, as two gateways share a cluster.
 */
import { describe, expect, it } from 'vitest';
import { KeyRing } from '../../src/auth/api-keys.js';
import type { StoredKey } from '../../src/storage/credential-store.js';
import { openSqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import { startGateway, tempDir } from '../helpers/gateway.js';
import { intercept } from '../helpers/intercept.js';
import { until } from '../helpers/until.js';
import { openSocket } from '../ws/ws-client.js';

const ADMIN_KEY = 'test-admin-key-0123456789';
const admin = { authorization: `Bearer ${ADMIN_KEY}` };

async function twoGateways() {
  const store = intercept(openSqliteStore({ dataDir: tempDir(), synchronous: 'NORMAL' }), { singleGateway: () => false });
  const a = await startGateway({ adminKey: ADMIN_KEY, apiKeyRefreshMs: 100 }, { store });
  const b = await startGateway({ adminKey: ADMIN_KEY, apiKeyRefreshMs: 100 }, { store });
  expect((await a.json('POST', '/v1/topics', { name: 'orders', partitions: 1 }, admin)).status).toBe(201);
  return { a, b };
}

describe('API keys across gateways', () => {
  it('a key made through one gateway works on the other, and once revoked there stops working and its sockets close', async () => {
    const { a, b } = await twoGateways();
    const made = await a.json('POST', '/v1/keys', { name: 'reader', permissions: [{ resource: 'topic:orders', actions: ['read'] }] }, admin);
    expect(made.status).toBe(201);
    const bearer = { authorization: `Bearer ${made.body.key}` };

    await until('gateway b to take the new key', async () => (await b.json('GET', '/v1/topics/orders', undefined, bearer)).status === 200);
    const socket = await openSocket(b.url, `/v1/topics/orders/ws?access_token=${made.body.key}`);

    expect((await a.json('DELETE', `/v1/keys/${made.body.id}`, undefined, admin)).status).toBe(204);
    expect(await socket.closed).toEqual({ code: 4401, reason: 'the API key of this socket was revoked' });
    expect((await b.json('GET', '/v1/topics/orders', undefined, bearer)).status).toBe(401);
  });

  it('a reload that overlapped a key made on the same gateway neither drops that key nor brings back a revoked one', async () => {
    const store = openSqliteStore({ dataDir: tempDir(), synchronous: 'NORMAL' });
    let holdList: Promise<void> | undefined;
    // The real credential store, its listKeys held open until the local change is done.
    const credentials = {
      createKey: (key: StoredKey) => store.credentials.createKey(key),
      deleteKey: (id: string) => store.credentials.deleteKey(id),
      secret: (name: string, generate: () => Uint8Array) => store.credentials.secret(name, generate),
      listKeys: async () => {
        const listed = await store.credentials.listKeys();
        await holdList;
        return listed;
      },
    };
    try {
      const ring = await KeyRing.open(credentials);
      const old = await ring.create('old', [], undefined, 0);

      let release!: () => void;
      holdList = new Promise((resolve) => (release = resolve));
      const reload = ring.reload();
      const made = await ring.create('new', [], undefined, 0);
      await ring.revoke(old.id);
      release();
      expect(await reload).toEqual([]);
      expect(ring.verify(made.key)).toBeDefined();
      expect(ring.verify(old.key)).toBeUndefined();

      // A reload that overlapped nothing takes the store as it is.
      holdList = undefined;
      expect(await ring.reload()).toEqual([]);
      expect(ring.list().map((k) => k.name)).toEqual(['new']);
    } finally {
      await store.close();
    }
  });
});
