/**
 * NDJSON export: a partition fetch with `Accept: application/x-ndjson` answers one record per
 * line, streamed over the whole range (to the high watermark as it was when the answer started).
 */
import { describe, expect, it } from 'vitest';
import { startGateway } from '../helpers/gateway.js';
import { expectProblem, rawRequest } from '../helpers/problem.js';
import { until } from '../helpers/until.js';

const ACCEPT = { accept: 'application/x-ndjson' };

async function setup(overrides: Parameters<typeof startGateway>[0] = {}) {
  const gw = await startGateway(overrides);
  expect((await gw.json('POST', '/v1/topics', { name: 'logs', partitions: 1 })).status).toBe(201);
  const produce = async (from: number, n: number) => {
    const records = Array.from({ length: n }, (_, i) => ({ value: { n: from + i } }));
    expect((await gw.json('POST', '/v1/topics/logs/records', { records })).status).toBe(200);
  };
  const exportText = async (query: string) => {
    const res = await gw.api(`/v1/topics/logs/partitions/0/records${query}`, { headers: ACCEPT });
    return { res, text: await res.text() };
  };
  return { ...gw, produce, exportText };
}

const parse = (text: string) => text.split('\n').slice(0, -1).map((line) => JSON.parse(line));

describe('NDJSON export', () => {
  it('answers the whole range, one record per line, past fetchDefaultLimit and fetchMaxLimit', async () => {
    const gw = await setup({ fetchDefaultLimit: 7, fetchMaxLimit: 10 });
    await gw.produce(0, 95);
    const { res, text } = await gw.exportText('?offset=3');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-ndjson');
    expect(res.headers.get('logway-high-watermark')).toBe('95');
    expect(res.headers.get('logway-log-start-offset')).toBe('0');
    expect(text.endsWith('\n')).toBe(true);
    const records = parse(text);
    expect(records.map((r) => r.offset)).toEqual(Array.from({ length: 92 }, (_, i) => 3 + i));
    // Each line is a record exactly as the JSON answer has it.
    const json = await gw.json('GET', '/v1/topics/logs/partitions/0/records?offset=3&limit=5');
    expect(records.slice(0, 5)).toEqual(json.body.records);
  });

  it('stops at limit records, or once maxBytes bytes are sent (the first record always goes)', async () => {
    const gw = await setup({ fetchDefaultLimit: 4 });
    await gw.produce(0, 30);
    expect(parse((await gw.exportText('?offset=0&limit=11')).text)).toHaveLength(11);
    // Each value {"n":N} is 7 or 8 bytes: 20 bytes is 3 records (the one that passes the budget goes too).
    expect(parse((await gw.exportText('?offset=0&maxBytes=20')).text).map((r) => r.offset)).toEqual([0, 1, 2]);
    expect(parse((await gw.exportText('?offset=0&maxBytes=1')).text)).toHaveLength(1);
  });

  it('answers an empty body at the high watermark, and long-polls with waitMs like a JSON fetch', async () => {
    const gw = await setup();
    await gw.produce(0, 2);
    const empty = await gw.exportText('?offset=2');
    expect(empty.res.status).toBe(200);
    expect(empty.text).toBe('');
    const before = gw.gateway.log.notifier.waiters.size;
    const waiting = gw.exportText('?offset=2&waitMs=30000');
    await until('the long-poll to wait', () => gw.gateway.log.notifier.waiters.size > before);
    await gw.produce(2, 3);
    expect(parse((await waiting).text).map((r) => r.value)).toEqual([{ n: 2 }, { n: 3 }, { n: 4 }]);
  });

  it('answers a problem, not NDJSON, for an offset out of range or a missing partition', async () => {
    const gw = await setup();
    await gw.produce(0, 2);
    const url = `${gw.url}/v1/topics/logs/partitions`;
    const outOfRange = await rawRequest(`${url}/0/records?offset=9`, 'GET', undefined, ACCEPT);
    expectProblem(outOfRange, 416, 'OFFSET_OUT_OF_RANGE');
    expect(outOfRange.body).toMatchObject({ logStartOffset: 0, highWatermark: 2 });
    expectProblem(await rawRequest(`${url}/5/records`, 'GET', undefined, ACCEPT), 404, 'PARTITION_NOT_FOUND');
  });

  it('answers JSON unless NDJSON is asked for', async () => {
    const gw = await setup();
    await gw.produce(0, 1);
    const res = await gw.api('/v1/topics/logs/partitions/0/records', { headers: { accept: 'application/json, */*' } });
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect((await res.json()).records).toHaveLength(1);
  });
});
