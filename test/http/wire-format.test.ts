/**
 * Confluent's wire format on topics bound to schemas: records produced already encoded by a Kafka
 * serializer (magic byte 0, 4-byte schema id, payload; base64 with valueEncoding base64) are checked
 * against the id (it must be a version of the topic's subject) and stored as they came; JSON records
 * to Avro and Protobuf topics are stored encoded. Reads answer JSON (decoded, the default) or the
 * wire-format bytes (`format=binary`), which the unmodified @kafkajs/confluent-schema-registry
 * client decodes to the object it encoded.
 */
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../helpers/gateway.js';
import { openSocket } from '../ws/ws-client.js';

const ORDER = {
  type: 'record',
  name: 'Order',
  namespace: 'shop',
  fields: [
    { name: 'id', type: 'long' },
    { name: 'note', type: ['null', 'string'], default: null },
    { name: 'lines', type: { type: 'array', items: 'int' } },
  ],
};

async function bind(g: RunningGateway, topic: string) {
  expect((await g.json('POST', '/v1/topics', { name: topic, partitions: 1, config: { valueSchemaValidation: true } })).status).toBe(201);
}

const wire = (bytes: Buffer) => ({ value: bytes.toString('base64'), valueEncoding: 'base64' });

async function readValues(g: RunningGateway, topic: string, format?: string) {
  const res = await g.json('GET', `/v1/topics/${topic}/partitions/0/records?offset=0${format ? `&format=${format}` : ''}`);
  expect(res.status).toBe(200);
  return res.body.records as { value: unknown; valueEncoding?: string }[];
}

/** The values of the first two records the event stream sends. */
async function eventValues(g: RunningGateway, topic: string, format?: string): Promise<unknown[]> {
  const abort = new AbortController();
  const res = await g.api(`/v1/topics/${topic}/events?from=earliest${format ? `&format=${format}` : ''}`, { signal: abort.signal });
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  const values: unknown[] = [];
  while (values.length < 2) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
    const events = text.split('\n\n');
    text = events.pop()!;
    for (const e of events) {
      const data = e.split('\n').find((l) => l.startsWith('data: '));
      if (data) values.push(JSON.parse(data.slice(6)).value);
    }
  }
  abort.abort();
  return values;
}

