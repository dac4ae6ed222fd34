/**
 * Consumers over a compacted partition: its offsets have gaps where older versions were removed. A
 * consumer group reads past them and may commit an offset inside one (its next read starts at the next
 * record kept); a WebSocket subscriber catches up across them and goes on live.
 */
import { describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../helpers/gateway.js';
import { until } from '../helpers/until.js';
import { openSocket } from '../ws/ws-client.js';

/** Offsets 0-5, of which compaction keeps a@3, b@4 and c@5. */
async function compactedTopic(): Promise<RunningGateway> {
  const gw = await startGateway({ cleanupIntervalMs: 100 });
  await gw.json('POST', '/v1/topics', { name: 'profiles', config: { cleanupPolicy: 'compact' } });
  // One request per record, as state updates come: each its own batch, which the JetStream store compacts
  // whole (a batch goes once every record of it is superseded).
  for (const [key, value] of [['a', 1], ['a', 2], ['b', 1], ['a', 3], ['b', 2], ['c', 1]]) {
    expect((await gw.json('POST', '/v1/topics/profiles/records', { records: [{ key, value }] })).status).toBe(200);
  }
  await until('compaction left the gaps 0-2', async () => (await gw.json('GET', '/v1/topics/profiles/partitions/0/records?offset=0')).body.records.length === 3, { intervalMs: 20 });
  return gw;
}

const kept = [
  [3, 'a', 3],
  [4, 'b', 2],
  [5, 'c', 1],
];

describe('consumers over a compacted partition', () => {
  it('a consumer group reads past the gaps; an offset committed inside a gap resumes at the next record kept', async () => {
    const gw = await compactedTopic();
    const join = async () => {
      const joined = await gw.json('POST', '/v1/groups/readers/members', { topics: ['profiles'], autoOffsetReset: 'earliest' });
      expect(joined.status, JSON.stringify(joined.body)).toBe(201);
      return joined.body as { memberId: string; memberEpoch: number };
    };
    const poll = async (memberId: string) => {
      const polled = await gw.json('GET', `/v1/groups/readers/members/${memberId}/records?waitMs=0`);
      expect(polled.status, JSON.stringify(polled.body)).toBe(200);
      return polled.body as { records: { offset: number; key: string; value: number }[]; nextOffsets: { topic: string; partition: number; offset: number }[] };
    };

    const first = await join();
    const polled = await poll(first.memberId);
    expect(polled.records.map((r) => [r.offset, r.key, r.value])).toEqual(kept);
    expect(polled.nextOffsets).toEqual([{ topic: 'profiles', partition: 0, offset: 6 }]);
    // Commit an offset inside the gap, as a consumer that had read offset 0 before compaction would.
    const committed = await gw.json('POST', '/v1/groups/readers/offsets', {
      memberId: first.memberId,
      memberEpoch: first.memberEpoch,
      offsets: [{ topic: 'profiles', partition: 0, offset: 1 }],
    });
    expect(committed.status, JSON.stringify(committed.body)).toBe(200);
    expect((await gw.json('DELETE', `/v1/groups/readers/members/${first.memberId}`)).status).toBe(204);

    const second = await join();
    expect((await poll(second.memberId)).records.map((r) => [r.offset, r.key, r.value])).toEqual(kept);
  });

  it('a WebSocket subscriber from the earliest offset, or from one inside a gap, gets the records kept, then live ones', async () => {
    const gw = await compactedTopic();
    for (const from of ['earliest', '1']) {
      const s = await openSocket(gw.url, `/v1/topics/profiles/ws?from=${from}`);
      await s.next('subscribed');
      await s.until(() => s.records.length === 3, 'the 3 records kept');
      expect(s.records.map((r) => [r.offset, r.key, r.value])).toEqual(kept);
      s.ws.close();
    }
    const live = await openSocket(gw.url, '/v1/topics/profiles/ws?from=4');
    await live.next('subscribed');
    await gw.json('POST', '/v1/topics/profiles/records', { records: [{ key: 'd', value: 1 }] });
    await live.until(() => live.records.length === 3, 'b, c and the live d');
    expect(live.records.map((r) => [r.offset, r.key, r.value])).toEqual([kept[1], kept[2], [6, 'd', 1]]);
  });
});
