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
    await json('POST', '/v1/topics/profiles/records', { records: [{ key: 'a', value: 1 }, { key: 'a', value: 2 }, { key: 'b', value: 3 }] });
    await until('compaction of a@0', async () => (await json('GET', '/v1/topics/profiles/partitions/0/records?offset=0')).body.records.length === 2, { intervalMs: 50 });
    const fetched = await json('GET', '/v1/topics/profiles/partitions/0/records?offset=0');
    expect(fetched.body.records.map((r: { offset: number; value: unknown }) => [r.offset, r.value])).toEqual([
      [1, 2],
      [2, 3],
    ]);
    expect(fetched.body).toMatchObject({ nextOffset: 3, logStartOffset: 0, highWatermark: 3 });
  });
});
