/**
 * GET /v1/topics/{topic}/openapi.json|.yaml: the gateway's document specialised for one topic.
 * A topic bound to a schema has its record values typed by that schema (Avro and Protobuf
 * converted to JSON Schema), so a client generated from it with openapi-typescript type-checks a
 * right value and rejects a wrong one; any other topic gets the generic document.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { generateClientTypes } from '../helpers/client-types.js';
import { startGateway, type RunningGateway } from '../helpers/gateway.js';
import { REPO_ROOT } from '../helpers/process.js';
import { typeErrors } from '../helpers/type-errors.js';

async function bind(g: RunningGateway, topic: string, schemaType: string, schema: object | string, config: object = {}) {
  const text = typeof schema === 'string' ? schema : JSON.stringify(schema);
  expect((await g.json('POST', `/registry/subjects/${topic}-value/versions`, { schemaType, schema: text })).status).toBe(200);
  expect((await g.json('POST', '/v1/topics', { name: topic, partitions: 1, config: { valueSchemaValidation: true, ...config } })).status).toBe(201);
}

const ORDER_AVRO = {
  type: 'record',
  name: 'Order',
  namespace: 'shop',
  fields: [
    { name: 'id', type: 'long' },
    { name: 'note', type: ['null', 'string'], default: null },
    { name: 'kind', type: { type: 'enum', name: 'Kind', symbols: ['PLAIN', 'GIFT'] } },
    { name: 'lines', type: { type: 'array', items: { type: 'record', name: 'Line', fields: [{ name: 'sku', type: 'string' }, { name: 'qty', type: 'int' }] } } },
  ],
};

describe('a topic not bound to a schema', () => {
  it('gets the generic document, as JSON and as YAML', async () => {
    const g = await startGateway();
    await g.json('POST', '/v1/topics', { name: 'plain' });
    expect(await (await g.api('/v1/topics/plain/openapi.json')).text()).toBe(await (await g.api('/openapi.json')).text());
    const yaml = await g.api('/v1/topics/plain/openapi.yaml');
    expect(yaml.headers.get('content-type')).toMatch(/^application\/yaml/);
    expect(await yaml.text()).toBe(await (await g.api('/openapi.yaml')).text());
  });

  it('answers 404 for a topic that does not exist, and for a bound topic whose subject has no version', async () => {
    const g = await startGateway();
    expect(await g.json('GET', '/v1/topics/nope/openapi.json')).toMatchObject({ status: 404, body: { code: 'TOPIC_NOT_FOUND' } });
    await g.json('POST', '/v1/topics', { name: 'unregistered', config: { valueSchemaValidation: true } });
    const missing = await g.json('GET', '/v1/topics/unregistered/openapi.json');
    expect(missing).toMatchObject({ status: 404, body: { code: 'SUBJECT_NOT_FOUND', subject: 'unregistered-value' } });
  });
});

describe('a topic bound to a schema', () => {
  it('types record values in produce, fetch, topic read, key and snapshot, and names only this topic', async () => {
    const g = await startGateway();
    await bind(g, 'orders', 'AVRO', ORDER_AVRO);
    const doc = (await g.json('GET', '/v1/topics/orders/openapi.json')).body;
    expect(doc.info).toMatchObject({ title: 'Logway: topic orders', 'x-logway-topic': { topic: 'orders', subject: 'orders-value', version: 1, schemaType: 'AVRO' } });
    const schemas = doc.components.schemas;
    expect(schemas.TopicValue).toEqual({ $ref: '#/components/schemas/TopicValue.shop.Order' });
    expect(schemas['TopicValue.shop.Order']).toEqual({
      type: 'object',
      properties: {
        id: { type: 'integer', minimum: Number.MIN_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER },
        note: { anyOf: [{ type: 'null' }, { type: 'string' }] },
        kind: { type: 'string', enum: ['PLAIN', 'GIFT'] },
        lines: { type: 'array', items: { $ref: '#/components/schemas/TopicValue.shop.Line' } },
      },
      required: ['id', 'kind', 'lines'],
    });
    const op = (p: string, method = 'get') => doc.paths[p][method];
    expect(op('/v1/topics/{topic}/records', 'post').requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/TypedProduceRequest' });
    expect(op('/v1/topics/{topic}/partitions/{partition}/records').responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/TypedFetchResponse' });
    expect(op('/v1/topics/{topic}/records').responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/TypedTopicReadResponse' });
    expect(op('/v1/topics/{topic}/keys/{key}').responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/TypedRecord' });
    expect(op('/v1/topics/{topic}/snapshot').responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/TypedSnapshot' });
    expect(op('/v1/topics/{topic}/records', 'post').parameters.find((p: { name: string }) => p.name === 'topic').schema).toEqual({ type: 'string', enum: ['orders'] });
    // The rest is the generic document's.
    const generic = (await g.json('GET', '/openapi.json')).body;
    expect(doc.paths['/v1/groups']).toEqual(generic.paths['/v1/groups']);
    expect(schemas.Record).toEqual(generic.components.schemas.Record);
    // The YAML is the same document.
    expect(parse(await (await g.api('/v1/topics/orders/openapi.yaml')).text())).toEqual(doc);
  });

  it(
    'gives openapi-typescript a client whose record values are typed: a right value compiles, a wrong one fails tsc naming the field',
    async () => {
      const g = await startGateway();
      await bind(g, 'orders', 'AVRO', ORDER_AVRO);
      const types = await generateClientTypes(await (await g.api('/v1/topics/orders/openapi.yaml')).text());
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logway-topic-client-'));
      try {
        // .mts: ES modules wherever the folder is.
        fs.writeFileSync(path.join(dir, 'orders-api.mts'), types);
        const header =
          `import { createTypedClient } from ${JSON.stringify(path.join(REPO_ROOT, 'test/helpers/typed-client.js'))};\n` +
          `import type { paths } from './orders-api.mjs';\n` +
          `const client = createTypedClient<paths>('http://127.0.0.1:1');\n`;
        const right = path.join(dir, 'right.mts');
        fs.writeFileSync(
          right,
          header +
            `await client.POST('/v1/topics/{topic}/records', { params: { path: { topic: 'orders' } }, body: { records: [\n` +
            `  { key: 'c-7', value: { id: 7, note: null, kind: 'GIFT', lines: [{ sku: 'tea', qty: 2 }] } },\n` +
            `  { value: 'AAAAAAE=', valueEncoding: 'base64' },\n` +
            `] } });\n` +
            `const fetched = await client.GET('/v1/topics/{topic}/partitions/{partition}/records', { params: { path: { topic: 'orders', partition: 0 } } });\n` +
            `if (fetched.data && typeof fetched.data === 'object') {\n` +
            `  for (const r of fetched.data.records) {\n` +
            `    if ('valueEncoding' in r) { const wire: string = r.value; void wire; }\n` +
            `    else { const id: number = r.value.id; const sku: string | undefined = r.value.lines[0]?.sku; void id; void sku; }\n` +
            `  }\n` +
            `}\n`,
        );
        const wrong = path.join(dir, 'wrong.mts');
        fs.writeFileSync(
          wrong,
          header +
            `await client.POST('/v1/topics/{topic}/records', { params: { path: { topic: 'orders' } }, body: { records: [\n` +
            `  { value: { id: 'seven', note: null, kind: 'GIFT', lines: [] } },\n` +
            `] } });\n`,
        );
        const errors = typeErrors([path.join(dir, 'orders-api.mts'), right, wrong]);
        expect(errors.filter((e) => !e.startsWith(wrong))).toEqual([]);
        const wrongErrors = errors.filter((e) => e.startsWith(wrong)).join('\n');
        // tsc's error is at the field given the wrong value.
        expect(wrongErrors).toContain("Type 'string' is not assignable to type 'number'. [at `id`]");
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
      // A compile: seconds on a quiet machine, minutes on a loaded one. Not a timing claim.
    },
    300_000,
  );

  it('converts Protobuf (proto3 JSON mapping) and JSON Schema (with $defs) into the document', async () => {
    const g = await startGateway();
    await bind(g, 'events', 'PROTOBUF', 'syntax = "proto3"; package ev; message Event { int64 id = 1; string user_name = 2; repeated Tag tags = 3; map<string, int32> counts = 4; bytes blob = 5; Kind kind = 6; } message Tag { string name = 1; } enum Kind { A = 0; B = 1; }');
    const ev = (await g.json('GET', '/v1/topics/events/openapi.json')).body.components.schemas;
    expect(ev.TopicValue).toEqual({ $ref: '#/components/schemas/TopicValue.ev.Event' });
    expect(ev['TopicValue.ev.Event']).toEqual({
      type: 'object',
      properties: {
        id: { type: ['integer', 'string'], pattern: '^-?[0-9]+$' },
        userName: { type: 'string' },
        tags: { type: 'array', items: { $ref: '#/components/schemas/TopicValue.ev.Tag' } },
        counts: { type: 'object', additionalProperties: { type: 'integer', minimum: -(2 ** 31), maximum: 2 ** 31 - 1 } },
        blob: { type: 'string', contentEncoding: 'base64' },
        kind: { type: 'string', enum: ['A', 'B'] },
      },
      additionalProperties: false,
    });

    await bind(g, 'users', 'JSON', {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      properties: { name: { type: 'string' }, address: { $ref: '#/definitions/address' } },
      required: ['name'],
      definitions: { address: { type: 'object', properties: { city: { type: 'string' } } } },
    }, { cleanupPolicy: 'compact' });
    const users = (await g.json('GET', '/v1/topics/users/openapi.json')).body.components.schemas;
    expect(users.TopicValue).toEqual({
      type: 'object',
      properties: { name: { type: 'string' }, address: { $ref: '#/components/schemas/TopicValue.address' } },
      required: ['name'],
    });
    expect(users['TopicValue.address']).toEqual({ type: 'object', properties: { city: { type: 'string' } } });
    // Compacted: a keyed null (a tombstone) is a value too.
    const json = users.TypedProduceRecord.oneOf[0].properties.value;
    expect(json).toEqual({ anyOf: [{ $ref: '#/components/schemas/TopicValue' }, { type: 'null' }] });
  });

  it('needs read on the topic when authentication is on', async () => {
    const adminKey = 'topic-openapi-admin-key-0123456789';
    const g = await startGateway({ adminKey });
    const asAdmin = { authorization: `Bearer ${adminKey}` };
    expect((await g.json('POST', '/registry/subjects/orders-value/versions', { schema: JSON.stringify(ORDER_AVRO) }, asAdmin)).status).toBe(200);
    expect((await g.json('POST', '/v1/topics', { name: 'orders', config: { valueSchemaValidation: true } }, asAdmin)).status).toBe(201);
    const key = async (resource: string) =>
      (await g.json('POST', '/v1/keys', { name: resource, permissions: [{ resource, actions: ['read'] }] }, asAdmin)).body.key as string;
    const reader = { authorization: `Bearer ${await key('topic:orders')}` };
    const other = { authorization: `Bearer ${await key('topic:billing')}` };
    expect((await g.json('GET', '/v1/topics/orders/openapi.json')).status).toBe(401);
    expect((await g.json('GET', '/v1/topics/orders/openapi.yaml', undefined, other)).status).toBe(403);
    const allowed = await g.json('GET', '/v1/topics/orders/openapi.json', undefined, reader);
    expect(allowed.status).toBe(200);
    expect(allowed.body.components.schemas['TopicValue.shop.Order']).toBeDefined();
  });
});
