/**
 * NDJSON export of a whole topic: `GET /v1/topics/{topic}/records` with `Accept: application/x-ndjson`
 * answers one record per line, every partition, streamed to the high watermarks as they were when the
 * answer started; the cursor to continue from is the Logway-Cursor header, the same cursor a JSON read
 * answers, so NDJSON and JSON reads continue each other with nothing lost or repeated.
 */
import { describe, expect, it } from 'vitest';
import { startGateway } from '../helpers/gateway.js';
import { expectProblem, rawRequest } from '../helpers/problem.js';
import { until } from '../helpers/until.js';

const ACCEPT = { accept: 'application/x-ndjson' };
const PARTITIONS = 3;

async function setup(overrides: Parameters<typeof startGateway>[0] = {}) {
  const gw = await startGateway(overrides);
  expect((await gw.json('POST', '/v1/topics', { name: 'logs', partitions: PARTITIONS })).status).toBe(201);
  let produced = 0;
  const produce = async (n: number) => {
    const records = Array.from({ length: n }, (_, i) => ({ partition: (produced + i) % PARTITIONS, value: { n: produced + i } }));
    produced += n;
    expect((await gw.json('POST', '/v1/topics/logs/records', { records })).status).toBe(200);
  };
  const exportText = async (query: string) => {
    const res = await gw.api(`/v1/topics/logs/records${query}`, { headers: ACCEPT });
    return { res, text: await res.text() };
  };
  return { ...gw, produce, exportText };
}

const parse = (text: string) => text.split('\n').slice(0, -1).map((line) => JSON.parse(line));
const values = (records: { value: { n: number } }[]) => records.map((r) => r.value.n).sort((a, b) => a - b);
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

/** Each partition's offsets appear in ascending order, with no gap and no repeat. */
function expectDensePerPartition(records: { partition: number; offset: number }[], firstOffset: Map<number, number> = new Map()) {
  const next = new Map(firstOffset);
  for (const r of records) {
    expect(r.offset, `partition ${r.partition}`).toBe(next.get(r.partition) ?? 0);
    next.set(r.partition, r.offset + 1);
  }
}

describe('NDJSON export of a topic', () => {
  it('answers every partition, one record per line, past fetchDefaultLimit and fetchMaxLimit; Logway-Cursor continues a JSON read with nothing more', async () => {
    const gw = await setup({ fetchDefaultLimit: 7, fetchMaxLimit: 10 });
    await gw.produce(95);
    const { res, text } = await gw.exportText('?from=earliest');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-ndjson');
    expect(res.headers.get('logway-reset')).toBeNull();
    expect(text.endsWith('\n')).toBe(true);
    const records = parse(text);
    expect(values(records)).toEqual(range(0, 95));
    expectDensePerPartition(records);
    // Pages of every partition are interleaved: partition 2's first line comes before partition 0's last.
    const firstOf2 = records.findIndex((r) => r.partition === 2);
    const lastOf0 = records.findLastIndex((r) => r.partition === 0);
    expect(firstOf2).toBeLessThan(lastOf0);
    // Each line is a record exactly as the JSON answer has it.
    // (The JSON read answers fetchDefaultLimit records.)
    const json = await gw.json('GET', '/v1/topics/logs/records?from=earliest');
    expect(json.body.records).toHaveLength(7);
    const byKey = new Map(records.map((r) => [`${r.partition}:${r.offset}`, r]));
    for (const r of json.body.records) expect(byKey.get(`${r.partition}:${r.offset}`)).toEqual(r);

    const cursor = res.headers.get('logway-cursor')!;
    expect(cursor).toMatch(/^[\w-]+$/);
    expect((await gw.json('GET', `/v1/topics/logs/records?cursor=${cursor}`)).body.records).toEqual([]);
    await gw.produce(6);
    const after = await gw.json('GET', `/v1/topics/logs/records?cursor=${cursor}`);
    expect(values(after.body.records)).toEqual(range(95, 101));
  });

  it('takes a JSON read\'s cursor, and with limit stops there sharing it among partitions; reads hop JSON -> NDJSON -> NDJSON -> JSON losing and repeating nothing', async () => {
    const gw = await setup({ fetchDefaultLimit: 4 });
    await gw.produce(60);
    const seen: { partition: number; offset: number; value: { n: number } }[] = [];
    const first = await gw.json('GET', '/v1/topics/logs/records?from=earliest&limit=5');
    seen.push(...first.body.records);
    const a = await gw.exportText(`?cursor=${first.body.cursor}&limit=11`);
    const aRecords = parse(a.text);
    expect(aRecords).toHaveLength(11);
    // Shared: no partition takes more than its share plus the leftovers.
    for (let p = 0; p < PARTITIONS; p++) expect(aRecords.filter((r) => r.partition === p).length).toBeGreaterThanOrEqual(3);
    seen.push(...aRecords);
    const b = await gw.exportText(`?cursor=${a.res.headers.get('logway-cursor')}&limit=1`);
    expect(parse(b.text)).toHaveLength(1);
    seen.push(...parse(b.text));
    const rest = await gw.json('GET', `/v1/topics/logs/records?cursor=${b.res.headers.get('logway-cursor')}&limit=1000`);
    seen.push(...rest.body.records);
    expect(values(seen)).toEqual(range(0, 60));
    const ordered = [...seen].sort((x, y) => x.partition - y.partition || 0);
    expectDensePerPartition(ordered);
  });

  it('answers an empty body at the end (its cursor unchanged), and long-polls with waitMs like a JSON read', async () => {
    const gw = await setup();
    await gw.produce(3);
    const end = await gw.json('GET', '/v1/topics/logs/records?from=latest');
    const empty = await gw.exportText(`?cursor=${end.body.cursor}`);
    expect(empty.res.status).toBe(200);
    expect(empty.text).toBe('');
    expect(empty.res.headers.get('logway-cursor')).toBe(end.body.cursor);
    const before = gw.gateway.log.notifier.waiters.size;
    const waiting = gw.exportText(`?cursor=${end.body.cursor}&waitMs=30000`);
    await until('the long-poll to wait', () => gw.gateway.log.notifier.waiters.size > before);
    await gw.produce(4);
    expect(values(parse((await waiting).text))).toEqual(range(3, 7));
  });

  it('answers problems, not NDJSON: maxBytes, a foreign cursor, an unknown topic; JSON unless NDJSON is asked for', async () => {
    const gw = await setup();
    await gw.produce(2);
    const url = `${gw.url}/v1/topics`;
    const maxBytes = await rawRequest(`${url}/logs/records?maxBytes=100`, 'GET', undefined, ACCEPT);
    expectProblem(maxBytes, 400, 'INVALID_REQUEST');
    expect(maxBytes.body.errors[0].path).toBe('query/maxBytes');
    expectProblem(await rawRequest(`${url}/logs/records?cursor=AQEAAAAAAAAA`, 'GET', undefined, ACCEPT), 400, 'INVALID_CURSOR');
    expectProblem(await rawRequest(`${url}/nope/records`, 'GET', undefined, ACCEPT), 404, 'TOPIC_NOT_FOUND');
    const json = await gw.api('/v1/topics/logs/records', { headers: { accept: 'application/json, */*' } });
    expect(json.headers.get('content-type')).toMatch(/^application\/json/);
    expect((await json.json()).records).toHaveLength(2);
  });
});
