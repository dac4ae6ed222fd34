/**
 * ClientGone: what a REST long-poll waits on for its client going away (src/http/client-gone.ts),
 * on a real node:http server and real sockets.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, onTestFinished, test } from 'vitest';
import { ClientGone } from '../../src/http/client-gone.js';

/** Sends one request to a real server and resolves with the server's response to it (unanswered) and the client's request. */
async function requestHeld() {
  let held: (res: http.ServerResponse) => void = () => {};
  const arrived = new Promise<http.ServerResponse>((resolve) => (held = resolve));
  const server = http.createServer((_req, res) => held(res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const client = http.get({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, path: '/' });
  client.on('error', () => {});
  return { res: await arrived, client };
}

test('aborts, calling each listener once, when the connection closes before the answer is written', async () => {
  const { res, client } = await requestHeld();
  const listenersBefore = res.listenerCount('close');
  const gone = new ClientGone(res);
  expect(gone.aborted).toBe(false);
  const calls: string[] = [];
  const aborted = new Promise<void>((resolve) => gone.addEventListener('abort', () => (calls.push('a'), resolve())));
  gone.addEventListener('abort', () => calls.push('b'));
  const removed = () => calls.push('removed');
  gone.addEventListener('abort', removed);
  gone.removeEventListener('abort', removed);
  client.destroy();
  await aborted;
  expect(gone.aborted).toBe(true);
  expect(calls).toEqual(['a', 'b']);
  expect(res.listenerCount('close')).toBe(listenersBefore);
});

test('an answered request never aborts; its listener is off the response once removed', async () => {
  const { res, client } = await requestHeld();
  const listenersBefore = res.listenerCount('close');
  const gone = new ClientGone(res);
  let called = 0;
  const listener = () => called++;
  gone.addEventListener('abort', listener);
  expect(res.listenerCount('close')).toBe(listenersBefore + 1);
  gone.removeEventListener('abort', listener);
  expect(res.listenerCount('close')).toBe(listenersBefore);
  // Listening at the answer: the response's 'close' after a written answer is no abort.
  gone.addEventListener('abort', listener);
  const answered = new Promise<void>((resolve) => client.on('response', (r) => (r.resume(), r.on('end', resolve))));
  const closed = new Promise<void>((resolve) => res.once('close', resolve));
  res.end('ok');
  await answered;
  await closed;
  expect(gone.aborted).toBe(false);
  expect(called).toBe(0);
});
