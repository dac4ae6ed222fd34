/**
 * The generated client authenticates (issue 11): typed calls to the key and token operations,
 * and the 401/403 answers the document declares, against a real gateway with an administrator key.
 */
import { expect, it } from 'vitest';
import { createLogwayClient } from '../helpers/api-client.js';
import { startGateway } from '../helpers/gateway.js';

it('creates a key with the administrator key, produces with it, and reads the typed 401 and 403 problems', async () => {
  const adminKey = 'client-admin-key-0123456789';
  const server = await startGateway({ adminKey });
  const admin = createLogwayClient(server.url, adminKey);
  expect((await admin.POST('/v1/topics', { body: { name: 'orders' } })).response.status).toBe(201);
  const created = await admin.POST('/v1/keys', {
    body: { name: 'producer', permissions: [{ resource: 'topic:orders', actions: ['write'] }] },
  });
  expect(created.response.status).toBe(201);
  const key = created.data!.key;

  const producer = createLogwayClient(server.url, key);
  const produced = await producer.POST('/v1/topics/{topic}/records', { params: { path: { topic: 'orders' } }, body: { records: [{ value: 1 }] } });
  expect(produced.data && 'records' in produced.data ? produced.data.records : undefined).toHaveLength(1);

  const forbidden = await producer.GET('/v1/topics/{topic}/partitions/{partition}/records', {
    params: { path: { topic: 'orders', partition: 0 } },
  });
  expect(forbidden.response.status).toBe(403);
  expect(forbidden.error).toMatchObject({ code: 'FORBIDDEN', resource: 'topic:orders', action: 'read' });

  const anonymous = await createLogwayClient(server.url).GET('/v1/keys');
  expect(anonymous.response.status).toBe(401);
  expect(anonymous.error?.code).toBe('UNAUTHORIZED');

  const listed = await admin.GET('/v1/keys');
  expect(listed.data?.keys.map((k) => k.name)).toEqual(['producer']);
  const token = await admin.POST('/v1/tokens', { body: { permissions: [{ resource: 'topic:orders', actions: ['read'] }], ttlSeconds: 60 } });
  expect(token.data?.token).toMatch(/^eyJ/);
  expect((await admin.DELETE('/v1/keys/{id}', { params: { path: { id: created.data!.id } } })).response.status).toBe(204);
});
