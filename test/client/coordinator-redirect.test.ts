/**
 * Several gateways on one store: a WebSocket group member that connects to a gateway that does not coordinate
 * its group is refused with NOT_COORDINATOR naming the coordinator (an `error` message, then close 4503), and the
 * browser client reconnects there by itself. The client runs in Node here, on the `ws` package's WebSocket (the
 * browser's API); test/client/browser-*.test.ts run it in Chromium. Two in-process gateways share one SQLite
 * store told it is shared, whose leases stand in for the cluster's (test/cluster/ runs the same on NATS).
 */
import { expect, onTestFinished, test } from 'vitest';
import WebSocket from 'ws';
import { Logway } from '../../client/src/logway.js';
import { openSqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import { freePorts } from '../../src/tools/free-ports.js';
import { startGateway, tempDir } from '../helpers/gateway.js';
import { intercept } from '../helpers/intercept.js';
import { until } from '../helpers/until.js';

test('a group member sent to a gateway that does not coordinate its group is told where the coordinator is, and the client goes there', async () => {
  const store = intercept(openSqliteStore({ dataDir: tempDir(), synchronous: 'NORMAL' }), { singleGateway: () => false });
  const port = (await freePorts(1))[0]!;
  const a = await startGateway({ port, advertisedUrl: `http://127.0.0.1:${port}` }, { store });
  const b = await startGateway({}, { store });
  expect((await a.json('POST', '/v1/topics', { name: 't', partitions: 2 })).status).toBe(201);
  expect((await a.json('POST', '/v1/topics/t/records', { records: [0, 1, 2, 3].map((i) => ({ value: i, partition: i % 2 })) })).status).toBe(200);
  // a coordinates g: an administrator's commit created it there.
  expect((await a.json('POST', '/v1/groups/g/offsets', { offsets: [{ topic: 't', partition: 0, offset: 1 }] })).status).toBe(200);

  // What the gateway says to a raw socket on b: a stable refusal naming a.
  const raw = new WebSocket(`${b.url.replace(/^http/, 'ws')}/v1/topics/t/ws?group=g`, ['logway']);
  const frames: Record<string, unknown>[] = [];
  raw.on('message', (data) => frames.push(JSON.parse(data.toString()) as Record<string, unknown>));
  const closed = await new Promise<number>((resolve) => raw.on('close', (code) => resolve(code)));
  expect(closed).toBe(4503);
  expect(frames).toEqual([
    expect.objectContaining({ type: 'error', code: 'NOT_COORDINATOR', group: 'g', coordinator: a.url, retryAfterSeconds: expect.any(Number) }),
  ]);

  // The client, pointed at b, ends up a member at a and streams from the group's commits.
  const globals = globalThis as { WebSocket?: unknown };
  const before = globals.WebSocket;
  globals.WebSocket = WebSocket;
  onTestFinished(() => {
    globals.WebSocket = before;
  });
  const sub = new Logway({ url: b.url }).subscribe<number>('t', { group: 'g', from: 'earliest', reconnect: { initialDelayMs: 10, maxDelayMs: 100 } });
  onTestFinished(() => sub.close());
  const opened: { memberId?: string }[] = [];
  const errors: string[] = [];
  const values: number[] = [];
  sub.on('open', (info) => opened.push(info));
  sub.on('error', (e) => errors.push(e.code));
  sub.on('records', (records) => {
    values.push(...records.map((r) => r.value));
  });
  await until('the client to stream the group from a', () => values.length === 3);
  expect(values.sort()).toEqual([1, 2, 3]); // partition 0 from its committed offset 1, partition 1 from earliest
  expect(opened).toHaveLength(1);
  const described = await a.json('GET', '/v1/groups/g');
  expect(described.body.members.map((m: { memberId: string }) => m.memberId)).toEqual([opened[0]!.memberId]);
  expect(b.gateway.groups.list()).toEqual([]);
  expect(errors).toEqual([]);
});
