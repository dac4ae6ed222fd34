/**
 * The request and WebSocket logs, captured from a real gateway through a pino destination
 * the test passes in: one `info` line per request with its route template and request id
 * (echoed in X-Request-Id), socket open and close lines, level names, and never a record's
 * key or value or a token.
 */
import http from 'node:http';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { loadConfig, type ConfigInput } from '../../src/config.js';
import { createLogger } from '../../src/logging/logger.js';
import { startGateway } from '../helpers/gateway.js';
import { until } from '../helpers/until.js';

interface Line {
  level: string;
  time: string;
  msg: string;
  [field: string]: unknown;
}

/** A gateway whose logger writes JSON lines (at info) into `lines`. */
async function loggedGateway(overrides: ConfigInput = {}) {
  const lines: Line[] = [];
  const raw: string[] = [];
  const logger = createLogger(loadConfig({ overrides: { logLevel: 'info', logFormat: 'json' } }), {
    write(chunk: string) {
      raw.push(chunk);
      lines.push(JSON.parse(chunk) as Line);
    },
  });
  const gw = await startGateway(overrides, { logger });
  const requestLines = () => lines.filter((l) => typeof l.route === 'string');
  return { gw, lines, raw, requestLines };
}

describe('request log', () => {
  it('writes one info line per request: method, route template, URL, status, duration, bytes and request id', async () => {
    const { gw, requestLines } = await loggedGateway();
    const res = await gw.json('POST', '/v1/topics', { name: 'orders' });
    expect(res.status).toBe(201);
    await until('the request line', () => requestLines().length === 1);

    const [line] = requestLines();
    expect(line).toMatchObject({
      level: 'info',
      method: 'POST',
      route: '/v1/topics',
      url: '/v1/topics',
      status: 201,
      bytesIn: JSON.stringify({ name: 'orders' }).length,
      reqId: res.headers.get('x-request-id'),
      msg: 'POST /v1/topics 201',
    });
    expect(new Date(line!.time).toISOString()).toBe(line!.time);
    expect(line!.durationMs).toEqual(expect.any(Number));
    // The response's bytes as written, headers included.
    expect(line!.bytesOut).toBeGreaterThan(0);
    // A made-up id is a UUID.
    expect(line!.reqId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it('logs a long-poll whose client went away, marked aborted (the review of issue 17 found it missing)', async () => {
    const { gw, requestLines } = await loggedGateway();
    await gw.json('POST', '/v1/topics', { name: 'quiet' });
    await until('the create line', () => requestLines().length === 1);
    const client = new AbortController();
    const poll = fetch(`${gw.url}/v1/topics/quiet/partitions/0/records?offset=0&waitMs=20000`, { signal: client.signal }).catch(() => 'aborted');
    await until('the long-poll to park', () => gw.gateway.log.notifier.waiting === 1);
    client.abort();
    expect(await poll).toBe('aborted');
    await until('the abandoned long-poll to be logged', () => requestLines().length === 2);
    expect(requestLines()[1]).toMatchObject({ route: '/v1/topics/:topic/partitions/:partition/records', aborted: true });
  });

  it('logs each answer on a kept-alive connection once, not aborted, with the bytes written for that answer', async () => {
    const { gw, requestLines } = await loggedGateway();
    await gw.json('POST', '/v1/topics', { name: 'kept' });
    await until('the create line', () => requestLines().length === 1);
    // One socket for all three: each answer's bytes are what the socket read since the last one's end.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const received: number[] = [];
    const reused: boolean[] = [];
    let readBefore = 0;
    try {
      for (const path of ['/v1/topics/kept', '/v1/topics', '/nothing/here']) {
        await new Promise<void>((resolve, reject) => {
          const req = http.get(`${gw.url}${path}`, { agent }, (res) => {
            reused.push(req.reusedSocket);
            const socket = res.socket;
            res.resume();
            res.once('end', () => {
              received.push(socket.bytesRead - readBefore);
              readBefore = socket.bytesRead;
              resolve();
            });
          });
          req.once('error', reject);
        });
      }
    } finally {
      agent.destroy();
    }
    expect(reused).toEqual([false, true, true]);
    await until('three more request lines', () => requestLines().length === 4);
    const lines = requestLines().slice(1);
    expect(lines.map((l) => l.status)).toEqual([200, 200, 404]);
    expect(lines.map((l) => l.aborted)).toEqual([undefined, undefined, undefined]);
    expect(lines.map((l) => l.bytesOut)).toEqual(received);
  });

  it('keeps a valid X-Request-Id and echoes it; replaces an invalid one with its own', async () => {
    const { gw, requestLines } = await loggedGateway();
    const kept = await gw.api('/healthz', { headers: { 'x-request-id': 'trace-4bf92f35_77=' } });
    expect(kept.headers.get('x-request-id')).toBe('trace-4bf92f35_77=');
    const spaced = await gw.api('/healthz', { headers: { 'x-request-id': 'not valid; rm -rf' } });
    const long = await gw.api('/healthz', { headers: { 'x-request-id': 'a'.repeat(129) } });
    for (const res of [spaced, long]) {
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
    await until('three request lines', () => requestLines().length === 3);
    expect(requestLines().map((l) => l.reqId)).toEqual([
      'trace-4bf92f35_77=',
      spaced.headers.get('x-request-id'),
      long.headers.get('x-request-id'),
    ]);
  });

  it('echoes the request id once on every kind of answer: JSON, a problem, 404, a streamed NDJSON export, a woken long-poll', async () => {
    // The id is set on node's response and merged into whatever answer is written (not on each web Response).
    const { gw, requestLines } = await loggedGateway();
    await gw.json('POST', '/v1/topics', { name: 'ids' });
    const poll = fetch(`${gw.url}/v1/topics/ids/partitions/0/records?offset=0&waitMs=20000`, { headers: { 'x-request-id': 'poll-1' } });
    await until('the long-poll to park', () => gw.gateway.log.notifier.waiting === 1);
    const produced = await gw.api('/v1/topics/ids/records', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'produce-1' },
      body: JSON.stringify({ records: [{ value: 1 }] }),
    });
    const problem = await gw.api('/v1/topics/ids/records', { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'bad-1' }, body: '{' });
    const missing = await gw.api('/nothing/here', { headers: { 'x-request-id': 'missing-1' } });
    const exported = await gw.api('/v1/topics/ids/partitions/0/records?offset=0', { headers: { accept: 'application/x-ndjson', 'x-request-id': 'export-1' } });
    const woken = await poll;
    const answers = { 'produce-1': produced, 'bad-1': problem, 'missing-1': missing, 'export-1': exported, 'poll-1': woken };
    expect(Object.values(answers).map((r) => r.status)).toEqual([200, 400, 404, 200, 200]);
    expect(exported.headers.get('content-type')).toMatch(/ndjson/);
    expect(await exported.text()).toContain('"value":1');
    expect((await woken.json()).records).toHaveLength(1);
    // fetch joins a repeated header with ", ": equal means exactly once.
    for (const [id, res] of Object.entries(answers)) expect(res.headers.get('x-request-id'), id).toBe(id);
    await until('six request lines', () => requestLines().length === 6);
    expect(requestLines().slice(1).map((l) => l.reqId).sort()).toEqual(Object.keys(answers).sort());
  });

  it('logs route templates for errors and `unmatched` for paths with no route', async () => {
    const { gw, requestLines } = await loggedGateway();
    await gw.api('/v1/topics/missing');
    await gw.api('/nothing/here');
    await until('two request lines', () => requestLines().length === 2);
    expect(requestLines().map((l) => [l.route, l.url, l.status])).toEqual([
      ['/v1/topics/:topic', '/v1/topics/missing', 404],
      ['unmatched', '/nothing/here', 404],
    ]);
  });

  it('logs and ids requests refused before any route runs: no credential (401), a cross-origin WebSocket handshake (403)', async () => {
    // Authentication and the origin check run first of all; a refusal is still a request the log must show.
    const { gw, requestLines } = await loggedGateway({ adminKey: 'review-admin-key-0123456789' });
    const refused = await gw.api('/v1/topics', { headers: { 'x-request-id': 'no-credential-1' } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('x-request-id')).toBe('no-credential-1');
    const crossSite = new WebSocket(`${gw.url.replace('http', 'ws')}/v1/ws`, {
      origin: 'https://evil.example',
      headers: { authorization: 'Bearer review-admin-key-0123456789', 'x-request-id': 'cross-site-2' },
    });
    const status = await new Promise<number>((resolve, reject) => {
      crossSite.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)).once('open', () => reject(new Error('opened')));
    });
    expect(status).toBe(403);
    await until('two request lines', () => requestLines().length === 2);
    expect(requestLines().map((l) => [l.reqId, l.status])).toEqual([
      ['no-credential-1', 401],
      ['cross-site-2', 403],
    ]);
  });

  it('never logs a record key or value, and redacts access_token in URLs', async () => {
    const { gw, raw, requestLines } = await loggedGateway();
    await gw.json('POST', '/v1/topics', { name: 'orders' });
    const produced = await gw.json('POST', '/v1/topics/orders/records', {
      records: [{ key: 'KEY-SECRET-1', value: { card: 'VALUE-SECRET-2' }, headers: { auth: 'HEADER-SECRET-3' } }],
    });
    expect(produced.status).toBe(200);
    const fetched = await gw.json('GET', '/v1/topics/orders/partitions/0/records?offset=0&access_token=TOKEN-SECRET-4&limit=1');
    expect(fetched.body.records[0].value.card).toBe('VALUE-SECRET-2');
    await until('three request lines', () => requestLines().length === 3);

    expect(requestLines()[2]!.url).toBe('/v1/topics/orders/partitions/0/records?offset=0&access_token=[REDACTED]&limit=1');
    const all = raw.join('');
    for (const secret of ['KEY-SECRET-1', 'VALUE-SECRET-2', 'HEADER-SECRET-3', 'TOKEN-SECRET-4']) expect(all).not.toContain(secret);
  });

  it('writes a line when a WebSocket opens and when it closes, with code, reason, side and the handshake request id', async () => {
    const { gw, lines, raw } = await loggedGateway();
    await gw.json('POST', '/v1/topics', { name: 'orders' });

    const ws = new WebSocket(`${gw.url.replace('http', 'ws')}/v1/topics/orders/ws?access_token=TOKEN-SECRET-5`, {
      headers: { 'x-request-id': 'socket-1' },
    });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    await until('the open line', () => lines.some((l) => l.msg === 'websocket open'));
    ws.close(1000, 'bye');
    await until('the close line', () => lines.some((l) => l.msg === 'websocket close 1000'));

    const missing = new WebSocket(`${gw.url.replace('http', 'ws')}/v1/topics/missing/ws`, { headers: { 'x-request-id': 'socket-2' } });
    missing.on('error', () => {});
    await until('the server to close the second socket', () => lines.some((l) => l.msg === 'websocket close 4404'));

    expect(lines.find((l) => l.msg === 'websocket open')).toMatchObject({ level: 'info', reqId: 'socket-1', path: '/v1/topics/orders/ws' });
    expect(lines.find((l) => l.msg === 'websocket close 1000')).toMatchObject({ reqId: 'socket-1', code: 1000, reason: 'bye', by: 'client' });
    expect(lines.find((l) => l.msg === 'websocket close 4404')).toMatchObject({
      reqId: 'socket-2',
      code: 4404,
      reason: "topic 'missing' does not exist",
      by: 'server',
    });
    // The handshake's own request line has the token redacted.
    expect(raw.join('')).not.toContain('TOKEN-SECRET-5');
  });
});

