/**
 * NDJSON produce: `POST /v1/topics/{topic}/records` with `content-type: application/x-ndjson`,
 * one record per line, committed in chunks as the lines arrive.
 */
import { describe, expect, it } from 'vitest';
import type { ConfigInput } from '../../src/config.js';
import { startGateway } from '../helpers/gateway.js';
import { expectProblem, rawRequest } from '../helpers/problem.js';
import { until } from '../helpers/until.js';

const NDJSON = { 'content-type': 'application/x-ndjson' };

async function setup(overrides: ConfigInput = {}, partitions = 1) {
  const gw = await startGateway(overrides);
  expect((await gw.json('POST', '/v1/topics', { name: 'logs', partitions })).status).toBe(201);
  const post = (body: BodyInit, headers: Record<string, string> = {}, topic = 'logs') =>
    rawRequest(`${gw.url}/v1/topics/${topic}/records`, 'POST', body, { ...NDJSON, ...headers });
  /** Every record's value in partition `p`, in offset order. */
  const values = async (p = 0) => {
    const res = await gw.json('GET', `/v1/topics/logs/partitions/${p}/records?limit=10000`);
    return (res.body.records as { value: unknown }[]).map((r) => r.value);
  };
  return { ...gw, post, values };
}

const lines = (n: number, from = 0) => Array.from({ length: n }, (_, i) => JSON.stringify({ value: { n: from + i } })).join('\n') + '\n';

