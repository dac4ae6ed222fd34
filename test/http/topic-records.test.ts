/**
 * GET /v1/topics/{topic}/records: every partition read fairly from a cursor; each answer's cursor
 * continues with nothing lost or repeated; bad cursors are 400 INVALID_CURSOR; a cursor older than
 * retention resumes at the log start and says so.
 */
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../src/core/clock.js';
import { Retention } from '../../src/core/retention.js';
import { startGateway } from '../helpers/gateway.js';
import { expectProblem } from '../helpers/problem.js';
import { until } from '../helpers/until.js';

async function setup(options: Parameters<typeof startGateway>[1] = {}) {
  const gw = await startGateway({}, options);
  return {
    ...gw,
    async createTopic(name: string, partitions: number, config?: object) {
      expect((await gw.json('POST', '/v1/topics', { name, partitions, ...(config ? { config } : {}) })).status).toBe(201);
    },
    async produce(topic: string, records: unknown[]) {
      const res = await gw.json('POST', `/v1/topics/${topic}/records`, { records });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    },
    read(topic: string, query = '') {
      return gw.json('GET', `/v1/topics/${topic}/records${query ? '?' + query : ''}`);
    },
  };
}

const ids = (records: { partition: number; offset: number }[]) => records.map((r) => `${r.partition}:${r.offset}`);