describe('createLogger', () => {
  it('names levels instead of numbering them, and redacts secret fields', () => {
    const lines: Line[] = [];
    const logger = createLogger({ logLevel: 'debug', logFormat: 'json' }, { write: (s: string) => lines.push(JSON.parse(s) as Line) });
    logger.debug('d');
    logger.warn({ token: 'abc', nested: { password: 'p', kept: 1 } }, 'w');
    expect(lines.map((l) => l.level)).toEqual(['debug', 'warn']);
    expect(lines[1]).toMatchObject({ token: '[REDACTED]', nested: { password: '[REDACTED]', kept: 1 } });
  });

  it('stamps each line with the time it was logged, in ISO form to the millisecond', async () => {
    const lines: Line[] = [];
    const logger = createLogger({ logLevel: 'info', logFormat: 'json' }, { write: (s: string) => lines.push(JSON.parse(s) as Line) });
    const before = Date.now();
    logger.info('first');
    const between = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const later = Date.now();
    logger.info('second');
    const after = Date.now();
    const [first, second] = lines.map((l) => Date.parse(l.time));
    expect(lines.map((l) => new Date(l.time).toISOString())).toEqual(lines.map((l) => l.time));
    expect(first).toBeGreaterThanOrEqual(before);
    expect(first).toBeLessThanOrEqual(between);
    expect(second).toBeGreaterThanOrEqual(later);
    expect(second).toBeLessThanOrEqual(after);
    expect(second).toBeGreaterThan(first!);
  });

  it('writes nothing below its level', () => {
    const lines: string[] = [];
    const logger = createLogger({ logLevel: 'warn', logFormat: 'json' }, { write: (s: string) => lines.push(s) });
    logger.info('quiet');
    expect(lines).toEqual([]);
  });
});
