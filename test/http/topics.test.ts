import { describe, expect, it } from 'vitest';
import { startGateway } from '../helpers/gateway.js';
import { expectProblem, rawRequest } from '../helpers/problem.js';

describe('topics API', () => {
  it('creates, lists, describes, changes and deletes a topic', async () => {
    const { json } = await startGateway();
    const created = await json('POST', '/v1/topics', { name: 'orders', partitions: 3, config: { retentionMs: 60_000 } });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe('/v1/topics/orders');
    expect(created.body).toMatchObject({
      name: 'orders',
      partitions: 3,
      config: { retentionMs: 60_000 },
      partitionOffsets: [0, 1, 2].map((partition) => ({ partition, logStartOffset: 0, highWatermark: 0 })),
    });
    expect(typeof created.body.createdAt).toBe('number');
    await json('POST', '/v1/topics', { name: 'audit' });

    const list = await json('GET', '/v1/topics');
    expect(list.status).toBe(200);
    expect(list.body.topics.map((t: { name: string }) => t.name)).toEqual(['audit', 'orders']);
    expect(list.body.topics[0].partitions).toBe(1); // defaultPartitions

    await json('POST', '/v1/topics/orders/records', { records: [{ value: 1, partition: 2 }, { value: 2, partition: 2 }] });
    const described = await json('GET', '/v1/topics/orders');
    expect(described.status).toBe(200);
    expect(described.body.partitionOffsets[2]).toEqual({ partition: 2, logStartOffset: 0, highWatermark: 2 });

    const patched = await json('PATCH', '/v1/topics/orders', { partitions: 5, config: { retentionMs: null } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ partitions: 5, config: { retentionMs: null } });
    expect(patched.body.partitionOffsets).toHaveLength(5);
    // A config-only change keeps the partition count; an absent config field keeps its value.
    const patched2 = await json('PATCH', '/v1/topics/orders', { config: { retentionMs: 5000 } });
    expect(patched2.body).toMatchObject({ partitions: 5, config: { retentionMs: 5000 } });
    const patched3 = await json('PATCH', '/v1/topics/orders', { partitions: 5 });
    expect(patched3.body).toMatchObject({ partitions: 5, config: { retentionMs: 5000 } });

    const deleted = await json('DELETE', '/v1/topics/orders');
    expect(deleted.status).toBe(204);
    expectProblem(await json('GET', '/v1/topics/orders'), 404, 'TOPIC_NOT_FOUND', 'orders');
    expectProblem(await json('DELETE', '/v1/topics/orders'), 404, 'TOPIC_NOT_FOUND');
    expect((await json('GET', '/v1/topics')).body.topics.map((t: { name: string }) => t.name)).toEqual(['audit']);
  });

  it('a deleted and recreated topic starts empty', async () => {
    const { json } = await startGateway();
    await json('POST', '/v1/topics', { name: 't', partitions: 1 });
    await json('POST', '/v1/topics/t/records', { records: [{ value: 'old' }] });
    await json('DELETE', '/v1/topics/t');
    await json('POST', '/v1/topics', { name: 't', partitions: 1 });
    const fetched = await json('GET', '/v1/topics/t/partitions/0/records?offset=0');
    expect(fetched.body).toMatchObject({ records: [], highWatermark: 0, logStartOffset: 0 });
  });

  it('accepts names by Kafka rule: 1-249 of [a-zA-Z0-9._-]', async () => {
    const { json } = await startGateway();
    for (const name of ['a', 'A.b_c-9', '...', '.a', 'x'.repeat(249)]) {
      const res = await json('POST', '/v1/topics', { name });
      expect(res.status, name).toBe(201);
      expect((await json('GET', `/v1/topics/${name}`)).status).toBe(200);
    }
  });

  it.each([
    ['.', "'.'"],
    ['..', "'..'"],
    ['x'.repeat(250), '249'],
    ['', '249'],
    ['has space', '[a-zA-Z0-9._-]'],
    ['slash/inside', '[a-zA-Z0-9._-]'],
    ['ünïcode', '[a-zA-Z0-9._-]'],
    ['colon:x', '[a-zA-Z0-9._-]'],
  ])('refuses the topic name %j with a 400 naming the field', async (name, reason) => {
    const { json } = await startGateway();
    const res = await json('POST', '/v1/topics', { name, partitions: 1 });
    expectProblem(res, 400, 'INVALID_REQUEST', 'name');
    expect(JSON.stringify(res.body)).toContain(reason);
    expect((await json('GET', '/v1/topics')).body.topics).toEqual([]);
  });

  it('refuses invalid names in the path with 400', async () => {
    const { json } = await startGateway();
    expectProblem(await json('GET', `/v1/topics/${'x'.repeat(250)}`), 400, 'INVALID_REQUEST', 'topic');
    expectProblem(await json('GET', '/v1/topics/bad%20name'), 400, 'INVALID_REQUEST', 'topic');
  });

  it('answers 409 for a duplicate and keeps the original', async () => {
    const { json } = await startGateway();
    await json('POST', '/v1/topics', { name: 'orders', partitions: 2 });
    const dup = await json('POST', '/v1/topics', { name: 'orders', partitions: 7 });
    expectProblem(dup, 409, 'TOPIC_ALREADY_EXISTS', 'orders');
    expect((await json('GET', '/v1/topics/orders')).body.partitions).toBe(2);
  });

  it('lets partitions only grow', async () => {
    const { json } = await startGateway();
    await json('POST', '/v1/topics', { name: 't', partitions: 3 });
    expectProblem(await json('PATCH', '/v1/topics/t', { partitions: 2 }), 400, 'INVALID_PARTITIONS', /3 partitions|only grow/);
    expectProblem(await json('PATCH', '/v1/topics/t', { partitions: 0 }), 400, 'INVALID_REQUEST', 'partitions');
    expect((await json('GET', '/v1/topics/t')).body.partitions).toBe(3);
    expectProblem(await json('PATCH', '/v1/topics/nope', { partitions: 4 }), 404, 'TOPIC_NOT_FOUND', 'nope');
  });

  it('validates create and patch bodies, naming the field, and changes nothing', async () => {
    const { json, url } = await startGateway({ maxPartitions: 10 });
    await json('POST', '/v1/topics', { name: 't', partitions: 1 });
    const cases: [unknown, string][] = [
      [{ name: 'a', partitions: 0 }, 'partitions'],
      [{ name: 'a', partitions: -1 }, 'partitions'],
      [{ name: 'a', partitions: 1.5 }, 'partitions'],
      [{ name: 'a', partitions: '3' }, 'partitions'],
      [{ name: 'a', partitions: 11 }, 'partitions'],
      [{ name: 42 }, 'name'],
      [{ partitions: 1 }, 'name'],
      [{ name: 'a', extra: true }, 'extra'],
      [{ name: 'a', config: { retentionMs: 0 } }, 'retentionMs'],
      [{ name: 'a', config: { unknownSetting: 1 } }, 'unknownSetting'],
      [[1, 2], 'body'],
      [null, 'body'],
    ];
    for (const [body, field] of cases) {
      expectProblem(await json('POST', '/v1/topics', body), 400, 'INVALID_REQUEST', field);
    }
    expectProblem(await json('PATCH', '/v1/topics/t', { partitions: 'many' }), 400, 'INVALID_REQUEST', 'partitions');
    expectProblem(await json('PATCH', '/v1/topics/t', { retentionMs: 5 }), 400, 'INVALID_REQUEST', 'retentionMs');
    expectProblem(await json('PATCH', '/v1/topics/t', { partitions: 11 }), 400, 'INVALID_REQUEST', 'partitions');
    expectProblem(
      await rawRequest(`${url}/v1/topics`, 'POST', '{"name": "a",', { 'content-type': 'application/json' }),
      400,
      'INVALID_REQUEST',
      'body',
    );
    expectProblem(await rawRequest(`${url}/v1/topics`, 'POST', 'name=a', { 'content-type': 'text/plain' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    const topics = (await json('GET', '/v1/topics')).body.topics;
    expect(topics.map((t: { name: string; partitions: number }) => [t.name, t.partitions])).toEqual([['t', 1]]);
  });

  it('answers unknown routes and methods with problem details', async () => {
    const { json } = await startGateway();
    expectProblem(await json('GET', '/v2/nothing'), 404, 'NOT_FOUND');
  });
});
