import { describe, expect, it } from 'vitest';
import { startGateway } from '../helpers/gateway.js';
import { until } from '../helpers/until.js';
import { expectProblem } from '../helpers/problem.js';

describe('compacted topics over REST', () => {
  it('takes the cleanup settings on create and PATCH, validates them, and shows them in the description', async () => {
    const { json } = await startGateway();
    const config = { cleanupPolicy: 'compact', retentionBytes: 1_000_000, deleteRetentionMs: 5_000, minCompactionLagMs: 100 };
    const created = await json('POST', '/v1/topics', { name: 'profiles', config });
    expect(created.status).toBe(201);
    expect(created.body.config).toEqual(config);
    expect((await json('GET', '/v1/topics/profiles')).body.config).toEqual(config);
    const patched = await json('PATCH', '/v1/topics/profiles', { config: { cleanupPolicy: 'compact,delete', retentionBytes: null } });
    expect(patched.status).toBe(200);
    expect(patched.body.config).toEqual({ ...config, cleanupPolicy: 'compact,delete', retentionBytes: null });

    expectProblem(await json('POST', '/v1/topics', { name: 'x', config: { cleanupPolicy: 'forever' } }), 400, 'INVALID_REQUEST', 'body/config/cleanupPolicy');
    expectProblem(await json('POST', '/v1/topics', { name: 'x', config: { retentionBytes: 0 } }), 400, 'INVALID_REQUEST', 'body/config/retentionBytes');
    expectProblem(await json('PATCH', '/v1/topics/profiles', { config: { deleteRetentionMs: -1 } }), 400, 'INVALID_REQUEST', 'body/config/deleteRetentionMs');
    expectProblem(await json('PATCH', '/v1/topics/profiles', { config: { minCompactionLagMs: 1.5 } }), 400, 'INVALID_REQUEST', 'body/config/minCompactionLagMs');
    // Bad input changes nothing.
    expect((await json('GET', '/v1/topics/profiles')).body.config).toEqual(patched.body.config);
    expect((await json('GET', '/v1/topics/x')).status).toBe(404);
  });

  it('refuses records without a key on a compacted topic (400 naming the record) and appends none of the request', async () => {
    const { json } = await startGateway();
    await json('POST', '/v1/topics', { name: 'profiles', config: { cleanupPolicy: 'compact' } });
    const refused = await json('POST', '/v1/topics/profiles/records', { records: [{ key: 'a', value: 1 }, { value: 2 }] });
    expectProblem(refused, 400, 'INVALID_REQUEST', 'body/records/1/key');
    expect((await json('GET', '/v1/topics/profiles')).body.partitionOffsets[0].highWatermark).toBe(0);
  });

  it('compacts in the background at the cleanup interval (the new setting name)', async () => {
    const { json } = await startGateway({ cleanupIntervalMs: 100 });
    await json('POST', '/v1/topics', { name: 'profiles', config: { cleanupPolicy: 'compact' } });
    // One request per record: each its own batch, which the JetStream store compacts whole.
    for (const record of [{ key: 'a', value: 1 }, { key: 'a', value: 2 }, { key: 'b', value: 3 }]) await json('POST', '/v1/topics/profiles/records', { records: [record] });
    await until('compaction of a@0', async () => (await json('GET', '/v1/topics/profiles/partitions/0/records?offset=0')).body.records.length === 2, { intervalMs: 50 });
    const fetched = await json('GET', '/v1/topics/profiles/partitions/0/records?offset=0');
    expect(fetched.body.records.map((r: { offset: number; value: unknown }) => [r.offset, r.value])).toEqual([
      [1, 2],
      [2, 3],
    ]);
    expect(fetched.body).toMatchObject({ nextOffset: 3, logStartOffset: 0, highWatermark: 3 });
  });
});

describe('GET /v1/topics/{topic}/keys/{key}', () => {
  it('answers the latest record of a key, 404 for a tombstoned or unknown key; binary keys as base64url; delete topics too', async () => {
    const { json } = await startGateway();
    await json('POST', '/v1/topics', { name: 'profiles', partitions: 3, config: { cleanupPolicy: 'compact' } });
    await json('POST', '/v1/topics/profiles/records', {
      records: [
        { key: 'user/1', value: { v: 1 } },
        { key: 'user/1', value: { v: 2 }, headers: { h: 'x' } },
        { key: 'gone', value: 1 },
        { key: 'gone', value: null },
        { key: '/w==', keyEncoding: 'base64', value: 'bin' },
      ],
    });
    const found = await json('GET', `/v1/topics/profiles/keys/${encodeURIComponent('user/1')}`);
    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({ topic: 'profiles', offset: expect.any(Number), key: 'user/1', value: { v: 2 }, headers: { h: 'x' } });
    expectProblem(await json('GET', '/v1/topics/profiles/keys/gone'), 404, 'NOT_FOUND', 'gone');
    expectProblem(await json('GET', '/v1/topics/profiles/keys/nobody'), 404, 'NOT_FOUND', 'nobody');
    const binary = await json('GET', '/v1/topics/profiles/keys/_w?keyEncoding=base64');
    expect(binary.body).toMatchObject({ key: '/w==', keyEncoding: 'base64', value: 'bin' });
    expectProblem(await json('GET', '/v1/topics/profiles/keys/a+b?keyEncoding=base64'), 400, 'INVALID_REQUEST', 'key');
    expectProblem(await json('GET', '/v1/topics/missing/keys/a'), 404, 'TOPIC_NOT_FOUND');
    await json('POST', '/v1/topics', { name: 'stream' });
    await json('POST', '/v1/topics/stream/records', { records: [{ key: 'k', value: 1 }, { key: 'k', value: 2 }] });
    expect((await json('GET', '/v1/topics/stream/keys/k')).body).toMatchObject({ offset: 1, value: 2 });
  });
});