describe('wire format with the Confluent client', () => {
  it('Avro: encoded by the client, produced, read back as JSON and as bytes the client decodes to the same object', async () => {
    const g = await startGateway();
    const client = new SchemaRegistry({ host: `${g.url}/registry` });
    const { id } = await client.register({ type: SchemaType.AVRO, schema: JSON.stringify(ORDER) }, { subject: 'orders-value' });
    await bind(g, 'orders');
    const order = { id: 7, note: 'gift', lines: [1, 2, 3] };
    const encoded = await client.encode(id, order);

    const produced = await g.json('POST', '/v1/topics/orders/records', { records: [wire(encoded), { value: { id: 8, note: null, lines: [] } }] });
    expect(produced.status).toBe(200);

    expect((await readValues(g, 'orders')).map((r) => r.value)).toEqual([order, { id: 8, note: null, lines: [] }]);
    const binary = await readValues(g, 'orders', 'binary');
    expect(binary.every((r) => r.valueEncoding === 'base64')).toBe(true);
    // The bytes produced come back unchanged; the JSON record was stored in the wire format with the latest id.
    expect(Buffer.from(binary[0]!.value as string, 'base64')).toEqual(encoded);
    const fresh = new SchemaRegistry({ host: `${g.url}/registry` });
    expect(await fresh.decode(Buffer.from(binary[0]!.value as string, 'base64'))).toEqual(order);
    expect(await fresh.decode(Buffer.from(binary[1]!.value as string, 'base64'))).toEqual({ id: 8, note: null, lines: [] });

    // The topic read and the event stream take the same option.
    const topicRead = await g.json('GET', '/v1/topics/orders/records?from=earliest&format=binary');
    expect(topicRead.body.records.map((r: { value: string }) => Buffer.from(r.value, 'base64'))).toEqual([encoded, await client.encode(id, { id: 8, note: null, lines: [] })]);
    expect((await g.json('GET', '/v1/topics/orders/records?from=earliest')).body.records.map((r: { value: unknown }) => r.value)).toEqual([
      order,
      { id: 8, note: null, lines: [] },
    ]);
    expect(await eventValues(g, 'orders', 'binary')).toEqual([encoded.toString('base64'), (await client.encode(id, { id: 8, note: null, lines: [] })).toString('base64')]);
    expect(await eventValues(g, 'orders')).toEqual([order, { id: 8, note: null, lines: [] }]);

    // WebSocket: stored records, then a live one, decoded (default) or in the wire format.
    const asJson = await openSocket(g.url, '/v1/topics/orders/ws?from=earliest');
    const asBytes = await openSocket(g.url, '/v1/topics/orders/ws?from=earliest&format=binary');
    await asJson.until(() => asJson.records.length === 2, '2 stored records');
    await asBytes.until(() => asBytes.records.length === 2, '2 stored records');
    const live = await client.encode(id, { id: 9, note: 'live', lines: [9] });
    expect((await g.json('POST', '/v1/topics/orders/records', { records: [wire(live)] })).status).toBe(200);
    await asJson.until(() => asJson.records.length === 3, 'a live record');
    await asBytes.until(() => asBytes.records.length === 3, 'a live record');
    expect(asJson.records.map((r) => r.value)).toEqual([order, { id: 8, note: null, lines: [] }, { id: 9, note: 'live', lines: [9] }]);
    expect(Buffer.from(asBytes.records[2].value, 'base64')).toEqual(live);
    expect(await fresh.decode(Buffer.from(asBytes.records[0].value, 'base64'))).toEqual(order);
    asJson.ws.close();
    asBytes.ws.close();
  });

  it('JSON Schema and Protobuf: client-encoded records are checked, stored and decoded', async () => {
    const g = await startGateway();
    const client = new SchemaRegistry({ host: `${g.url}/registry` });
    const json = await client.register(
      { type: SchemaType.JSON, schema: JSON.stringify({ type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] }) },
      { subject: 'counts-value' },
    );
    const proto = await client.register(
      { type: SchemaType.PROTOBUF, schema: 'syntax = "proto3"; package test; message Point { int32 x = 1; string label = 2; }' },
      { subject: 'points-value' },
    );
    await bind(g, 'counts');
    await bind(g, 'points');

    expect((await g.json('POST', '/v1/topics/counts/records', { records: [wire(await client.encode(json.id, { n: 3 })), { value: { n: 4 } }] })).status).toBe(200);
    expect((await readValues(g, 'counts')).map((r) => r.value)).toEqual([{ n: 3 }, { n: 4 }]);
    for (const r of await readValues(g, 'counts', 'binary')) {
      expect(await client.decode(Buffer.from(r.value as string, 'base64'))).toEqual(expect.objectContaining({ n: expect.any(Number) }));
    }

    expect((await g.json('POST', '/v1/topics/points/records', { records: [wire(await client.encode(proto.id, { x: 7, label: 'p' })), { value: { x: 8 } }] })).status).toBe(200);
    expect((await readValues(g, 'points')).map((r) => r.value)).toEqual([{ x: 7, label: 'p' }, { x: 8 }]);
    const [first, second] = await readValues(g, 'points', 'binary');
    expect(await client.decode(Buffer.from(first!.value as string, 'base64'))).toMatchObject({ x: 7, label: 'p' });
    expect(await client.decode(Buffer.from(second!.value as string, 'base64'))).toMatchObject({ x: 8 });
  });
});

