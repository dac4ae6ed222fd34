/**
 * The client generated from openapi.yaml (openapi-typescript types + openapi-fetch, see
 * test/helpers/api-client.ts) drives a whole consumer group lifecycle against a real gateway:
 * every call below is type-checked against the document by `npm run typecheck`.
 */
import { describe, expect, it } from 'vitest';
import { startGatewayWithClient, type LogwayClient, type Schema } from '../helpers/api-client.js';

type TopicPartition = Schema<'TopicPartition'>;
const key = (tp: TopicPartition) => `${tp.topic}/${tp.partition}`;

async function heartbeat(client: LogwayClient, group: string, m: Schema<'Membership'>): Promise<Schema<'Membership'>> {
  const { data, error } = await client.POST('/v1/groups/{group}/members/{memberId}/heartbeat', {
    params: { path: { group, memberId: m.memberId } },
    body: { memberEpoch: m.memberEpoch, ownedPartitions: m.assignment },
  });
  expect(error).toBeUndefined();
  return data!;
}

describe('generated client: consumer group lifecycle', () => {
  it('join, heartbeat, poll, commit, inspect, leave, reset, delete', async () => {
    const { client } = await startGatewayWithClient();
    const group = 'client-group';
    expect((await client.POST('/v1/topics', { body: { name: 'events', partitions: 4 } })).response.status).toBe(201);
    const produced = await client.POST('/v1/topics/{topic}/records', {
      params: { path: { topic: 'events' } },
      body: { records: Array.from({ length: 8 }, (_, i) => ({ value: { n: i }, partition: i % 4 })) },
    });
    expect(produced.data && 'records' in produced.data ? produced.data.records : undefined).toHaveLength(8);

    // Two members: the second gets its share once the first has released it.
    const joined = await client.POST('/v1/groups/{group}/members', {
      params: { path: { group } },
      body: { topics: ['events'], autoOffsetReset: 'earliest' },
    });
    expect(joined.response.status).toBe(201);
    let a = joined.data!;
    expect(a.assignment).toHaveLength(4);
    let b = (
      await client.POST('/v1/groups/{group}/members', {
        params: { path: { group } },
        body: { topics: ['events'], autoOffsetReset: 'earliest' },
      })
    ).data!;
    for (let i = 0; i < 3; i++) {
      a = await heartbeat(client, group, a);
      b = await heartbeat(client, group, b);
    }
    expect(a.assignment).toHaveLength(2);
    expect(b.assignment).toHaveLength(2);
    expect(new Set([...a.assignment, ...b.assignment].map(key)).size).toBe(4);

    const described = await client.GET('/v1/groups/{group}', { params: { path: { group } } });
    expect(described.data?.state).toBe('stable');
    expect(described.data?.members.map((m) => m.memberId).sort()).toEqual([a.memberId, b.memberId].sort());

    // Each polls its partitions and commits what it read.
    let read = 0;
    for (const m of [a, b]) {
      const polled = await client.GET('/v1/groups/{group}/members/{memberId}/records', {
        params: { path: { group, memberId: m.memberId }, query: { limit: 100, waitMs: 0 } },
      });
      const records = polled.data!.records;
      expect(records.every((r) => m.assignment.some((tp) => key(tp) === key(r)))).toBe(true);
      read += records.length;
      const committed = await client.POST('/v1/groups/{group}/offsets', {
        params: { path: { group } },
        body: { memberId: m.memberId, memberEpoch: m.memberEpoch, offsets: polled.data!.nextOffsets },
      });
      expect(committed.data?.offsets).toHaveLength(2);
    }
    expect(read).toBe(8);
    const offsets = await client.GET('/v1/groups/{group}/offsets', { params: { path: { group } } });
    expect(offsets.data?.totalLag).toBe(0);
    expect(offsets.data?.offsets.map((o) => o.committedOffset)).toEqual([2, 2, 2, 2]);

    // A stale epoch is a typed problem.
    const fenced = await client.POST('/v1/groups/{group}/offsets', {
      params: { path: { group } },
      body: { memberId: a.memberId, memberEpoch: a.memberEpoch + 7, offsets: [{ ...a.assignment[0]!, offset: 0 }] },
    });
    expect(fenced.response.status).toBe(409);
    expect(fenced.error?.code).toBe('FENCED_MEMBER');

    for (const m of [a, b]) {
      const left = await client.DELETE('/v1/groups/{group}/members/{memberId}', { params: { path: { group, memberId: m.memberId } } });
      expect(left.response.status).toBe(204);
    }
    const reset = await client.POST('/v1/groups/{group}/offsets/reset', { params: { path: { group } }, body: { to: 'earliest' } });
    expect(reset.data?.totalLag).toBe(8);
    const listed = await client.GET('/v1/groups');
    expect(listed.data?.groups).toEqual([{ group, state: 'empty', groupEpoch: expect.any(Number), members: 0 }]);
    expect((await client.DELETE('/v1/groups/{group}', { params: { path: { group } } })).response.status).toBe(204);
    const gone = await client.GET('/v1/groups/{group}', { params: { path: { group } } });
    expect(gone.error?.code).toBe('GROUP_NOT_FOUND');
  });
});
