/**
 * Fetch validates its request with one synchronous function (fetchInput in src/http/records.ts)
 * instead of @hono/zod-openapi's validator middlewares: every long-poll tailer sends one request
 * per answer. This pins it to them: the same app serves the fetch route once through `.openapi()`
 * (the generic validators) and once through fetchInput, both answering what they validated, and
 * every request of a table (good and bad paths and queries) must get the same status, content
 * type and body from both.
 */
import http from 'node:http';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createGateway, type Gateway } from '../../src/gateway.js';
import { fetchInput, fetchRecords } from '../../src/http/records.js';
import { newRouter } from '../../src/http/router.js';

interface RawAnswer {
  status: number;
  type: string | undefined;
  body: string;
}

let gateway: Gateway;
let port: number;
let dataDir: string;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(`${process.env.TMPDIR ?? '/tmp'}/logway-fetch-validation-`);
  const config = loadConfig({ overrides: { host: '127.0.0.1', port: 0, logLevel: 'silent', dataDir } });
  gateway = await createGateway(config);
  const generic = newRouter().openapi(
    { ...fetchRecords, path: '/generic/topics/{topic}/partitions/{partition}/records', hide: true },
    // Answers what it validated, not the route's declared FetchResponse.
    (c) => c.json({ ...c.req.valid('param'), query: c.req.valid('query') }, 200) as never,
  );
  gateway.app.route('/', generic);
  gateway.app.get('/fast/topics/:topic/partitions/:partition/records', (c) => {
    const input = fetchInput(c);
    return input instanceof Response ? input : c.json({ topic: input.topic, partition: input.partition, query: input.query }, 200);
  });
  ({ port } = await gateway.listen());
  await fetch(`http://127.0.0.1:${port}/v1/topics`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"t","partitions":1}' });
});

afterAll(async () => {
  await gateway.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Raw HTTP, so the path and query reach the server exactly as written. */
function send(prefix: string, topic: string, partition: string, query: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const r = http.request({ host: '127.0.0.1', port, method: 'GET', path: `/${prefix}/topics/${topic}/partitions/${partition}/records${query}` }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, type: res.headers['content-type'], body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    r.on('error', reject);
    r.end();
  });
}

const table: [name: string, topic: string, partition: string, query: string][] = [
  // Good requests: both hand the handler the same parsed input.
  ['no query', 't', '0', ''],
  ['every parameter', 't', '0', '?offset=3&limit=10&maxBytes=100&waitMs=50&minBytes=7'],
  ['an unknown parameter is ignored', 't', '0', '?offset=0&colour=red'],
  ['an empty query', 't', '0', '?'],
  ['percent-encoded topic', 'a%2Db', '3', '?offset=1'],
  ['leading zeros', 't', '007', '?offset=0010'],

  // Query (validated before the path).
  ['negative offset', 't', '0', '?offset=-1'],
  ['offset not a number', 't', '0', '?offset=abc'],
  ['fractional offset', 't', '0', '?offset=1.5'],
  ['empty offset', 't', '0', '?offset='],
  ['offset past the largest safe integer', 't', '0', '?offset=9007199254740993'],
  ['offset given twice', 't', '0', '?offset=1&offset=2'],
  ['limit 0', 't', '0', '?limit=0'],
  ['maxBytes 0', 't', '0', '?maxBytes=0'],
  ['minBytes 0', 't', '0', '?minBytes=0'],
  ['waitMs not a number', 't', '0', '?waitMs=soon'],
  ['many bad parameters', 't', '0', '?offset=-1&limit=0&waitMs=x&minBytes=-3'],
  ['bad query and bad path: the query is named', 'a%20b', 'x', '?limit=0'],

  // Path.
  ['topic with a space', 'a%20b', '0', ''],
  ['topic of 250 characters', 't'.repeat(250), '0', ''],
  ['topic with a bad percent escape', 'a%E0%A4%A', '0', ''],
  ['partition not a number', 't', 'x', ''],
  ['negative partition', 't', '-1', ''],
  ['fractional partition', 't', '0.5', ''],
];

describe('fetch validation: fetchInput answers as the generic validators do', () => {
  it.each(table)('%s', async (_name, topic, partition, query) => {
    const generic = await send('generic', topic, partition, query);
    const fast = await send('fast', topic, partition, query);
    expect(fast).toEqual(generic);
  });

  it('the table covers successes and failures', async () => {
    const statuses = new Set<number>();
    for (const [, topic, partition, query] of table) statuses.add((await send('generic', topic, partition, query)).status);
    expect([...statuses].sort()).toEqual([200, 400]);
  });

  it('the fetch route itself answers a bad request as fetchInput does, and a good one with records', async () => {
    for (const [name, topic, partition, query] of table) {
      const fast = await send('fast', topic, partition, query);
      if (fast.status === 200) continue;
      expect(await send('v1', topic, partition, query), name).toEqual(fast);
    }
    const good = await send('v1', 't', '0', '?offset=0');
    expect(good.status).toBe(200);
    expect(JSON.parse(good.body)).toEqual({ records: [], nextOffset: 0, highWatermark: 0, logStartOffset: 0 });
  });
});
