/**
 * Topics bound to schemas: with `valueSchemaValidation` (`keySchemaValidation`) every produced
 * record is checked against the latest version of `<topic>-value` (`<topic>-key`) before anything
 * is appended. A request with any bad record is refused with 422 listing each bad record's index,
 * path and reason, and appends nothing; per format: JSON Schema, Avro and Protobuf.
 */
import { describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../helpers/gateway.js';

async function setUp(g: RunningGateway, topic: string, schemaType: string, schema: object | string) {
  const text = typeof schema === 'string' ? schema : JSON.stringify(schema);
  const registered = await g.json('POST', `/registry/subjects/${topic}-value/versions`, { schemaType, schema: text });
  expect(registered.status).toBe(200);
  expect((await g.json('POST', '/v1/topics', { name: topic, partitions: 1, config: { valueSchemaValidation: true } })).status).toBe(201);
}

const produce = (g: RunningGateway, topic: string, values: unknown[], extra: object = {}) =>
  g.json('POST', `/v1/topics/${topic}/records`, { records: values.map((value) => ({ value, ...extra })) });

async function stored(g: RunningGateway, topic: string): Promise<unknown[]> {
  const res = await g.json('GET', `/v1/topics/${topic}/partitions/0/records?offset=0`);
  return res.body.records.map((r: { value: unknown }) => r.value);
}

describe.each([
  {
    format: 'JSON',
    schema: {
      type: 'object',
      properties: { id: { type: 'integer' }, email: { type: 'string', format: 'email' }, tags: { type: 'array', items: { type: 'string' } } },
      required: ['id'],
      additionalProperties: false,
    },
    good: [{ id: 1, email: 'a@example.com' }, { id: 2, tags: ['x'] }],
    bad: { id: 3, email: 'not-an-email', tags: ['ok', 7] },
    badPaths: ['body/records/1/value/email'],
  },
  {
    format: 'AVRO',
    schema: {
      type: 'record',
      name: 'Order',
      fields: [
        { name: 'id', type: 'long' },
        { name: 'note', type: ['null', 'string'], default: null },
        { name: 'lines', type: { type: 'array', items: 'int' } },
      ],
    },
    good: [{ id: 1, note: null, lines: [] }, { id: 2, note: 'gift', lines: [1, 2] }],
    bad: { id: 'three', note: null, lines: [1, 'x'] },
    badPaths: ['body/records/1/value/id', 'body/records/1/value/lines/1'],
  },
  {
    format: 'PROTOBUF',
    schema: 'syntax = "proto3"; package shop; message Order { int64 id = 1; string note = 2; repeated int32 lines = 3; Kind kind = 4; } enum Kind { PLAIN = 0; GIFT = 1; }',
    good: [{ id: 1, lines: [] }, { id: '2', note: 'gift', lines: [1, 2], kind: 'GIFT' }],
    bad: { id: 3, note: 5, lines: [1], kind: 'NOPE', extra: true },
    badPaths: ['body/records/1/value/note', 'body/records/1/value/kind', 'body/records/1/value/extra'],
    // Stored as Protobuf and read back in the proto3 JSON mapping: 64-bit integers as strings, defaults left out.
    readBack: [{ id: '1' }, { id: '2', note: 'gift', lines: [1, 2], kind: 'GIFT' }],
  },
])('$format', ({ format, schema, good, bad, badPaths, readBack }) => {
  it('appends records that match, refuses a request with one that does not (422, each bad path), appending nothing', async () => {
    const g = await startGateway();
    await setUp(g, 'orders', format, schema);
    expect((await produce(g, 'orders', good)).status).toBe(200);

    const refused = await produce(g, 'orders', [good[0], bad]);
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'RECORD_INVALID', invalidRecords: 1 });
    const paths = refused.body.errors.map((e: { path: string }) => e.path);
    for (const p of badPaths) expect(paths).toContain(p);
    for (const e of refused.body.errors) expect(e).toMatchObject({ index: 1, message: expect.any(String) });
    expect(await stored(g, 'orders')).toEqual(readBack ?? good);
  });
});

describe('binding', () => {
  it('refuses every produce to a bound topic whose subject has no schema yet, naming the subject', async () => {
    const g = await startGateway();
    await g.json('POST', '/v1/topics', { name: 'bare', config: { valueSchemaValidation: true } });
    const refused = await produce(g, 'bare', [1]);
    expect(refused).toMatchObject({ status: 422, body: { code: 'RECORD_INVALID', subject: 'bare-value' } });
    expect(refused.body.detail).toMatch(/bare-value/);
  });

  it('checks against the latest version: a new compatible version changes what is accepted at once', async () => {
    const g = await startGateway();
    const v1 = { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'], additionalProperties: false };
    await setUp(g, 'counts', 'JSON', v1);
    expect((await produce(g, 'counts', [{ n: 1, label: 'x' }])).status).toBe(422);
    const v2 = { ...v1, properties: { ...v1.properties, label: { type: 'string' } } };
    expect((await g.json('POST', '/registry/subjects/counts-value/versions', { schemaType: 'JSON', schema: JSON.stringify(v2) })).body).toEqual({ id: 2 });
    expect((await produce(g, 'counts', [{ n: 1, label: 'x' }])).status).toBe(200);
  });

  it('binds an existing topic by changing its config, keys too, and lists every bad record of a large batch', async () => {
    const g = await startGateway();
    await g.json('POST', '/v1/topics', { name: 'events', partitions: 1 });
    expect((await produce(g, 'events', ['anything'])).status).toBe(200);
    await g.json('POST', '/registry/subjects/events-value/versions', { schemaType: 'JSON', schema: '{"type":"integer"}' });
    await g.json('POST', '/registry/subjects/events-key/versions', { schemaType: 'JSON', schema: '{"type":"string","pattern":"^user-"}' });
    const patched = await g.json('PATCH', '/v1/topics/events', { config: { valueSchemaValidation: true, keySchemaValidation: true } });
    expect(patched.body.config).toEqual({ valueSchemaValidation: true, keySchemaValidation: true });

    const records = Array.from({ length: 1_000 }, (_, i) => ({ key: i === 500 ? 'admin-1' : `user-${i}`, value: i % 250 === 7 ? `bad ${i}` : i }));
    const refused = await g.json('POST', '/v1/topics/events/records', { records });
    expect(refused.status).toBe(422);
    expect(refused.body.invalidRecords).toBe(5);
    expect(refused.body.errors.map((e: { path: string }) => e.path)).toEqual([
      'body/records/7/value',
      'body/records/257/value',
      'body/records/507/value',
      'body/records/757/value',
      'body/records/500/key',
    ]);
    expect((await g.json('POST', '/v1/topics/events/records', { records: records.filter((_, i) => i % 250 !== 7 && i !== 500) })).status).toBe(200);
    expect((await stored(g, 'events')).length).toBeGreaterThan(1);
  });

  it('survives a restart: a bound topic still checks its records against the stored schema', async () => {
    const first = await startGateway({}, { keep: true });
    await setUp(first, 'kept', 'AVRO', { type: 'record', name: 'K', fields: [{ name: 'a', type: 'int' }] });
    await first.gateway.close();
    const second = await startGateway({}, { dataDir: first.dataDir });
    expect((await produce(second, 'kept', [{ a: 'x' }])).status).toBe(422);
    expect((await produce(second, 'kept', [{ a: 1 }])).status).toBe(200);
  });
});