describe('GET /v1/topics/{topic}/snapshot', () => {
  type Page = { topic: string; offsets?: { partition: number; offset: number }[]; records: { partition: number; offset: number; key: string; value: unknown }[]; nextCursor: string | null };

  it('pages the latest record per key with the offsets on the first page; consistent while producers write and compaction runs; delete topics too', async () => {
    const { json } = await startGateway({ cleanupIntervalMs: 100 });
    await json('POST', '/v1/topics', { name: 'profiles', partitions: 2, config: { cleanupPolicy: 'compact' } });
    await json('POST', '/v1/topics/profiles/records', {
      records: [
        { key: 'a', value: 1, partition: 0 },
        { key: 'b', value: 1, partition: 0 },
        { key: 'a', value: 2, partition: 0 },
        { key: 'gone', value: 1, partition: 1 },
        { key: 'gone', value: null, partition: 1 },
        { key: 'c', value: 1, partition: 1 },
      ],
    });
    const first = await json<Page>('GET', '/v1/topics/profiles/snapshot?limit=1');
    expect(first.status).toBe(200);
    expect(first.body.offsets).toEqual([
      { partition: 0, offset: 3 },
      { partition: 1, offset: 3 },
    ]);
    expect(first.body.records).toEqual([expect.objectContaining({ topic: 'profiles', partition: 0, offset: 2, key: 'a', value: 2 })]);
    // New versions of every key, then two cleanup passes seen to happen (on a witness topic): the snapshot still answers as of its offsets.
    await json('POST', '/v1/topics/profiles/records', { records: [{ key: 'a', value: 3, partition: 0 }, { key: 'b', value: 3, partition: 0 }, { key: 'c', value: 3, partition: 1 }] });
    await json('POST', '/v1/topics', { name: 'witness', config: { cleanupPolicy: 'compact' } });
    for (const round of [1, 2]) {
      // Two requests: two batches, the first superseded whole (as the JetStream store compacts).
      for (let i = 0; i < 2; i++) await json('POST', '/v1/topics/witness/records', { records: [{ key: 'w', value: round }] });
      await until(`cleanup pass ${round}`, async () => (await json('GET', '/v1/topics/witness/partitions/0/records?offset=0')).body.records.length === 1, { intervalMs: 50 });
    }
    const rest: Page['records'] = [];
    for (let cursor = first.body.nextCursor; cursor !== null; ) {
      const page = await json<Page>('GET', `/v1/topics/profiles/snapshot?limit=1&cursor=${cursor}`);
      expect(page.status).toBe(200);
      expect(page.body.offsets).toBeUndefined();
      rest.push(...page.body.records);
      cursor = page.body.nextCursor;
    }
    expect(rest.map((r) => [r.partition, r.key, r.value])).toEqual([
      [0, 'b', 1],
      [1, 'c', 1],
    ]);
    // The snapshot ended with its last page: compaction goes on past its offsets.
    await until('the old versions compacted', async () => (await json('GET', '/v1/topics/profiles/partitions/0/records?offset=0')).body.records.length === 2, { intervalMs: 50 });

    await json('POST', '/v1/topics', { name: 'stream' });
    await json('POST', '/v1/topics/stream/records', { records: [{ key: 'k', value: 1 }, { key: 'k', value: 2 }, { value: 'no key' }] });
    const stream = await json<Page>('GET', '/v1/topics/stream/snapshot');
    expect(stream.body).toMatchObject({ topic: 'stream', offsets: [{ partition: 0, offset: 3 }], nextCursor: null });
    expect(stream.body.records.map((r) => [r.key, r.value])).toEqual([['k', 2]]);
  });

  it('answers problems naming the field: bad limit, malformed cursor (400), ended snapshot (410), unknown topic (404), too many open (503)', async () => {
    const { json } = await startGateway({ maxOpenSnapshots: 1 });
    await json('POST', '/v1/topics', { name: 't' });
    await json('POST', '/v1/topics/t/records', { records: [{ key: 'a', value: 1 }, { key: 'b', value: 2 }] });
    expectProblem(await json('GET', '/v1/topics/t/snapshot?limit=0'), 400, 'INVALID_REQUEST', 'query/limit');
    expectProblem(await json('GET', '/v1/topics/t/snapshot?cursor=nonsense'), 400, 'INVALID_CURSOR', 'query/cursor');
    expectProblem(await json('GET', '/v1/topics/t/snapshot?cursor=00000000-0000-0000-0000-000000000000.1'), 410, 'SNAPSHOT_EXPIRED');
    expectProblem(await json('GET', '/v1/topics/missing/snapshot'), 404, 'TOPIC_NOT_FOUND');
    const open = await json<Page>('GET', '/v1/topics/t/snapshot?limit=1');
    const refused = await json('GET', '/v1/topics/t/snapshot?limit=1');
    expectProblem(refused, 503, 'OVERLOADED');
    expect(refused.headers.get('retry-after')).toBe('1');
    const last = await json<Page>('GET', `/v1/topics/t/snapshot?limit=1&cursor=${open.body.nextCursor}`);
    expect(last.body.records.map((r) => r.key)).toEqual(['b']);
    expect((await json('GET', '/v1/topics/t/snapshot')).status, 'the ended snapshot no longer counts').toBe(200);
  });
});
