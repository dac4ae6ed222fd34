/**
 * Kafka's fetch.min.bytes over REST, on a fetch and on a group poll: with waitMs, the answer
 * comes once `minBytes` record bytes (keys, values, headers) are there, the answer is full,
 * or waitMs ends. Whether a request is parked is read from the gateway's waiter registry,
 * never from timing.
 */
import { describe, expect, it } from 'vitest';
import { startGateway } from '../helpers/gateway.js';
import { expectProblem } from '../helpers/problem.js';
import { until } from '../helpers/until.js';

async function setup() {
  const gw = await startGateway({ fetchDefaultMaxBytes: 1_000, fetchMaxBytes: 5_000 });
  expect((await gw.json('POST', '/v1/topics', { name: 't', partitions: 1 })).status).toBe(201);
  const produce = async (...values: string[]) =>
    expect((await gw.json('POST', '/v1/topics/t/records', { records: values.map((value) => ({ value })) })).status).toBe(200);
  const waiters = gw.gateway.log.notifier.waiters;
  return { gw, produce, waiters };
}

const valuesOf = (body: { records: { value: unknown }[] }) => body.records.map((r) => r.value);

describe('minBytes on a fetch', () => {
  it('waits for that many record bytes, then answers with all of them', async () => {
    const { gw, produce, waiters } = await setup();
    let answered = false;
    const pending = gw.json('GET', '/v1/topics/t/partitions/0/records?offset=0&waitMs=30000&minBytes=10').finally(() => (answered = true));
    await until('the fetch to park', () => waiters.size === 1);
    await produce('ab'); // 4 bytes of JSON text
    // Another request goes round the gateway after the wake-up chunks: the fetch is still parked.
    expect((await gw.json('GET', '/v1/topics/t')).status).toBe(200);
    expect({ answered, parked: waiters.size }).toEqual({ answered: false, parked: 1 });
    await produce('cdef'); // 6 more
    const res = await pending;
    expect(res.status).toBe(200);
    expect(valuesOf(res.body)).toEqual(['ab', 'cdef']);
    expect(res.body).toMatchObject({ nextOffset: 2, highWatermark: 2 });
  });

  it('answers with what is there when waitMs ends first', async () => {
    const { gw, produce } = await setup();
    await produce('ab');
    const res = await gw.json('GET', '/v1/topics/t/partitions/0/records?offset=0&waitMs=50&minBytes=1000');
    expect(valuesOf(res.body)).toEqual(['ab']);
  });

  it('is validated: at least 1, at most maxBytes (the effective one, named)', async () => {
    const { gw } = await setup();
    const fetch = (q: string) => gw.json('GET', `/v1/topics/t/partitions/0/records?offset=0&${q}`);
    expectProblem(await fetch('minBytes=0'), 400, 'INVALID_REQUEST', 'minBytes');
    expectProblem(await fetch('minBytes=x'), 400, 'INVALID_REQUEST', 'minBytes');
    expectProblem(await fetch('minBytes=1001'), 400, 'INVALID_REQUEST', /maxBytes \(1000, setting fetchDefaultMaxBytes\)/);
    expectProblem(await fetch('minBytes=300&maxBytes=200'), 400, 'INVALID_REQUEST', 'query/minBytes');
    expectProblem(await fetch('minBytes=6000&maxBytes=9000'), 400, 'INVALID_REQUEST', /setting fetchMaxBytes/);
    expect((await fetch('minBytes=1000')).status).toBe(200);
  });
});

describe('minBytes on a group poll', () => {
  async function member(gw: Awaited<ReturnType<typeof setup>>['gw']) {
    const join = await gw.json('POST', '/v1/groups/g/members', { topics: ['t'], autoOffsetReset: 'earliest' });
    expect(join.status).toBe(201);
    return `/v1/groups/g/members/${join.body.memberId}/records`;
  }

  it('waits for that many bytes from the member’s position, answers with all, and moves the position past them', async () => {
    const { gw, produce, waiters } = await setup();
    const poll = await member(gw);
    await produce('ab');
    let answered = false;
    const pending = gw.json('GET', `${poll}?waitMs=30000&minBytes=10`).finally(() => (answered = true));
    await until('the poll to park', () => waiters.size === 1);
    await produce('c');
    expect((await gw.json('GET', '/v1/topics/t')).status).toBe(200);
    expect({ answered, parked: waiters.size }).toEqual({ answered: false, parked: 1 });
    await produce('defg');
    const res = await pending;
    expect(res.status).toBe(200);
    expect(valuesOf(res.body)).toEqual(['ab', 'c', 'defg']);
    expect(res.body.nextOffsets).toEqual([{ topic: 't', partition: 0, offset: 3 }]);
    // The position moved past what was answered: nothing is delivered twice.
    expect(valuesOf((await gw.json('GET', poll)).body)).toEqual([]);
  });

  it('answers with what is there when waitMs ends, and when the answer is full', async () => {
    const { gw, produce } = await setup();
    const poll = await member(gw);
    await produce('ab', 'cd', 'ef');
    expect(valuesOf((await gw.json('GET', `${poll}?waitMs=30000&minBytes=1000&limit=2`)).body)).toEqual(['ab', 'cd']);
    expect(valuesOf((await gw.json('GET', `${poll}?waitMs=50&minBytes=1000`)).body)).toEqual(['ef']);
    expectProblem(await gw.json('GET', `${poll}?minBytes=2000&maxBytes=1999`), 400, 'INVALID_REQUEST', 'minBytes');
  });

  // The test's own timeout (15 s) is below waitMs: a poll that waited would fail it.
  it('answers at once when the answer reaches its limit with every partition read to its end', { timeout: 15_000 }, async () => {
    const { gw, produce } = await setup();
    const poll = await member(gw);
    await produce('ab', 'cd');
    // Two records, limit 2: the answer cannot grow, so it does not wait the 30 s for minBytes.
    expect(valuesOf((await gw.json('GET', `${poll}?waitMs=30000&minBytes=1000&limit=2`)).body)).toEqual(['ab', 'cd']);
  });
});
