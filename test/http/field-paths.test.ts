/**
 * A bad field is named from the top of what the client sent, whichever layer found it:
 * zod (`body/records/0/value`) or the core (`records/0/partition` inside the core, reported
 * as `body/records/0/partition`), so clients can map every problem to their request the same way.
 */
import { describe, expect, it } from 'vitest';
import { startGateway } from '../helpers/gateway.js';
import { expectProblem, rawRequest } from '../helpers/problem.js';

const paths = (body: { errors?: { path: string }[] }) => (body.errors ?? []).map((e) => e.path);

describe('field paths in problems found by the core', () => {
  it('produce: a partition that does not exist, a record over the size limit, a value nested too deeply', async () => {
    const { json, url } = await startGateway({ maxRecordBytes: 1_024 });
    await json('POST', '/v1/topics', { name: 't', partitions: 2 });

    const partition = await json('POST', '/v1/topics/t/records', { records: [{ value: 1 }, { value: 2, partition: 7 }] });
    expectProblem(partition, 400, 'INVALID_REQUEST');
    expect(paths(partition.body)).toEqual(['body/records/1/partition']);

    const big = await json('POST', '/v1/topics/t/records', { records: [{ value: 'x'.repeat(2_000) }] });
    expectProblem(big, 413, 'RECORD_TOO_LARGE');
    expect(paths(big.body)).toEqual(['body/records/0']);

    // JSON.parse takes any depth; re-serializing it for storage cannot (the core reports it).
    const deep = '['.repeat(20_000) + ']'.repeat(20_000);
    const nested = await rawRequest(`${url}/v1/topics/t/records`, 'POST', `{"records":[{"value":1},{"value":${deep}}]}`, {
      'content-type': 'application/json',
    });
    expectProblem(nested, 400, 'INVALID_REQUEST');
    expect(paths(nested.body)).toEqual(['body/records/1/value']);
    expect(nested.body.detail).toMatch(/^body\/records\/1\/value: /);

    // zod's own paths were already in this style.
    const zod = await json('POST', '/v1/topics/t/records', { records: [{ value: 1, partition: -1 }] });
    expect(paths(zod.body)).toEqual(['body/records/0/partition']);
    // Nothing was stored by any of them.
    expect((await json('GET', '/v1/topics/t')).body.partitionOffsets.map((p: { highWatermark: number }) => p.highWatermark)).toEqual([0, 0]);
  });

  it('topics and groups: partition counts, session timeouts, duplicate offsets', async () => {
    const { json } = await startGateway({ maxPartitions: 4 });
    const tooMany = await json('POST', '/v1/topics', { name: 't', partitions: 5 });
    expectProblem(tooMany, 400, 'INVALID_REQUEST');
    expect(paths(tooMany.body)).toEqual(['body/partitions']);
    await json('POST', '/v1/topics', { name: 't', partitions: 2 });
    expect(paths((await json('PATCH', '/v1/topics/t', { partitions: 9 })).body)).toEqual(['body/partitions']);

    const join = await json('POST', '/v1/groups/g/members', { topics: ['t'], sessionTimeoutMs: 1 });
    expectProblem(join, 400, 'INVALID_REQUEST');
    expect(paths(join.body)).toEqual(['body/sessionTimeoutMs']);

    const twice = await json('POST', '/v1/groups/g/offsets', {
      offsets: [
        { topic: 't', partition: 0, offset: 0 },
        { topic: 't', partition: 0, offset: 0 },
      ],
    });
    expectProblem(twice, 400, 'INVALID_REQUEST');
    expect(paths(twice.body)).toEqual(['body/offsets/1']);
  });
});
