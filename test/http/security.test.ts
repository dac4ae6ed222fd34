/**
 * Security at the edge (issue 11), over REST against a real gateway with an administrator key:
 * every refusal has the right status and problem, and changes nothing.
 */
import fs from 'node:fs';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { OPENAPI_FILE } from '../../src/tools/gen-openapi.js';
import { ACCESS_RULES } from '../../src/http/access.js';
import { startGateway, type RunningGateway } from '../helpers/gateway.js';

const ADMIN_KEY = 'test-admin-key-0123456789';
const admin = { authorization: `Bearer ${ADMIN_KEY}` };
const bearer = (credential: string) => ({ authorization: `Bearer ${credential}` });

/** A gateway with authentication on, whose audit lines (and every other log line) are kept. */
async function securedGateway(overrides: Record<string, unknown> = {}, clock?: { now(): number }) {
  const lines: any[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n')) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  const g = await startGateway({ adminKey: ADMIN_KEY, ...overrides }, { logger: pino({ level: 'info' }, stream), ...(clock ? { clock } : {}) });
  return { ...g, audit: () => lines.filter((l) => l.audit).map((l) => l.audit) };
}

async function createKey(g: RunningGateway, permissions: unknown[], extra: Record<string, unknown> = {}) {
  const res = await g.json('POST', '/v1/keys', { name: 'test', permissions, ...extra }, admin);
  expect(res.status).toBe(201);
  return res.body as { id: string; key: string };
}

async function topicState(g: RunningGateway) {
  return (await g.json('GET', '/v1/topics', undefined, admin)).body;
}

describe('with an administrator key set', () => {
  it('every operation but the probes answers 401 with a Bearer challenge to a request without a credential, and changes nothing', async () => {
    const g = await securedGateway();
    await g.json('POST', '/v1/topics', { name: 'orders' }, admin);
    const before = await topicState(g);
    for (const rule of ACCESS_RULES) {
      const path = rule.path.replace(':topic', 'orders').replace(':group', 'g').replace(':memberId', 'm').replace(':partition', '0').replace(':id', '0123456789abcdef');
      const res = await g.api(path, {
        method: rule.method,
        headers: rule.method === 'POST' || rule.method === 'PATCH' ? { 'content-type': 'application/json' } : {},
        body: rule.method === 'POST' || rule.method === 'PATCH' ? JSON.stringify({ name: 'x', records: [{ value: 1 }], topics: ['orders'] }) : undefined,
      });
      expect(res.status, `${rule.method} ${path}`).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="logway"');
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect((await res.json()).code).toBe('UNAUTHORIZED');
    }
    expect(await topicState(g)).toEqual(before);
    for (const path of ['/healthz', '/readyz', '/openapi.yaml', '/openapi.json']) expect((await g.api(path)).status, path).toBe(200);
  });

  it('a wrong key, a made-up API key and a malformed token get 401 invalid_token', async () => {
    const g = await securedGateway();
    for (const credential of ['not-the-admin-key-at-all', 'lwk_0123456789abcdef_nope', 'eyJhbGciOiJIUzI1NiJ9.e30.bad']) {
      const res = await g.json('GET', '/v1/topics', undefined, bearer(credential));
      expect(res.status, credential).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
    }
  });

  it('an API key does what it is granted and nothing else: 403 names the resource and action, and nothing changes', async () => {
    const g = await securedGateway();
    for (const name of ['orders', 'secret']) await g.json('POST', '/v1/topics', { name }, admin);
    await g.json('POST', '/v1/topics/orders/records', { records: [{ value: 1 }] }, admin);
    const { key } = await createKey(g, [{ resource: 'topic:orders', actions: ['read'] }]);

    expect((await g.json('GET', '/v1/topics/orders/partitions/0/records', undefined, bearer(key))).status).toBe(200);
    expect((await g.json('GET', '/v1/topics/orders', undefined, bearer(key))).status).toBe(200); // read implies describe

    const write = await g.json('POST', '/v1/topics/orders/records', { records: [{ value: 2 }] }, bearer(key));
    expect(write.status).toBe(403);
    expect(write.body).toMatchObject({ code: 'FORBIDDEN', resource: 'topic:orders', action: 'write' });
    const other = await g.json('GET', '/v1/topics/secret/partitions/0/records', undefined, bearer(key));
    expect(other.body).toMatchObject({ code: 'FORBIDDEN', resource: 'topic:secret', action: 'read' });
    expect((await g.json('DELETE', '/v1/topics/orders', undefined, bearer(key))).status).toBe(403);
    expect((await g.json('POST', '/v1/topics', { name: 'new' }, bearer(key))).status).toBe(403);

    const listed = await g.json('GET', '/v1/topics', undefined, bearer(key));
    expect(listed.body.topics.map((t: any) => t.name)).toEqual(['orders']); // secret is left out
    const offsets = (await g.json('GET', '/v1/topics/orders', undefined, admin)).body.partitionOffsets;
    expect(offsets[0].highWatermark).toBe(1); // the refused write appended nothing
    expect((await topicState(g)).topics.map((t: any) => t.name)).toEqual(['orders', 'secret']);
  });

  it('a prefix grant covers the names under it and not a longer name (logs.* vs logsX)', async () => {
    const g = await securedGateway();
    for (const name of ['logs.app', 'logsX']) await g.json('POST', '/v1/topics', { name }, admin);
    const { key } = await createKey(g, [{ resource: 'topic:logs.*', actions: ['write'] }]);
    expect((await g.json('POST', '/v1/topics/logs.app/records', { records: [{ value: 1 }] }, bearer(key))).status).toBe(200);
    const refused = await g.json('POST', '/v1/topics/logsX/records', { records: [{ value: 1 }] }, bearer(key));
    expect(refused.body).toMatchObject({ code: 'FORBIDDEN', resource: 'topic:logsX' });
  });

  it('keys: the secret is shown once, listings never show it, only a hash is stored, and revocation is immediate', async () => {
    const g = await securedGateway();
    const created = await createKey(g, [{ resource: 'topic:*', actions: ['describe'] }]);
    expect(created.key).toMatch(/^lwk_[0-9a-f]{16}_/);
    const listed = await g.json('GET', '/v1/keys', undefined, admin);
    expect(JSON.stringify(listed.body)).not.toContain(created.key.slice(21));
    expect(listed.body.keys).toEqual([expect.objectContaining({ id: created.id, name: 'test' })]);
    const stored = await g.gateway.store.credentials.listKeys();
    expect(JSON.stringify(stored)).not.toContain(created.key.slice(21));

    expect((await g.json('GET', '/v1/topics', undefined, bearer(created.key))).status).toBe(200);
    expect((await g.json('DELETE', `/v1/keys/${created.id}`, undefined, admin)).status).toBe(204);
    expect((await g.json('GET', '/v1/topics', undefined, bearer(created.key))).status).toBe(401);
    expect((await g.json('DELETE', `/v1/keys/${created.id}`, undefined, admin)).status).toBe(404);
  });

  it('a created key answers 201 with the Location that openapi.yaml declares for it (a random contract seed found it undeclared)', async () => {
    const g = await securedGateway();
    const res = await g.json('POST', '/v1/keys', { name: 'located', permissions: [] }, admin);
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`/v1/keys/${res.body.id}`);
    const document = parse(fs.readFileSync(OPENAPI_FILE, 'utf8')) as any;
    expect(document.paths['/v1/keys'].post.responses['201'].headers.Location).toMatchObject({ required: true });
  });

  it('keys survive a restart (the same database)', async () => {
    const first = await securedGateway();
    const { key } = await createKey(first, [{ resource: 'topic:*', actions: ['describe'] }]);
    await first.gateway.close();
    const second = await securedGateway({}, undefined);
    // a new gateway on another data dir does not know it...
    expect((await second.json('GET', '/v1/topics', undefined, bearer(key))).status).toBe(401);
    // ...one on the same data dir does
    const again = await startGateway({ adminKey: ADMIN_KEY }, { dataDir: first.dataDir });
    expect((await again.json('GET', '/v1/topics', undefined, bearer(key))).status).toBe(200);
  });

  it('a key or token never grants more than its creator holds', async () => {
    const g = await securedGateway();
    const { key } = await createKey(g, [
      { resource: 'cluster', actions: ['admin'] },
      { resource: 'topic:orders', actions: ['read'] },
    ]);
    const token = await g.json('POST', '/v1/tokens', { permissions: [{ resource: 'topic:orders', actions: ['write'] }], ttlSeconds: 60 }, bearer(key));
    expect(token.status).toBe(403);
    expect(token.body).toMatchObject({ code: 'FORBIDDEN', resource: 'topic:orders', action: 'write' });
    const wider = await g.json('POST', '/v1/keys', { name: 'x', permissions: [{ resource: 'topic:*', actions: ['read'] }] }, bearer(key));
    expect(wider.status).toBe(403);
    expect((await g.json('GET', '/v1/keys', undefined, admin)).body.keys).toHaveLength(1);
    const fine = await g.json('POST', '/v1/tokens', { permissions: [{ resource: 'topic:orders', actions: ['read'] }], ttlSeconds: 60 }, bearer(key));
    expect(fine.status).toBe(201);
  });

  it('browser tokens: scoped to their permissions, refused once expired, and dead with the key that minted them', async () => {
    let offset = 0;
    const g = await securedGateway({ tokenMaxTtlSeconds: 3600 }, { now: () => Date.now() + offset });
    for (const name of ['orders', 'other']) await g.json('POST', '/v1/topics', { name }, admin);
    const minter = await createKey(g, [
      { resource: 'cluster', actions: ['admin'] },
      { resource: 'topic:*', actions: ['read', 'write'] },
    ]);
    const mint = (ttlSeconds: number) =>
      g.json('POST', '/v1/tokens', { permissions: [{ resource: 'topic:orders', actions: ['read'] }], ttlSeconds }, bearer(minter.key));
    expect((await mint(3601)).status).toBe(400); // over tokenMaxTtlSeconds
    const { token, expiresAt } = (await mint(600)).body;
    expect(expiresAt).toBeGreaterThan(Date.now());

    expect((await g.json('GET', '/v1/topics/orders/partitions/0/records', undefined, bearer(token))).status).toBe(200);
    expect((await g.json('GET', '/v1/topics/other/partitions/0/records', undefined, bearer(token))).body).toMatchObject({
      code: 'FORBIDDEN',
      resource: 'topic:other',
    });
    expect((await g.json('POST', '/v1/topics/orders/records', { records: [{ value: 1 }] }, bearer(token))).body).toMatchObject({
      code: 'FORBIDDEN',
      action: 'write',
    });

    offset = 601_000 + 31_000; // past expiry and the clock-skew allowance
    const expired = await g.json('GET', '/v1/topics/orders/partitions/0/records', undefined, bearer(token));
    expect(expired.status).toBe(401);
    expect(expired.body.detail).toMatch(/expired/);

    offset = 0;
    const second = (await mint(600)).body.token;
    expect((await g.json('GET', '/v1/topics/orders', undefined, bearer(second))).status).toBe(200);
    await g.json('DELETE', `/v1/keys/${minter.id}`, undefined, admin);
    const orphan = await g.json('GET', '/v1/topics/orders', undefined, bearer(second));
    expect(orphan.status).toBe(401);
    expect(orphan.body.detail).toMatch(/revoked/);
  });

  it('a consumer-group call needs read on the group and on each topic it names', async () => {
    const g = await securedGateway();
    for (const name of ['orders', 'secret']) await g.json('POST', '/v1/topics', { name }, admin);
    const { key } = await createKey(g, [
      { resource: 'group:ui', actions: ['read'] },
      { resource: 'topic:orders', actions: ['read'] },
    ]);
    const refusedTopic = await g.json('POST', '/v1/groups/ui/members', { topics: ['orders', 'secret'] }, bearer(key));
    expect(refusedTopic.body).toMatchObject({ code: 'FORBIDDEN', resource: 'topic:secret' });
    const refusedGroup = await g.json('POST', '/v1/groups/other/members', { topics: ['orders'] }, bearer(key));
    expect(refusedGroup.body).toMatchObject({ code: 'FORBIDDEN', resource: 'group:other' });
    expect((await g.json('GET', '/v1/groups', undefined, admin)).body.groups).toEqual([]); // nothing was created

    const joined = await g.json('POST', '/v1/groups/ui/members', { topics: ['orders'] }, bearer(key));
    expect(joined.status).toBe(201);
    const commit = await g.json(
      'POST',
      '/v1/groups/ui/offsets',
      { memberId: joined.body.memberId, memberEpoch: joined.body.memberEpoch, offsets: [{ topic: 'secret', partition: 0, offset: 0 }] },
      bearer(key),
    );
    expect(commit.body).toMatchObject({ code: 'FORBIDDEN', resource: 'topic:secret' });
    expect((await g.json('GET', '/v1/groups', undefined, bearer(key))).body.groups.map((x: any) => x.group)).toEqual(['ui']);
    expect((await g.json('DELETE', '/v1/groups/ui', undefined, bearer(key))).status).toBe(403); // admin is not granted
  });

  it("a poll needs read on each of the member's topics: a principal with only the group cannot read another member's records by its id", async () => {
    const g = await securedGateway();
    await g.json('POST', '/v1/topics', { name: 'secret' }, admin);
    await g.json('POST', '/v1/topics/secret/records', { records: [{ value: 'classified' }] }, admin);
    const owner = await createKey(g, [
      { resource: 'group:ui', actions: ['read'] },
      { resource: 'topic:secret', actions: ['read'] },
    ]);
    const other = await createKey(g, [{ resource: 'group:ui', actions: ['read'] }]);
    const joined = await g.json('POST', '/v1/groups/ui/members', { topics: ['secret'], autoOffsetReset: 'earliest' }, bearer(owner.key));
    expect(joined.status).toBe(201);
    // Member ids are no secret: describing the group (read implies describe) lists them.
    const described = await g.json('GET', '/v1/groups/ui', undefined, bearer(other.key));
    expect(described.body.members.map((m: any) => m.memberId)).toEqual([joined.body.memberId]);

    const refused = await g.json('GET', `/v1/groups/ui/members/${joined.body.memberId}/records?waitMs=0`, undefined, bearer(other.key));
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'FORBIDDEN', resource: 'topic:secret', action: 'read' });
    // Nothing was read for the member: its owner still gets the record.
    const polled = await g.json('GET', `/v1/groups/ui/members/${joined.body.memberId}/records?waitMs=0`, undefined, bearer(owner.key));
    expect(polled.status).toBe(200);
    expect(polled.body.records.map((r: any) => r.value)).toEqual(['classified']);
  });

  it("a group's offsets and lag show only the topics the caller may describe", async () => {
    const g = await securedGateway();
    for (const name of ['orders', 'secret']) await g.json('POST', '/v1/topics', { name }, admin);
    await g.json('POST', '/v1/topics/secret/records', { records: [{ value: 1 }, { value: 2 }] }, admin);
    await g.json('POST', '/v1/topics/orders/records', { records: [{ value: 1 }] }, admin);
    const committed = await g.json(
      'POST',
      '/v1/groups/ui/offsets',
      { offsets: [{ topic: 'orders', partition: 0, offset: 0 }, { topic: 'secret', partition: 0, offset: 0 }] },
      admin,
    );
    expect(committed.status).toBe(200);
    const { key } = await createKey(g, [
      { resource: 'group:ui', actions: ['describe'] },
      { resource: 'topic:orders', actions: ['describe'] },
    ]);
    for (const path of ['/v1/groups/ui', '/v1/groups/ui/offsets']) {
      const seen = await g.json('GET', path, undefined, bearer(key));
      expect(seen.status, path).toBe(200);
      expect(seen.body.offsets.map((o: any) => o.topic), path).toEqual(['orders']);
      expect(seen.body.totalLag, path).toBe(1);
      // The administrator sees both.
      const all = await g.json('GET', path, undefined, admin);
      expect(all.body.offsets.map((o: any) => o.topic).sort(), path).toEqual(['orders', 'secret']);
      expect(all.body.totalLag, path).toBe(3);
    }
  });

  it('quotas: a principal over its request rate gets 429 with Retry-After and RateLimit headers, another principal is unaffected', async () => {
    const g = await securedGateway();
    await g.json('POST', '/v1/topics', { name: 't' }, admin);
    const limited = await createKey(g, [{ resource: 'topic:*', actions: ['read'] }], { quota: { requestsPerSecond: 5 } });
    const free = await createKey(g, [{ resource: 'topic:*', actions: ['read'] }]);
    const statuses: number[] = [];
    let refusal: any;
    for (let i = 0; i < 20; i++) {
      const res = await g.json('GET', '/v1/topics/t', undefined, bearer(limited.key));
      statuses.push(res.status);
      if (res.status === 429) refusal ??= res;
    }
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(5);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(refusal.body.code).toBe('RATE_LIMITED');
    expect(Number(refusal.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refusal.headers.get('ratelimit-policy')).toBe('"requests";q=5;w=1');
    expect(refusal.headers.get('ratelimit')).toMatch(/^"requests";r=0;t=\d+$/);
    for (let i = 0; i < 20; i++) expect((await g.json('GET', '/v1/topics/t', undefined, bearer(free.key))).status).toBe(200);
  });

  it('quotas: produce bytes over the quota get 429 and nothing is appended', async () => {
    const g = await securedGateway({ quotaProduceBytesPerSecond: 2_000 });
    await g.json('POST', '/v1/topics', { name: 't' }, admin);
    const { key } = await createKey(g, [{ resource: 'topic:t', actions: ['write'] }]);
    const body = { records: [{ value: 'x'.repeat(1_500) }] };
    expect((await g.json('POST', '/v1/topics/t/records', body, bearer(key))).status).toBe(200);
    const second = await g.json('POST', '/v1/topics/t/records', body, bearer(key));
    expect(second.status).toBe(429);
    expect(second.headers.get('ratelimit-policy')).toBe('"produce-bytes";q=2000;w=1');
    const offsets = (await g.json('GET', '/v1/topics/t', undefined, admin)).body.partitionOffsets;
    expect(offsets[0].highWatermark).toBe(1);
  });

  it('audit: key creation and revocation, topic and group deletion, and refusals each log one structured line, never the secret', async () => {
    const g = await securedGateway();
    await g.json('POST', '/v1/topics', { name: 't' }, admin);
    const { id, key } = await createKey(g, [{ resource: 'topic:t', actions: ['read'] }]);
    await g.json('DELETE', '/v1/topics/t', undefined, bearer(key)); // refused
    await g.json('GET', '/v1/topics', undefined, bearer('wrong-credential-here')); // refused
    await g.json('DELETE', '/v1/topics/t', undefined, admin);
    await g.json('DELETE', `/v1/keys/${id}`, undefined, admin);
    const audit = g.audit();
    expect(audit).toEqual([
      { principal: 'admin', action: 'createKey', resource: `key:${id}`, outcome: 'allowed' },
      { principal: `key:${id}`, action: 'deleteTopic', resource: 'topic:t', outcome: 'refused', reason: 'FORBIDDEN' },
      { principal: 'unauthenticated', action: 'GET /v1/topics', resource: '/v1/topics', outcome: 'refused', reason: 'UNAUTHORIZED' },
      { principal: 'admin', action: 'deleteTopic', resource: 'topic:t', outcome: 'allowed' },
      { principal: 'admin', action: 'deleteKey', resource: `key:${id}`, outcome: 'allowed' },
    ]);
    expect(JSON.stringify(audit)).not.toContain(key);
    expect(JSON.stringify(audit)).not.toContain(ADMIN_KEY);
  });
});

describe('without any credential setting (loopback, the laptop default)', () => {
  it('everything is allowed and keys can still be made (they take effect once authentication is on)', async () => {
    const g = await startGateway();
    expect((await g.json('POST', '/v1/topics', { name: 't' })).status).toBe(201);
    expect((await g.json('POST', '/v1/keys', { name: 'k', permissions: [] })).status).toBe(201);
  });
});
