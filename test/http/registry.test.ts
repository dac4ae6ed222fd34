/**
 * The schema registry at /registry speaks Confluent's REST API: driven here by the unmodified
 * @kafkajs/confluent-schema-registry client (register, encode, decode) and by plain requests for
 * the answers its clients parse: ids, subjects, versions, lookups, soft and permanent deletes,
 * compatibility levels and tests, and errors as {error_code, message}.
 */
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { describe, expect, it } from 'vitest';
import { REGISTRY_ACCESS_RULES } from '../../src/http/access.js';
import { startGateway, type RunningGateway } from '../helpers/gateway.js';

const CT = 'application/vnd.schemaregistry.v1+json';
const person = (fields: object[] = []) =>
  JSON.stringify({ type: 'record', name: 'Person', namespace: 'test', fields: [{ name: 'name', type: 'string' }, ...fields] });

function registry(g: RunningGateway) {
  return async (method: string, path: string, body?: unknown) => {
    const res = await g.api(`/registry${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': CT },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, type: res.headers.get('content-type'), body: text ? JSON.parse(text) : undefined };
  };
}

describe('with the Confluent client', () => {
  it('registers Avro, JSON Schema and Protobuf schemas, encodes with them and decodes to the same object', async () => {
    const g = await startGateway();
    const client = new SchemaRegistry({ host: `${g.url}/registry` });

    const avro = await client.register({ type: SchemaType.AVRO, schema: person() }, { subject: 'people-value' });
    expect(avro.id).toBe(1);
    const again = await client.register({ type: SchemaType.AVRO, schema: person() }, { subject: 'people-value' });
    expect(again.id).toBe(1);
    const alice = { name: 'Alice' };
    const bytes = await client.encode(avro.id, alice);
    expect([...bytes.subarray(0, 5)]).toEqual([0, 0, 0, 0, 1]);
    // A fresh client knows nothing: it fetches the schema by id from the gateway.
    expect(await new SchemaRegistry({ host: `${g.url}/registry` }).decode(bytes)).toEqual(alice);

    const json = await client.register(
      { type: SchemaType.JSON, schema: JSON.stringify({ type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] }) },
      { subject: 'counts-value' },
    );
    const encodedJson = await client.encode(json.id, { n: 3 });
    expect(await new SchemaRegistry({ host: `${g.url}/registry` }).decode(encodedJson)).toEqual({ n: 3 });

    const proto = await client.register(
      { type: SchemaType.PROTOBUF, schema: 'syntax = "proto3"; package test; message Point { int32 x = 1; string label = 2; }' },
      { subject: 'points-value' },
    );
    const encodedProto = await client.encode(proto.id, { x: 7, label: 'p' });
    expect(await new SchemaRegistry({ host: `${g.url}/registry` }).decode(encodedProto)).toMatchObject({ x: 7, label: 'p' });
    expect(new Set([avro.id, json.id, proto.id]).size).toBe(3);
  });

  it('evolves an Avro schema compatibly, and refuses an incompatible one with 409 naming what broke', async () => {
    const g = await startGateway();
    const client = new SchemaRegistry({ host: `${g.url}/registry` });
    const first = await client.register({ type: SchemaType.AVRO, schema: person() }, { subject: 'people-value' });
    const second = await client.register(
      { type: SchemaType.AVRO, schema: person([{ name: 'age', type: 'int', default: 0 }]) },
      { subject: 'people-value' },
    );
    expect(second.id).toBe(first.id + 1);
    const refused = client.register({ type: SchemaType.AVRO, schema: person([{ name: 'email', type: 'string' }]) }, { subject: 'people-value' });
    await expect(refused).rejects.toMatchObject({ status: 409 });
    await expect(refused).rejects.toThrow(/email/);
    // Data written with the first version decodes with the latest one's client.
    expect(await client.getLatestSchemaId('people-value')).toBe(second.id);
  });
});

describe('the REST API', () => {
  it('answers ids, subjects, versions and lookups in the registry’s content type', async () => {
    const g = await startGateway();
    const r = registry(g);
    const registered = await r('POST', '/subjects/people-value/versions', { schema: person() });
    expect(registered).toEqual({ status: 200, type: CT, body: { id: 1 } });
    // The same schema written differently is the same schema.
    expect((await r('POST', '/subjects/other/versions', { schema: JSON.stringify(JSON.parse(person()), null, 2) })).body).toEqual({ id: 1 });
    expect((await r('GET', '/schemas/ids/1')).body).toEqual({ schema: person() });
    expect((await r('GET', '/schemas/ids/1/versions')).body).toEqual([
      { subject: 'other', version: 1 },
      { subject: 'people-value', version: 1 },
    ]);
    expect((await r('GET', '/subjects')).body).toEqual(['other', 'people-value']);
    expect((await r('GET', '/subjects/people-value/versions')).body).toEqual([1]);
    const latest = { subject: 'people-value', version: 1, id: 1, schema: person() };
    expect((await r('GET', '/subjects/people-value/versions/latest')).body).toEqual(latest);
    expect((await r('GET', '/subjects/people-value/versions/1')).body).toEqual(latest);
    expect((await r('POST', '/subjects/people-value', { schema: person() })).body).toEqual(latest);
    expect((await r('GET', '/schemas/types')).body).toEqual(['JSON', 'PROTOBUF', 'AVRO']);
  });

  it('answers errors as {error_code, message} with the registry’s codes', async () => {
    const g = await startGateway();
    const r = registry(g);
    expect(await r('GET', '/schemas/ids/42')).toMatchObject({ status: 404, type: CT, body: { error_code: 40403 } });
    expect(await r('GET', '/subjects/nope/versions')).toMatchObject({ status: 404, body: { error_code: 40401 } });
    await r('POST', '/subjects/s/versions', { schema: person() });
    expect(await r('GET', '/subjects/s/versions/9')).toMatchObject({ status: 404, body: { error_code: 40402 } });
    expect(await r('GET', '/subjects/s/versions/zero')).toMatchObject({ status: 422, body: { error_code: 42202 } });
    expect(await r('POST', '/subjects/s', { schema: person([{ name: 'x', type: 'int' }]) })).toMatchObject({ status: 404, body: { error_code: 40403 } });
    const bad = await r('POST', '/subjects/s/versions', { schema: '{"type":"record","name":"R","fields":[{"name":"a","type":"nosuch"}]}' });
    expect(bad).toMatchObject({ status: 422, body: { error_code: 42201 } });
    expect(bad.body.message).toMatch(/nosuch/);
    expect(await r('POST', '/subjects/s/versions', { schema: '{', schemaType: 'JSON' })).toMatchObject({ status: 422, body: { error_code: 42201 } });
    expect(await r('PUT', '/config/s', { compatibility: 'SIDEWAYS' })).toMatchObject({ status: 422, body: { error_code: 42203 } });
    expect(await r('GET', '/no/such/route')).toMatchObject({ status: 404, type: CT, body: { error_code: 404 } });
    // Nothing refused was stored.
    expect((await r('GET', '/subjects/s/versions')).body).toEqual([1]);
  });

  it('soft-deletes versions and subjects, deletes permanently only after, and keeps ids resolvable', async () => {
    const g = await startGateway();
    const r = registry(g);
    await r('PUT', '/config/s', { compatibility: 'NONE' });
    await r('POST', '/subjects/s/versions', { schema: person() });
    await r('POST', '/subjects/s/versions', { schema: '"string"' });
    expect(await r('DELETE', '/subjects/s/versions/1?permanent=true')).toMatchObject({ status: 404, body: { error_code: 40407 } });
    expect((await r('DELETE', '/subjects/s/versions/1')).body).toBe(1);
    expect((await r('GET', '/subjects/s/versions')).body).toEqual([2]);
    expect((await r('GET', '/subjects/s/versions?deleted=true')).body).toEqual([1, 2]);
    expect((await r('GET', '/schemas/ids/1')).status).toBe(200);
    expect(await r('DELETE', '/subjects/s?permanent=true')).toMatchObject({ status: 404, body: { error_code: 40405 } });
    expect((await r('DELETE', '/subjects/s')).body).toEqual([2]);
    expect((await r('GET', '/subjects')).body).toEqual([]);
    expect((await r('GET', '/subjects?deleted=true')).body).toEqual(['s']);
    expect((await r('DELETE', '/subjects/s?permanent=true')).body).toEqual([1, 2]);
    expect((await r('GET', '/subjects?deleted=true')).body).toEqual([]);
    // A new version after a permanent delete starts again, with the old content's old id.
    expect((await r('POST', '/subjects/s/versions', { schema: '"string"' })).body).toEqual({ id: 2 });
  });

  it('keeps compatibility levels per subject and registry-wide, and tests a schema without registering it', async () => {
    const g = await startGateway();
    const r = registry(g);
    expect((await r('GET', '/config')).body).toEqual({ compatibilityLevel: 'BACKWARD' });
    expect(await r('GET', '/config/s')).toMatchObject({ status: 404, body: { error_code: 40408 } });
    expect((await r('GET', '/config/s?defaultToGlobal=true')).body).toEqual({ compatibilityLevel: 'BACKWARD' });
    expect((await r('PUT', '/config', { compatibility: 'FULL' })).body).toEqual({ compatibility: 'FULL' });
    expect((await r('PUT', '/config/s', { compatibility: 'FORWARD' })).body).toEqual({ compatibility: 'FORWARD' });
    expect((await r('GET', '/config/s')).body).toEqual({ compatibilityLevel: 'FORWARD' });
    expect((await r('DELETE', '/config/s')).body).toEqual({ compatibilityLevel: 'FORWARD' });
    expect((await r('GET', '/config/s?defaultToGlobal=true')).body).toEqual({ compatibilityLevel: 'FULL' });

    await r('PUT', '/config/people-value', { compatibility: 'BACKWARD' });
    await r('POST', '/subjects/people-value/versions', { schema: person() });
    const required = { schema: person([{ name: 'age', type: 'int' }]) };
    expect((await r('POST', '/compatibility/subjects/people-value/versions/latest', required)).body).toEqual({ is_compatible: false });
    const verbose = await r('POST', '/compatibility/subjects/people-value/versions/latest?verbose=true', required);
    expect(verbose.body.is_compatible).toBe(false);
    expect(verbose.body.messages.join(' ')).toMatch(/age/);
    const optional = { schema: person([{ name: 'age', type: 'int', default: 0 }]) };
    expect((await r('POST', '/compatibility/subjects/people-value/versions/1', optional)).body).toEqual({ is_compatible: true });
    expect((await r('GET', '/subjects/people-value/versions')).body).toEqual([1]);
  });

  it('keeps schemas, ids and levels across a restart', async () => {
    const first = await startGateway({}, { keep: true });
    await registry(first)('POST', '/subjects/people-value/versions', { schema: person() });
    await registry(first)('PUT', '/config/people-value', { compatibility: 'NONE' });
    await first.gateway.close();
    const second = await startGateway({}, { dataDir: first.dataDir });
    const r = registry(second);
    expect((await r('GET', '/subjects/people-value/versions/latest')).body).toMatchObject({ id: 1, version: 1 });
    expect((await r('GET', '/config/people-value')).body).toEqual({ compatibilityLevel: 'NONE' });
    expect((await r('POST', '/subjects/people-value/versions', { schema: '"int"' })).body).toEqual({ id: 2 });
  });

  it('resolves schema references: an Avro record using a type another subject holds', async () => {
    const g = await startGateway();
    const r = registry(g);
    const address = JSON.stringify({ type: 'record', name: 'Address', namespace: 'test', fields: [{ name: 'city', type: 'string' }] });
    expect((await r('POST', '/subjects/address/versions', { schema: address })).body).toEqual({ id: 1 });
    const customer = JSON.stringify({ type: 'record', name: 'Customer', namespace: 'test', fields: [{ name: 'home', type: 'test.Address' }] });
    const refs = [{ name: 'test.Address', subject: 'address', version: 1 }];
    expect((await r('POST', '/subjects/customer-value/versions', { schema: customer, references: refs })).body).toEqual({ id: 2 });
    expect((await r('GET', '/schemas/ids/2')).body).toEqual({ schema: customer, references: refs });
    expect(await r('POST', '/subjects/x/versions', { schema: customer })).toMatchObject({ status: 422, body: { error_code: 42201 } });
    const missing = await r('POST', '/subjects/x/versions', { schema: customer, references: [{ ...refs[0], version: 5 }] });
    expect(missing).toMatchObject({ status: 422, body: { error_code: 42201 } });
  });
});

describe('access', () => {
  const adminKey = 'registry-admin-key-0123456789';

  it('needs read on the subject’s topic to read, admin to change, and answers refusals in the registry’s shape', async () => {
    const g = await startGateway({ adminKey });
    const asAdmin = { authorization: `Bearer ${adminKey}` };
    const created = await g.json('POST', '/v1/keys', { name: 'reader', permissions: [{ resource: 'topic:orders', actions: ['read'] }] }, asAdmin);
    const reader = { authorization: `Bearer ${created.body.key}` };
    const call = (method: string, path: string, headers: Record<string, string>, body?: unknown) =>
      g.json(method, `/registry${path}`, body, headers);

    expect((await call('POST', '/subjects/orders-value/versions', asAdmin, { schema: '"string"' })).body).toEqual({ id: 1 });
    expect((await call('POST', '/subjects/billing-value/versions', asAdmin, { schema: '"int"' })).body).toEqual({ id: 2 });
    expect((await call('GET', '/subjects/orders-value/versions/latest', reader)).status).toBe(200);
    expect((await call('GET', '/schemas/ids/2', reader)).status).toBe(200);
    expect((await call('GET', '/subjects', reader)).body).toEqual(['orders-value']);
    const refused = await call('GET', '/subjects/billing-value/versions', reader);
    expect(refused).toMatchObject({ status: 403, body: { error_code: 403 } });
    expect((await call('POST', '/subjects/orders-value/versions', reader, { schema: '"long"' })).status).toBe(403);
    expect((await call('PUT', '/config', reader, { compatibility: 'NONE' })).status).toBe(403);
    expect((await call('GET', '/subjects', {})).status).toBe(401);
    expect((await call('GET', '/subjects/orders-value/versions', asAdmin)).body).toEqual([1]);
  });

  it('every registry route has a row in the access table, and every row a route', async () => {
    const g = await startGateway();
    const routes = new Set(
      g.gateway.app.routes.filter((r) => r.path.startsWith('/registry/') && r.method !== 'ALL').map((r) => `${r.method} ${r.path}`),
    );
    const rows = REGISTRY_ACCESS_RULES.map((r) => `${r.method} ${r.path}`);
    expect(new Set(rows)).toEqual(routes);
  });
});