describe('topic reads', () => {
  it('reads every partition from earliest, and the cursor continues with nothing lost or repeated', async () => {
    const gw = await setup();
    await gw.createTopic('t', 3);
    await gw.produce('t', Array.from({ length: 30 }, (_, i) => ({ value: i, partition: i % 3 })));
    const seen: string[] = [];
    let res = await gw.read('t', 'limit=7');
    for (let i = 0; i < 10 && res.body.records.length > 0; i++) {
      expect(res.status).toBe(200);
      expect(res.body.records.length).toBeLessThanOrEqual(7);
      seen.push(...ids(res.body.records));
      res = await gw.read('t', `limit=7&cursor=${res.body.cursor}`);
    }
    expect(seen.sort()).toEqual(Array.from({ length: 30 }, (_, i) => `${i % 3}:${Math.floor(i / 3)}`).sort());
    // At the end: no records, and the same position again.
    expect(res.body.records).toEqual([]);
    const again = await gw.read('t', `cursor=${res.body.cursor}`);
    expect(again.body).toEqual({ records: [], cursor: res.body.cursor });
  });

  it('is fair: a busy partition does not starve a quiet one', async () => {
    const gw = await setup();
    await gw.createTopic('t', 2);
    await gw.produce('t', Array.from({ length: 100 }, (_, i) => ({ value: i, partition: 0 })));
    await gw.produce('t', [{ value: 'quiet', partition: 1 }]);
    const res = await gw.read('t', 'limit=10');
    const partitions = res.body.records.map((r: { partition: number }) => r.partition);
    expect(partitions).toContain(1);
    expect(res.body.records.length).toBe(10);
    // Within each partition, offset order.
    const p0 = res.body.records.filter((r: { partition: number }) => r.partition === 0).map((r: { offset: number }) => r.offset);
    expect(p0).toEqual([...p0].sort((a, b) => a - b));
  });

  it('from=latest reads only what comes next; a long-poll wakes on an append to any partition', async () => {
    const gw = await setup();
    await gw.createTopic('t', 4);
    await gw.produce('t', [{ value: 'old', partition: 0 }]);
    const first = await gw.read('t', 'from=latest');
    expect(first.body.records).toEqual([]);
    const before = gw.gateway.log.notifier.waiters.size;
    const polled = gw.read('t', `cursor=${first.body.cursor}&waitMs=30000`);
    await until('the long-poll to park', () => gw.gateway.log.notifier.waiters.size === before + 1);
    await gw.produce('t', [{ value: 'new', partition: 3 }]);
    const res = await polled;
    expect(res.body.records.map((r: { value: unknown }) => r.value)).toEqual(['new']);
  });

  it('from=time: starts each partition at its first record at or after the time', async () => {
    const gw = await setup();
    await gw.createTopic('t', 2);
    await gw.produce('t', [
      { value: 'a', partition: 0, timestamp: 1000 },
      { value: 'b', partition: 0, timestamp: 2000 },
      { value: 'c', partition: 1, timestamp: 1500 },
      { value: 'd', partition: 1, timestamp: 2500 },
    ]);
    const res = await gw.read('t', 'from=time:2000');
    expect(res.body.records.map((r: { value: unknown }) => r.value).sort()).toEqual(['b', 'd']);
  });

  it('reads partitions added after the cursor was made from their start', async () => {
    const gw = await setup();
    await gw.createTopic('t', 1);
    const first = await gw.read('t');
    expect((await gw.json('PATCH', '/v1/topics/t', { partitions: 2 })).status).toBe(200);
    await gw.produce('t', [{ value: 'in new', partition: 1 }]);
    const res = await gw.read('t', `cursor=${first.body.cursor}`);
    expect(ids(res.body.records)).toEqual(['1:0']);
  });

  it('answers 400 INVALID_CURSOR for malformed and foreign cursors, and changes nothing', async () => {
    const gw = await setup();
    await gw.createTopic('t', 1);
    await gw.createTopic('big', 3);
    await gw.produce('big', [{ value: 1, partition: 2 }]);
    expectProblem(await gw.read('t', 'cursor=garbage'), 400, 'INVALID_CURSOR', 'query/cursor');
    expectProblem(await gw.read('t', 'cursor=not*base64'), 400, 'INVALID_CURSOR', 'query/cursor');
    const other = (await gw.read('big')).body.cursor;
    const foreign = await gw.read('t', `cursor=${other}`);
    expectProblem(foreign, 400, 'INVALID_CURSOR', 'query/cursor');
    expect(foreign.body.detail).toMatch(/not a cursor of topic 't'/);
    expectProblem(await gw.read('t', `from=cursor:${other}`), 400, 'INVALID_CURSOR', 'query/from');
    // The same name created again is another topic: its old cursors are refused, not read at old offsets.
    expect((await gw.api('/v1/topics/big', { method: 'DELETE' })).status).toBe(204);
    await gw.createTopic('big', 1);
    expectProblem(await gw.read('big', `cursor=${other}`), 400, 'INVALID_CURSOR', 'query/cursor');
    expectProblem(await gw.read('t', 'from=sometime'), 400, 'INVALID_REQUEST', 'query/from');
    expectProblem(await gw.read('t', `cursor=${other}&from=earliest`), 400, 'INVALID_REQUEST', 'query/from');
    expectProblem(await gw.read('nope'), 404, 'TOPIC_NOT_FOUND');
  });

  it('a cursor of partitions the topic lacks, or ahead of its log, is 400 INVALID_CURSOR', async () => {
    const { encodeCursor } = await import('../../src/core/cursor.js');
    const gw = await setup();
    await gw.createTopic('t', 2);
    const meta = await gw.gateway.log.topic('t');
    const missing = encodeCursor(meta, { allPartitions: true, offsets: new Map([[0, 0], [5, 0]]) });
    const res = await gw.read('t', `cursor=${missing}`);
    expectProblem(res, 400, 'INVALID_CURSOR', 'query/cursor');
    expect(res.body.detail).toMatch(/partition 5; topic 't' has partitions 0-1/);
    const ahead = encodeCursor(meta, { allPartitions: true, offsets: new Map([[0, 9]]) });
    expectProblem(await gw.read('t', `cursor=${ahead}`), 400, 'INVALID_CURSOR', /ahead of partition 0/);
  });

  it('a cursor older than retention resumes at the log start and says so in reset', async () => {
    let now = 1_700_000_000_000;
    const clock: Clock = { now: () => now };
    const gw = await setup({ clock });
    await gw.createTopic('t', 2, { retentionMs: 60_000 });
    const start = (await gw.read('t')).body.cursor;
    await gw.produce('t', [0, 1, 2].map((i) => ({ value: i, partition: 0 })));
    now += 70_000;
    await gw.produce('t', [{ value: 3, partition: 0 }]);
    expect((await new Retention(gw.gateway.store, clock).runOnce()).truncated).toBe(3);
    const res = await gw.read('t', `cursor=${start}`);
    expect(res.body.reset).toEqual([{ partition: 0, offset: 0, logStartOffset: 3 }]);
    expect(ids(res.body.records)).toEqual(['0:3']);
    // The next read, from the answer's cursor, has nothing to report.
    expect((await gw.read('t', `cursor=${res.body.cursor}`)).body.reset).toBeUndefined();
  });
});
