/**
 * Produce validates its request with one synchronous function (produceInput in
 * src/http/records.ts) instead of @hono/zod-openapi's validator middlewares, for speed.
 * This pins it to them: the same app serves the produce route once through `.openapi()`
 * (the generic validators) and once through produceInput, both answering what they
 * validated, and every request of a table (good and bad paths, headers, media types,
 * bodies; raw HTTP, so headers are exactly as written) must get the same status,
 * content type and body from both.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createGateway, type Gateway } from '../../src/gateway.js';
import { produce, produceInput } from '../../src/http/records.js';
import { newRouter } from '../../src/http/router.js';
import fs from 'node:fs';

interface RawRequest {
  topic?: string;
  headers?: Record<string, string | string[]>;
  body?: string;
  /** Send the body chunked (no Content-Length). */
  chunked?: boolean;
}

interface RawAnswer {
  status: number;
  type: string | undefined;
  body: string;
}

let gateway: Gateway;
let port: number;
let dataDir: string;

beforeAll(async () => {
  // One gateway for the whole table (tempDir() cleans up per test), removed in afterAll.
  dataDir = fs.mkdtempSync(`${process.env.TMPDIR ?? '/tmp'}/logway-produce-validation-`);
  const config = loadConfig({ overrides: { host: '127.0.0.1', port: 0, logLevel: 'silent', dataDir, maxBodyBytes: 4096 } });
  gateway = await createGateway(config);
  // Through a resource router, as the other routes are: it holds the validation hook.
  const generic = newRouter().openapi(
    { ...produce, path: '/generic/topics/{topic}/records', hide: true },
    // Answers what it validated, not the route's declared ProduceResponse.
    (c) =>
      c.json(
        { topic: c.req.valid('param').topic, records: c.req.valid('json').records, idempotencyKey: c.req.valid('header')['idempotency-key'] },
        200,
      ) as never,
  );
  gateway.app.route('/', generic);
  gateway.app.post('/fast/topics/:topic/records', async (c) => {
    const input = await produceInput(c);
    return input instanceof Response ? input : c.json(input, 200);
  });
  ({ port } = await gateway.listen());
});

