/**
 * Issue 10: three answers that disagreed with the contract.
 * - A record header named `__proto__` was dropped (zod's record schema rebuilds the object and
 *   skips that key), and with a non-string value it was accepted without its type checked.
 * - Groups named '.' or '..' could be created (a WebSocket `?group=..`) but never reached by
 *   URL, which normalises them away: they held a groupMaxGroups slot forever.
 * - PATCH /v1/topics/{topic} with no body and no content type answered 200, as if `{}` was sent.
 */
import { describe, expect, it } from 'vitest';
import { startGateway } from '../helpers/gateway.js';
import { expectProblem, rawRequest } from '../helpers/problem.js';
import { openSocket } from '../ws/ws-client.js';

describe('issue 10: a header named __proto__', () => {
  it('is kept over REST: produced, fetched back with the others, in order', async () => {
    const gw = await startGateway();
    await gw.json('POST', '/v1/topics', { name: 't', partitions: 1 });
    const res = await rawRequest(`${gw.url}/v1/topics/t/records`, 'POST', '{"records":[{"value":1,"headers":{"__proto__":"p","b":"c"}}]}', {
      'content-type': 'application/json',
    });
    expect(res.status).toBe(200);
    const fetched = await gw.api('/v1/topics/t/partitions/0/records');
    // Read as text: JSON.parse keeps `__proto__` as an own property, but the assertion is on the wire.
    expect(await fetched.text()).toContain('"headers":{"__proto__":"p","b":"c"}');
  });

  it('with a value that is not a string is refused naming the header, and nothing is appended', async () => {
    const gw = await startGateway();
    await gw.json('POST', '/v1/topics', { name: 't', partitions: 1 });
    for (const headers of ['{"__proto__":5}', '{"__proto__":{"x":"y"}}', '{"__proto__":null}']) {
      const res = await rawRequest(`${gw.url}/v1/topics/t/records`, 'POST', `{"records":[{"value":1,"headers":${headers}}]}`, {
        'content-type': 'application/json',
      });
      expectProblem(res, 400, 'INVALID_REQUEST', 'body/records/0/headers/__proto__');
    }
    expect((await gw.json('GET', '/v1/topics/t')).body.partitionOffsets[0].highWatermark).toBe(0);
  });

  it('is kept over WebSocket produce, and a non-string value is refused', async () => {
    const gw = await startGateway();
    await gw.json('POST', '/v1/topics', { name: 't', partitions: 1 });
    const s = await openSocket(gw.url, '/v1/ws');
    s.ws.send('{"type":"produce","id":1,"topic":"t","records":[{"value":1,"headers":{"__proto__":"p","b":"c"}}]}');
    await s.next('ack', (m) => m.id === 1);
    s.ws.send('{"type":"produce","id":2,"topic":"t","records":[{"value":1,"headers":{"__proto__":5}}]}');
    const error = await s.next('error', (m) => m.id === 2);
    expect(error.code).toBe('INVALID_REQUEST');
    const fetched = await gw.api('/v1/topics/t/partitions/0/records');
    const text = await fetched.text();
    expect(text).toContain('"headers":{"__proto__":"p","b":"c"}');
    expect(JSON.parse(text).records).toHaveLength(1);
  });
});

describe("issue 10: group names '.' and '..' follow Kafka's topic-name rule", () => {
  // Over REST they cannot be sent at all: both fetch and the server resolve '.', '..' and even
  // '%2E' as dot segments. Only the WebSocket query and commands could carry them.
  it('are refused on a WebSocket handshake, in a subscribe and in a commit command; no group is created', async () => {
    const gw = await startGateway();
    await gw.json('POST', '/v1/topics', { name: 't', partitions: 1 });
    for (const group of ['.', '..']) {
      const s = await openSocket(gw.url, `/v1/topics/t/ws?group=${encodeURIComponent(group)}&from=earliest`);
      const error = await s.next('error');
      expect(error.code).toBe('INVALID_REQUEST');
      expect((await s.closed).code).toBe(4400);
    }
    const mux = await openSocket(gw.url, '/v1/ws');
    mux.send({ type: 'subscribe', id: 1, topic: 't', group: '..' });
    expect((await mux.next('error', (m) => m.id === 1)).code).toBe('INVALID_REQUEST');
    mux.send({ type: 'commit', id: 2, group: '.', offsets: [{ topic: 't', partition: 0, offset: 0 }] });
    expect((await mux.next('error', (m) => m.id === 2)).code).toBe('INVALID_REQUEST');
    expect((await gw.json('GET', '/v1/groups')).body.groups).toEqual([]);
  });

  it("still allows names with dots that are not just '.' or '..'", async () => {
    const gw = await startGateway();
    await gw.json('POST', '/v1/topics', { name: 't', partitions: 1 });
    for (const group of ['...', '.a', 'a.']) {
      expect((await gw.json('POST', `/v1/groups/${group}/members`, { topics: ['t'] })).status).toBe(201);
    }
  });
});

describe('issue 10: PATCH /v1/topics/{topic} without a body', () => {
  it('is refused naming the body, whatever the content type says, and changes nothing', async () => {
    const gw = await startGateway();
    await gw.json('POST', '/v1/topics', { name: 't', partitions: 1, config: { retentionMs: 5000 } });
    const before = (await gw.json('GET', '/v1/topics/t')).body;
    for (const headers of [{}, { 'content-type': 'application/json' }, { 'content-length': '0' }] as Record<string, string>[]) {
      expectProblem(await rawRequest(`${gw.url}/v1/topics/t`, 'PATCH', undefined, headers), 400, 'INVALID_REQUEST', 'body');
    }
    expect((await gw.json('GET', '/v1/topics/t')).body).toEqual(before);
  });

  it('every other operation that takes a body refuses a missing one the same way', async () => {
    const gw = await startGateway();
    await gw.json('POST', '/v1/topics', { name: 't', partitions: 1 });
    const member = (await gw.json('POST', '/v1/groups/g/members', { topics: ['t'] })).body.memberId;
    for (const [method, path] of [
      ['POST', '/v1/topics'],
      ['POST', '/v1/topics/t/records'],
      ['POST', '/v1/groups/g/members'],
      ['POST', `/v1/groups/g/members/${member}/heartbeat`],
      ['POST', '/v1/groups/g/offsets'],
      ['POST', '/v1/groups/g/offsets/reset'],
    ] as const) {
      const res = await rawRequest(gw.url + path, method, undefined);
      expectProblem(res, 400, 'INVALID_REQUEST', 'body');
      expect(res.body.errors).toEqual([{ path: 'body', message: 'is required' }]);
    }
  });
});
