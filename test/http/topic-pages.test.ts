/**
 * Topic and partition listings in pages with their totals (records, bytes): the answer a console polls,
 * bounded by the page however many topics and partitions there are.
 */
import { describe, expect, it } from 'vitest';
import { startGateway } from '../helpers/gateway.js';
import { expectProblem } from '../helpers/problem.js';

const names = (body: { topics: { name: string }[] }) => body.topics.map((t) => t.name);

describe('paged topic listing', () => {
  it('pages through every topic once, in name order, with the total and a cursor until the last page', async () => {
    const { json } = await startGateway();
    const all = Array.from({ length: 25 }, (_, i) => `t-${String(i).padStart(2, '0')}`);
    for (const name of [...all].reverse()) expect((await json('POST', '/v1/topics', { name })).status).toBe(201);

    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await json('GET', `/v1/topics?limit=10${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      expect(res.body.total).toBe(25);
      expect(res.body.topics.length).toBeLessThanOrEqual(10);
      seen.push(...names(res.body));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor !== undefined);
    expect(pages).toBe(3);
    expect(seen).toEqual(all);

    // Without a limit: every topic in one answer, as before paging existed.
    const everything = await json('GET', '/v1/topics');
    expect(names(everything.body)).toEqual(all);
    expect(everything.body.nextCursor).toBeUndefined();
  });

  it('filters by a part of the name ignoring case; the total counts the matches', async () => {
    const { json } = await startGateway();
    for (const name of ['Orders.EU', 'orders.us', 'payments', 'audit-orders']) await json('POST', '/v1/topics', { name });
    const res = await json('GET', '/v1/topics?contains=ORDERS&limit=2');
    expect(names(res.body)).toEqual(['Orders.EU', 'audit-orders']);
    expect(res.body.total).toBe(3);
    const next = await json('GET', `/v1/topics?contains=ORDERS&limit=2&cursor=${encodeURIComponent(res.body.nextCursor)}`);
    expect(names(next.body)).toEqual(['orders.us']);
    expect(next.body.nextCursor).toBeUndefined();
  });

  it('gives each topic its records, records ever appended and bytes; partitionOffsets=false leaves the bounds out', async () => {
    const { json } = await startGateway();
    await json('POST', '/v1/topics', { name: 'orders', partitions: 3 });
    // Each record: key "k" (1 byte) + value "abc" as JSON text (5 bytes) + headers {"h":"v"} (9 bytes).
    const records = Array.from({ length: 4 }, () => ({ key: 'k', value: 'abc', headers: { h: 'v' }, partition: 1 }));
    expect((await json('POST', '/v1/topics/orders/records', { records })).status).toBe(200);

    const full = await json('GET', '/v1/topics?limit=10');
    expect(full.body.topics[0]).toMatchObject({ name: 'orders', partitions: 3, records: 4, appendedRecords: 4, bytes: 4 * 15 });
    expect(full.body.topics[0].partitionOffsets).toHaveLength(3);

    const slim = await json('GET', '/v1/topics?limit=10&partitionOffsets=false');
    expect(slim.body.topics[0]).toMatchObject({ records: 4, appendedRecords: 4, bytes: 60 });
    expect(slim.body.topics[0]).not.toHaveProperty('partitionOffsets');

    const one = await json('GET', '/v1/topics/orders?partitionOffsets=false');
    expect(one.body).toMatchObject({ name: 'orders', records: 4, bytes: 60 });
    expect(one.body).not.toHaveProperty('partitionOffsets');
    expect((await json('GET', '/v1/topics/orders')).body.partitionOffsets[1]).toEqual({ partition: 1, logStartOffset: 0, highWatermark: 4 });
  });

  it('refuses a bad limit, cursor or flag with a problem naming the field, and changes nothing', async () => {
    const { json } = await startGateway();
    for (const query of ['limit=0', 'limit=1001', 'limit=ten', 'cursor=', 'contains=', 'partitionOffsets=maybe']) {
      const field = query.split('=')[0]!;
      expectProblem(await json('GET', `/v1/topics?${query}`), 400, 'INVALID_REQUEST', field);
    }
    expectProblem(await json('GET', '/v1/topics/t?partitionOffsets=no'), 400, 'INVALID_REQUEST', 'partitionOffsets');
    expect((await json('GET', '/v1/topics')).body.topics).toEqual([]);
  });

  it('lists only the topics the caller may describe, and counts only those', async () => {
    const adminKey = 'test-admin-key-0123456789';
    const admin = { authorization: `Bearer ${adminKey}` };
    const { json } = await startGateway({ adminKey });
    for (const name of ['pub-a', 'pub-b', 'pub-c', 'secret']) await json('POST', '/v1/topics', { name }, admin);
    const key = await json('POST', '/v1/keys', { name: 'viewer', permissions: [{ resource: 'topic:pub-*', actions: ['describe'] }] }, admin);
    const viewer = { authorization: `Bearer ${key.body.key}` };
    const page = await json('GET', '/v1/topics?limit=2', undefined, viewer);
    expect(names(page.body)).toEqual(['pub-a', 'pub-b']);
    expect(page.body.total).toBe(3);
    const rest = await json('GET', `/v1/topics?limit=2&cursor=${page.body.nextCursor}`, undefined, viewer);
    expect(names(rest.body)).toEqual(['pub-c']);
    expect(rest.body.nextCursor).toBeUndefined();
    expect((await json('GET', '/v1/topics/secret/partitions', undefined, viewer)).status).toBe(403);
    expect((await json('GET', '/v1/topics/pub-a/partitions', undefined, viewer)).status).toBe(200);
  });
});

describe('paged partition listing', () => {
  it('answers a range of partitions with their bounds and bytes, and the partition count', async () => {
    const { json } = await startGateway();
    await json('POST', '/v1/topics', { name: 'wide', partitions: 250 });
    await json('POST', '/v1/topics/wide/records', { records: [{ value: 'abc', partition: 210 }, { value: 'abcd', partition: 210 }] });

    const first = await json('GET', '/v1/topics/wide/partitions');
    expect(first.status).toBe(200);
    expect(first.body.total).toBe(250);
    expect(first.body.partitions.map((p: { partition: number }) => p.partition)).toEqual(Array.from({ length: 100 }, (_, i) => i));

    const last = await json('GET', '/v1/topics/wide/partitions?from=200&limit=100');
    expect(last.body.partitions).toHaveLength(50);
    expect(last.body.partitions[10]).toEqual({ partition: 210, logStartOffset: 0, highWatermark: 2, bytes: 5 + 6 });
    expect(last.body.partitions[0]).toEqual({ partition: 200, logStartOffset: 0, highWatermark: 0, bytes: 0 });
    expect((await json('GET', '/v1/topics/wide/partitions?from=250')).body).toEqual({ partitions: [], total: 250 });
  });

  it('refuses a bad range and answers an unknown topic with 404', async () => {
    const { json } = await startGateway();
    await json('POST', '/v1/topics', { name: 't' });
    for (const query of ['from=-1', 'from=x', 'limit=0', 'limit=5000']) {
      expectProblem(await json('GET', `/v1/topics/t/partitions?${query}`), 400, 'INVALID_REQUEST', query.split('=')[0]!);
    }
    expectProblem(await json('GET', '/v1/topics/nope/partitions'), 404, 'TOPIC_NOT_FOUND', 'nope');
  });
});