afterAll(async () => {
  await gateway.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

function send(prefix: string, req: RawRequest): Promise<RawAnswer> {
  const headers: Record<string, string | string[]> = { ...req.headers };
  if (req.body !== undefined && !req.chunked) headers['content-length'] = String(Buffer.byteLength(req.body));
  return new Promise((resolve, reject) => {
    const r = http.request(
      { host: '127.0.0.1', port, method: 'POST', path: `/${prefix}/topics/${req.topic ?? 't'}/records`, headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode!, type: res.headers['content-type'], body: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      },
    );
    r.on('error', reject);
    if (req.body !== undefined) r.write(req.body);
    r.end();
  });
}

const JSON_TYPE = { 'content-type': 'application/json' };
const ok = JSON.stringify({ records: [{ value: 1 }] });
const body = (records: unknown) => JSON.stringify({ records });

const table: [string, RawRequest][] = [
  // Good requests: both hand the handler the same parsed input.
  ['one record', { headers: JSON_TYPE, body: ok }],
  [
    'every field',
    {
      headers: { ...JSON_TYPE, 'idempotency-key': 'k-1' },
      body: body([
        { key: 'k', value: { a: [1, null] }, headers: { h: 'v' }, partition: 0, timestamp: 5 },
        { key: 'AQI=', keyEncoding: 'base64', value: 'AAE=', valueEncoding: 'base64' },
        { key: null, keyEncoding: 'utf8', value: 'text', valueEncoding: 'json' },
      ]),
    },
  ],
  ['charset parameter', { headers: { 'content-type': 'application/json; charset=utf-8' }, body: ok }],
  ['+json type', { headers: { 'content-type': 'application/vnd.logway+json' }, body: ok }],
  ['upper-case type', { headers: { 'content-type': 'APPLICATION/JSON' }, body: ok }],
  ['chunked body', { headers: { ...JSON_TYPE, 'transfer-encoding': 'chunked' }, body: ok, chunked: true }],
  ['percent-encoded topic', { topic: 'a%2Db', headers: JSON_TYPE, body: ok }],
  ['idempotency key sent twice (joined)', { headers: { ...JSON_TYPE, 'idempotency-key': ['a', 'b'] }, body: ok }],
  ['idempotency key of 255 characters', { headers: { ...JSON_TYPE, 'idempotency-key': 'k'.repeat(255) }, body: ok }],
  ['Idempotency-Key in other case', { headers: { ...JSON_TYPE, 'Idempotency-Key': 'K' }, body: ok }],

  // Path.
  // ('.' and '..' never reach a route: the URL parser resolves them as path segments.)
  ['topic with a space', { topic: 'a%20b', headers: JSON_TYPE, body: ok }],
  ['topic with a slash', { topic: 'a%2Fb', headers: JSON_TYPE, body: ok }],
  ['topic of 250 characters', { topic: 't'.repeat(250), headers: JSON_TYPE, body: ok }],
  ['topic with a bad percent escape', { topic: 'a%E0%A4%A', headers: JSON_TYPE, body: ok }],
  ['bad topic, bad key and bad body: the topic is named', { topic: 'a%20b', headers: { ...JSON_TYPE, 'idempotency-key': 'x'.repeat(256) }, body: '{' }],

  // Header.
  ['idempotency key of 256 characters', { headers: { ...JSON_TYPE, 'idempotency-key': 'x'.repeat(256) }, body: ok }],
  ['empty idempotency key', { headers: { ...JSON_TYPE, 'idempotency-key': '' }, body: ok }],
  ['blank idempotency key', { headers: { ...JSON_TYPE, 'idempotency-key': '   ' }, body: ok }],
  ['bad key and bad body: the key is named', { headers: { ...JSON_TYPE, 'idempotency-key': '' }, body: '[' }],
  ['bad key and not JSON: the key is named', { headers: { 'content-type': 'text/plain', 'idempotency-key': '' }, body: ok }],

  // Media type.
  ['text/plain', { headers: { 'content-type': 'text/plain' }, body: ok }],
  ['form', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'records=1' }],
  ['no content type with a body', { body: ok }],
  ['empty content type with a body', { headers: { 'content-type': '' }, body: ok }],
  ['no content type, no body', {}],
  ['no content type, empty body', { body: '' }],
  ['empty content type, no body', { headers: { 'content-type': '' } }],
  ['json with a parameter without a value', { headers: { 'content-type': 'application/json;foo' }, body: ok }],
  ['json with a trailing space', { headers: { 'content-type': 'application/json ' }, body: ok }],
  ['json with a space before the parameter', { headers: { 'content-type': 'application/json ;charset=utf-8' }, body: ok }],
  ['+json with an underscore', { headers: { 'content-type': 'application/vnd_x+json' }, body: ok }],
  ['+json with a digit', { headers: { 'content-type': 'application/v1+json' }, body: ok }],
  ['json1', { headers: { 'content-type': 'application/json1' }, body: ok }],
  ['text/plain, no body', { headers: { 'content-type': 'text/plain' } }],

  // Body.
  ['json type, no body', { headers: JSON_TYPE }],
  ['json type, empty body', { headers: JSON_TYPE, body: '' }],
  ['truncated JSON', { headers: JSON_TYPE, body: '{"records":[' }],
  ['not JSON', { headers: JSON_TYPE, body: 'records' }],
  ['truncated JSON, chunked', { headers: { ...JSON_TYPE, 'transfer-encoding': 'chunked' }, body: '{', chunked: true }],
  ['null', { headers: JSON_TYPE, body: 'null' }],
  ['an array', { headers: JSON_TYPE, body: '[]' }],
  ['a string', { headers: JSON_TYPE, body: '"records"' }],
  ['no records', { headers: JSON_TYPE, body: '{}' }],
  ['empty records', { headers: JSON_TYPE, body: body([]) }],
  ['records not an array', { headers: JSON_TYPE, body: JSON.stringify({ records: { value: 1 } }) }],
  ['unknown top-level field', { headers: JSON_TYPE, body: JSON.stringify({ records: [{ value: 1 }], extra: true }) }],
  ['unknown record field', { headers: JSON_TYPE, body: body([{ value: 1, offset: 3 }]) }],
  ['record not an object', { headers: JSON_TYPE, body: body([1]) }],
  ['negative partition', { headers: JSON_TYPE, body: body([{ value: 1 }, { partition: -1 }]) }],
  ['fractional partition', { headers: JSON_TYPE, body: body([{ partition: 0.5 }]) }],
  ['partition as a string', { headers: JSON_TYPE, body: body([{ partition: '0' }]) }],
  ['negative timestamp', { headers: JSON_TYPE, body: body([{ timestamp: -1 }]) }],
  ['key a number', { headers: JSON_TYPE, body: body([{ key: 7 }]) }],
  ['header value a number', { headers: JSON_TYPE, body: body([{ headers: { a: 1 } }]) }],
  ['unknown encodings', { headers: JSON_TYPE, body: body([{ keyEncoding: 'hex', valueEncoding: 'xml' }]) }],
  ['base64 value not base64', { headers: JSON_TYPE, body: body([{ value: 'not base64!', valueEncoding: 'base64' }]) }],
  ['base64 value not a string', { headers: JSON_TYPE, body: body([{ value: 1, valueEncoding: 'base64' }]) }],
  ['base64 key not base64', { headers: JSON_TYPE, body: body([{ key: '@@', keyEncoding: 'base64' }]) }],
  ['key with a lone surrogate', { headers: JSON_TYPE, body: '{"records":[{"key":"\\ud800"}]}' }],
  ['many problems in many records', { headers: JSON_TYPE, body: body([{ partition: -1, key: 1 }, { value: 1 }, { bogus: 1, timestamp: 'x' }]) }],
  ['over maxBodyBytes', { headers: JSON_TYPE, body: body([{ value: 'x'.repeat(5000) }]) }],
  ['over maxBodyBytes, chunked', { headers: { ...JSON_TYPE, 'transfer-encoding': 'chunked' }, body: body([{ value: 'x'.repeat(5000) }]), chunked: true }],
];

describe('produce validation: produceInput answers as the generic validators do', () => {
  it.each(table)('%s', async (_name, req) => {
    const generic = await send('generic', req);
    const fast = await send('fast', req);
    expect(fast).toEqual(generic);
  });

  it('the table covers successes and every kind of failure', async () => {
    const statuses = new Set<number>();
    for (const [, req] of table) statuses.add((await send('generic', req)).status);
    expect([...statuses].sort()).toEqual([200, 400, 413, 415]);
  });

  it('the produce route itself answers a bad request as produceInput does', async () => {
    for (const [name, req] of table) {
      const fast = await send('fast', req);
      if (fast.status === 200) continue;
      expect(await send('v1', req), name).toEqual(fast);
    }
  });
});