describe('NDJSON produce', () => {
  it('appends one record per line and answers how many, and where they landed per partition', async () => {
    const gw = await setup({}, 2);
    const body = [
      '{"partition":1,"value":"a"}',
      '{"partition":0,"key":"k","value":{"x":1},"headers":{"h":"v"}}',
      '{"partition":1,"value":"b","timestamp":5}',
    ].join('\n');
    const res = await gw.post(body + '\n');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({
      topic: 'logs',
      lines: 3,
      appended: 3,
      partitions: [
        { partition: 0, count: 1, firstOffset: 0, lastOffset: 0 },
        { partition: 1, count: 2, firstOffset: 0, lastOffset: 1 },
      ],
    });
    const p0 = await gw.json('GET', '/v1/topics/logs/partitions/0/records');
    expect(p0.body.records[0]).toMatchObject({ key: 'k', value: { x: 1 }, headers: { h: 'v' } });
    const p1 = await gw.json('GET', '/v1/topics/logs/partitions/1/records');
    expect(p1.body.records.map((r: { value: unknown; timestamp: number }) => r.value)).toEqual(['a', 'b']);
    expect(p1.body.records[1].timestamp).toBe(5);
  });

  it('skips blank lines, takes CRLF line ends and a last line without a newline', async () => {
    const gw = await setup();
    const res = await gw.post('{"value":1}\r\n\n   \r\n{"value":2}\n{"value":3}');
    expect(res.body).toMatchObject({ lines: 5, appended: 3 });
    expect(await gw.values()).toEqual([1, 2, 3]);
  });

  it('commits a body larger than maxBodyBytes in chunks of ndjsonChunkRecords', async () => {
    const gw = await setup({ maxBodyBytes: 1024, ndjsonChunkRecords: 7 });
    const body = lines(500);
    expect(body.length).toBeGreaterThan(1024 * 5);
    const res = await gw.post(body);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ lines: 500, appended: 500, partitions: [{ partition: 0, count: 500, firstOffset: 0, lastOffset: 499 }] });
    expect(await gw.values()).toEqual(Array.from({ length: 500 }, (_, n) => ({ n })));
  });

  it('commits lines as they arrive, before the body ends (a tail -F)', async () => {
    const gw = await setup();
    let send!: (text: string) => void;
    let end!: () => void;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        send = (text) => controller.enqueue(new TextEncoder().encode(text));
        end = () => controller.close();
      },
    });
    const answer = fetch(`${gw.url}/v1/topics/logs/records`, { method: 'POST', headers: NDJSON, body, duplex: 'half' } as RequestInit);
    send('{"value":"first"}\n{"value":"sec');
    await until('the first line is readable while the body is still open', async () => (await gw.values()).length === 1);
    expect(await gw.values()).toEqual(['first']);
    send('ond"}\n');
    await until('the second line is readable', async () => (await gw.values()).length === 2);
    send('{"value":"third"}');
    end();
    const res = await answer;
    expect(await res.json()).toMatchObject({ lines: 3, appended: 3 });
    expect(await gw.values()).toEqual(['first', 'second', 'third']);
  });

  describe('a bad line ends the request: the lines before it are committed, the ones after it are not', () => {
    const cases: { name: string; line: string; status: number; code: string; field: string; overrides?: ConfigInput }[] = [
      { name: 'not JSON', line: '{"value":', status: 400, code: 'INVALID_REQUEST', field: 'body/lines/4' },
      { name: 'an unknown field', line: '{"valu":1}', status: 400, code: 'INVALID_REQUEST', field: 'body/lines/4' },
      { name: 'bad base64', line: '{"value":"!!","valueEncoding":"base64"}', status: 400, code: 'INVALID_REQUEST', field: 'body/lines/4/value' },
      // Found by the core, once the chunk is submitted: the records before it in the chunk are committed again without it.
      { name: 'a partition that does not exist', line: '{"partition":9,"value":1}', status: 400, code: 'INVALID_REQUEST', field: 'body/lines/4/partition' },
      { name: 'a record over maxRecordBytes', line: JSON.stringify({ value: 'x'.repeat(100) }), status: 413, code: 'RECORD_TOO_LARGE', field: 'body/lines/4', overrides: { maxRecordBytes: 64 } },
      { name: 'a line over maxBodyBytes', line: JSON.stringify({ value: 'x'.repeat(2000) }), status: 413, code: 'PAYLOAD_TOO_LARGE', field: 'body/lines/4', overrides: { maxBodyBytes: 1024 } },
    ];
    for (const c of cases) {
      it(c.name, async () => {
        const gw = await setup(c.overrides);
        const body = lines(2) + '\n' + c.line + '\n' + lines(3, 2);
        const res = await gw.post(body);
        expectProblem(res, c.status, c.code, c.field);
        // Line 3 is blank; line 4 is the bad one.
        expect(res.body).toMatchObject({ line: 4, linesCommitted: 3, recordsCommitted: 2, partitions: [{ partition: 0, count: 2, firstOffset: 0, lastOffset: 1 }] });
        expect(res.body.detail).toMatch(/^(line 4: |body\/lines\/4)/);
        expect(await gw.values()).toEqual([{ n: 0 }, { n: 1 }]);
      });
    }

    it('in a later chunk: every chunk before it stays committed', async () => {
      const gw = await setup({ ndjsonChunkRecords: 10 });
      const res = await gw.post(lines(25) + 'nope\n' + lines(10, 25));
      expectProblem(res, 400, 'INVALID_REQUEST', 'body/lines/26');
      expect(res.body).toMatchObject({ line: 26, linesCommitted: 25, recordsCommitted: 25 });
      expect(await gw.values()).toEqual(Array.from({ length: 25 }, (_, n) => ({ n })));
    });
  });

  it('refuses an Idempotency-Key (a streamed body commits as it goes; resume by line instead)', async () => {
    const gw = await setup();
    const res = await gw.post(lines(1), { 'idempotency-key': 'k1' });
    expectProblem(res, 400, 'INVALID_REQUEST', 'header/idempotency-key');
    expect(await gw.values()).toEqual([]);
  });

  it('answers 404 for an unknown topic (auto-creation off), and creates it when auto-creation is on', async () => {
    const off = await setup();
    expectProblem(await off.post(lines(1), {}, 'nope'), 404, 'TOPIC_NOT_FOUND');
    const on = await setup({ autoCreateTopics: true });
    const res = await on.post(lines(2), {}, 'fresh');
    expect(res.body).toMatchObject({ topic: 'fresh', appended: 2 });
  });

  it('is refused on other routes, which take JSON only', async () => {
    const gw = await setup();
    const res = await rawRequest(`${gw.url}/v1/topics`, 'POST', '{"name":"x"}\n', NDJSON);
    expectProblem(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('needs write on the topic, as a JSON produce does', async () => {
    const adminKey = 'admin-key-0123456789abcdef';
    const gw = await startGateway({ adminKey });
    const admin = { authorization: `Bearer ${adminKey}` };
    expect((await gw.json('POST', '/v1/topics', { name: 'logs' }, admin)).status).toBe(201);
    const key = await gw.json('POST', '/v1/keys', { name: 'reader', permissions: [{ resource: 'topic:logs', actions: ['read'] }] }, admin);
    expect(key.status, JSON.stringify(key.body)).toBe(201);
    const url = `${gw.url}/v1/topics/logs/records`;
    expectProblem(await rawRequest(url, 'POST', lines(1), NDJSON), 401, 'UNAUTHORIZED');
    expectProblem(await rawRequest(url, 'POST', lines(1), { ...NDJSON, authorization: `Bearer ${key.body.key}` }), 403, 'FORBIDDEN');
    const ok = await rawRequest(url, 'POST', lines(2), { ...NDJSON, ...admin });
    expect(ok.body).toMatchObject({ appended: 2 });
  });
});