describe('reads of the table view', () => {
  it('the latest record of a key and snapshot pages show Avro values as JSON, and with format=binary in the wire format', async () => {
    const g = await startGateway();
    const client = new SchemaRegistry({ host: `${g.url}/registry` });
    const { id } = await client.register({ type: SchemaType.AVRO, schema: JSON.stringify(ORDER) }, { subject: 'profiles-value' });
    expect((await g.json('POST', '/v1/topics', { name: 'profiles', partitions: 1, config: { valueSchemaValidation: true, cleanupPolicy: 'compact' } })).status).toBe(201);
    const first = { id: 1, note: null, lines: [] };
    const latest = { id: 2, note: 'second', lines: [4] };
    const encoded = await client.encode(id, latest);
    expect((await g.json('POST', '/v1/topics/profiles/records', { records: [{ key: 'u1', value: first }, { key: 'u1', ...wire(encoded) }, { key: 'u2', value: first }] })).status).toBe(200);

    const asJson = await g.json('GET', '/v1/topics/profiles/keys/u1');
    expect(asJson).toMatchObject({ status: 200, body: { key: 'u1', offset: 1, value: latest } });
    expect(asJson.body.valueEncoding).toBeUndefined();
    const asBytes = await g.json('GET', '/v1/topics/profiles/keys/u1?format=binary');
    expect(asBytes.body).toMatchObject({ key: 'u1', valueEncoding: 'base64' });
    expect(Buffer.from(asBytes.body.value, 'base64')).toEqual(encoded);

    const snapshot = await g.json('GET', '/v1/topics/profiles/snapshot');
    expect(snapshot.body.records.map((r: { key: string; value: unknown }) => [r.key, r.value])).toEqual([['u1', latest], ['u2', first]]);
    const binarySnapshot = await g.json('GET', '/v1/topics/profiles/snapshot?format=binary');
    const decoded = await Promise.all(binarySnapshot.body.records.map((r: { value: string }) => client.decode(Buffer.from(r.value, 'base64'))));
    expect(decoded).toEqual([latest, first]);
    expect((await g.json('GET', '/v1/topics/profiles/keys/u1?format=text')).body.errors).toEqual([expect.objectContaining({ path: 'query/format' })]);
  });
});

describe('refused wire-format records', () => {
  it('an id of another subject, bytes not in the wire format, a payload the schema cannot read: 422 per record, nothing appended', async () => {
    const g = await startGateway();
    const client = new SchemaRegistry({ host: `${g.url}/registry` });
    const { id } = await client.register({ type: SchemaType.AVRO, schema: JSON.stringify(ORDER) }, { subject: 'orders-value' });
    const other = await client.register(
      { type: SchemaType.AVRO, schema: JSON.stringify({ type: 'record', name: 'Other', fields: [{ name: 'x', type: 'int' }] }) },
      { subject: 'other-value' },
    );
    await bind(g, 'orders');
    const good = await client.encode(id, { id: 1, note: null, lines: [] });
    const truncated = good.subarray(0, 6);
    const refused = await g.json('POST', '/v1/topics/orders/records', {
      records: [wire(good), wire(await client.encode(other.id, { x: 1 })), wire(Buffer.from('plain bytes')), wire(Buffer.concat([truncated]))],
    });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'RECORD_INVALID', invalidRecords: 3 });
    const byIndex = Object.fromEntries(refused.body.errors.map((e: { index: number; message: string; path: string }) => [e.index, e]));
    expect(byIndex[1]).toMatchObject({ path: 'body/records/1/value', message: expect.stringContaining(`schema id ${other.id}`) });
    expect(byIndex[2]).toMatchObject({ path: 'body/records/2/value', message: expect.stringContaining('magic byte 0') });
    expect(byIndex[3]).toMatchObject({ path: 'body/records/3/value', message: expect.stringContaining('not Avro data') });
    expect(byIndex[0]).toBeUndefined();
    expect(await readValues(g, 'orders')).toEqual([]);
  });

  it('format is validated: an unknown format is a 400 naming query/format', async () => {
    const g = await startGateway();
    await g.json('POST', '/v1/topics', { name: 'plain', partitions: 1 });
    const res = await g.json('GET', '/v1/topics/plain/partitions/0/records?format=avro');
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('query/format');
    // On a topic without a schema, both formats read the values as stored.
    await g.json('POST', '/v1/topics/plain/records', { records: [{ value: { a: 1 } }] });
    expect((await readValues(g, 'plain', 'binary')).map((r) => r.value)).toEqual([{ a: 1 }]);
  });
});
