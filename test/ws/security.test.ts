/**
 * Security on WebSocket (issue 11): handshakes are refused with REST's statuses, browsers carry
 * their credential in the URL or a subprotocol, multiplexed commands are checked one by one, and
 * a socket whose key is revoked or whose token expires is closed with 4401.
 */
import WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../helpers/gateway.js';
import { until } from '../helpers/until.js';
import { openSocket } from './ws-client.js';

const ADMIN_KEY = 'test-admin-key-0123456789';
const admin = { authorization: `Bearer ${ADMIN_KEY}` };

/** The status of a refused handshake (or 101 when it opens). */
function handshakeStatus(url: string, options: WebSocket.ClientOptions = {}, protocols?: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url.replace(/^http/, 'ws'), protocols, options);
    ws.once('open', () => {
      ws.terminate();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

async function setup(overrides: Record<string, unknown> = {}) {
  const g = await startGateway({ adminKey: ADMIN_KEY, ...overrides });
  for (const name of ['orders', 'secret']) await g.json('POST', '/v1/topics', { name }, admin);
  await g.json('POST', '/v1/topics/orders/records', { records: [{ value: 'first' }] }, admin);
  return g;
}

async function key(g: RunningGateway, permissions: unknown[]) {
  return (await g.json('POST', '/v1/keys', { name: 'ws', permissions }, admin)).body as { id: string; key: string };
}

describe('WebSocket handshakes', () => {
  it('are refused with 401 without a credential and 403 without read on the topic (or the group)', async () => {
    const g = await setup();
    const reader = await key(g, [{ resource: 'topic:orders', actions: ['read'] }]);
    expect(await handshakeStatus(`${g.url}/v1/topics/orders/ws`)).toBe(401);
    expect(await handshakeStatus(`${g.url}/v1/ws`)).toBe(401);
    expect(await handshakeStatus(`${g.url}/v1/topics/orders/ws?access_token=lwk_0123456789abcdef_wrong`)).toBe(401);
    expect(await handshakeStatus(`${g.url}/v1/topics/secret/ws?access_token=${reader.key}`)).toBe(403);
    expect(await handshakeStatus(`${g.url}/v1/topics/orders/ws?group=ui&access_token=${reader.key}`)).toBe(403);
    expect(await handshakeStatus(`${g.url}/v1/topics/orders/ws?access_token=${reader.key}`)).toBe(101);
  });

  it('accept the credential as ?access_token=, as the subprotocol pair `logway, bearer.<token>` (answered `logway`), or as a header', async () => {
    const g = await setup();
    const reader = await key(g, [{ resource: 'topic:orders', actions: ['read'] }]);

    const byQuery = await openSocket(g.url, `/v1/topics/orders/ws?from=earliest&access_token=${reader.key}`);
    expect((await byQuery.next('records')).records[0].value).toBe('first');

    const byProtocol = await openSocket(g.url, '/v1/topics/orders/ws?from=earliest', ['logway', `bearer.${reader.key}`]);
    expect(byProtocol.ws.protocol).toBe('logway');
    expect((await byProtocol.next('records')).records[0].value).toBe('first');

    const byHeader = new WebSocket(`${g.url.replace(/^http/, 'ws')}/v1/ws`, { headers: { authorization: `Bearer ${reader.key}` } });
    await new Promise((resolve, reject) => byHeader.once('open', resolve).once('error', reject));
    byHeader.terminate();
  });

  it('from a browser page on an origin not listed are refused (cross-site WebSocket hijacking), even with a token in the URL', async () => {
    const g = await setup({ corsOrigins: 'http://app.example' });
    const reader = await key(g, [{ resource: 'topic:orders', actions: ['read'] }]);
    const path = `${g.url}/v1/topics/orders/ws?access_token=${reader.key}`;
    expect(await handshakeStatus(path, { origin: 'http://evil.example' })).toBe(403);
    expect(await handshakeStatus(path, { origin: 'http://app.example' })).toBe(101);
    expect(await handshakeStatus(path, { origin: g.url })).toBe(101); // the gateway's own pages
    expect(await handshakeStatus(path)).toBe(101); // not a browser: no Origin
  });
});

describe('multiplexed commands are checked one by one', () => {
  it('a refused subscribe or produce gets an error frame naming what is missing; the socket stays and allowed commands work', async () => {
    const g = await setup();
    const reader = await key(g, [{ resource: 'topic:orders', actions: ['read'] }]);
    const socket = await openSocket(g.url, `/v1/ws?access_token=${reader.key}`);
    socket.send({ type: 'subscribe', id: 1, topic: 'secret', from: 'earliest' });
    expect(await socket.next('error', (m) => m.id === 1)).toMatchObject({ code: 'FORBIDDEN', resource: 'topic:secret', action: 'read' });
    socket.send({ type: 'produce', id: 2, topic: 'orders', records: [{ value: 'nope' }] });
    expect(await socket.next('error', (m) => m.id === 2)).toMatchObject({ code: 'FORBIDDEN', action: 'write' });
    socket.send({ type: 'subscribe', id: 3, topic: 'orders', from: 'earliest' });
    await socket.next('subscribed', (m) => m.id === 3);
    expect((await socket.next('records')).records.map((r: any) => r.value)).toEqual(['first']); // 'nope' was never appended
    expect(socket.ws.readyState).toBe(WebSocket.OPEN);
  });
});

describe('sockets end with their credential', () => {
  it('revoking a key closes its sockets with 4401', async () => {
    const g = await setup();
    const reader = await key(g, [{ resource: 'topic:orders', actions: ['read'] }]);
    const socket = await openSocket(g.url, `/v1/topics/orders/ws?access_token=${reader.key}`);
    expect((await g.json('DELETE', `/v1/keys/${reader.id}`, undefined, admin)).status).toBe(204);
    expect(await socket.closed).toEqual({ code: 4401, reason: 'the API key of this socket was revoked' });
  });

  it('a socket opened with a token is closed with 4401 when the token expires', async () => {
    const g = await setup();
    const minter = await key(g, [
      { resource: 'cluster', actions: ['admin'] },
      { resource: 'topic:orders', actions: ['read'] },
    ]);
    const minted = await g.json(
      'POST',
      '/v1/tokens',
      { permissions: [{ resource: 'topic:orders', actions: ['read'] }], ttlSeconds: 1 },
      { authorization: `Bearer ${minter.key}` },
    );
    const socket = await openSocket(g.url, `/v1/topics/orders/ws?access_token=${minted.body.token}`);
    expect(await socket.closed).toEqual({ code: 4401, reason: 'the credential of this socket has expired' });
  });

  it('a principal may hold at most quotaMaxSocketsPerPrincipal sockets; the next is closed with 4429', async () => {
    const g = await setup({ quotaMaxSocketsPerPrincipal: 2 });
    const reader = await key(g, [{ resource: 'topic:orders', actions: ['read'] }]);
    const path = `/v1/topics/orders/ws?access_token=${reader.key}`;
    await openSocket(g.url, path);
    const second = await openSocket(g.url, path);
    const third = await openSocket(g.url, path);
    expect((await third.closed).code).toBe(4429);
    second.ws.close();
    await second.closed;
    // The client's close can be seen before the server's: the slot is free once the server has let go.
    await until('the server to release the second socket', () => g.gateway.sockets.size === 1);
    const fourth = await openSocket(g.url, path);
    // Accepted, not merely opened: a refused socket opens too, then gets 4429 (and no subscribed frame).
    expect(await fourth.next('subscribed')).toMatchObject({ topic: 'orders' });
    const other = await openSocket(g.url, `/v1/ws?access_token=${ADMIN_KEY}`); // another principal
    other.ws.send(JSON.stringify({ type: 'subscribe', id: 1, topic: 'orders' }));
    expect(await other.next('subscribed')).toMatchObject({ id: 1, topic: 'orders' });
  });
});
