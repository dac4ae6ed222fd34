/**
 * Long-polls end when the client goes away or the gateway shuts down. They used to wait on
 * AbortSignal.any([request, shutdown]); on Node 20 every such combined signal stays referenced
 * from the long-lived shutdown signal, so each fetch or poll with waitMs grew the heap for the
 * life of the process (~6 MB per 100k requests, measured in review). The waiting code now
 * listens to each signal and removes its listeners when the wait ends.
 *
 * The app (with the event-stream routes) is assembled here, not through createGateway, to hold the shutdown signal.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { expect, onTestFinished, test } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { systemClock } from '../../src/core/clock.js';
import { GroupCoordinator } from '../../src/core/groups.js';
import { Log } from '../../src/core/log.js';
import { Notifier } from '../../src/core/notifier.js';
import { createApp } from '../../src/http/app.js';
import { openSecurity } from '../../src/auth/security.js';
import { sseRoutes } from '../../src/sse/routes.js';
import { openSqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import { tempDir } from '../helpers/gateway.js';
import { until as waitFor } from '../helpers/until.js';
import { countListeners } from '../helpers/abort-listeners.js';

/** Node's internal set of signals made by AbortSignal.any from this one (0 where Node has none). */
function dependants(signal: AbortSignal): number {
  const symbol = Object.getOwnPropertySymbols(signal).find((s) => s.description === 'kDependantSignals');
  const set = symbol ? (signal as unknown as Record<symbol, Set<unknown> | undefined>)[symbol] : undefined;
  return set?.size ?? 0;
}



async function gatewayWithShutdown() {
  const config = loadConfig({ overrides: { logLevel: 'silent', dataDir: tempDir() } });
  const store = openSqliteStore({ dataDir: config.dataDir, synchronous: 'NORMAL' });
  const notifier = new Notifier();
  const log = new Log(store, notifier, config, systemClock);
  const groups = new GroupCoordinator({ store, log, notifier, clock: systemClock, settings: config });
  await groups.start();
  const shutdown = new AbortController();
  const security = await openSecurity(config, store.credentials, () => {}, () => Date.now());
  const onUnexpectedError = (err: unknown) => console.error(err);
  const routes = [sseRoutes(log, config, shutdown.signal, onUnexpectedError, groups)];
  const app = createApp({ config, log, groups, store, security, shutdown: shutdown.signal, onUnexpectedError, routes });
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  onTestFinished(async () => {
    shutdown.abort();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await groups.stop();
    await store.close();
  });
  const post = (path: string, body: unknown) =>
    fetch(url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { url, shutdown, post, notifier };
}

test('fetches and polls with waitMs leave nothing attached to the shutdown signal', async () => {
  const { url, shutdown, post, notifier } = await gatewayWithShutdown();
  const listeners = countListeners(shutdown.signal);
  expect((await post('/v1/topics', { name: 't', partitions: 1 })).status).toBe(201);
  const join = await post('/v1/groups/g/members', { topics: ['t'], autoOffsetReset: 'latest' });
  const { memberId } = (await join.json()) as { memberId: string };

  // Each request waits its 1 ms at the high watermark (nothing is produced), then answers empty.
  const rounds = 20;
  const concurrent = 10;
  for (let round = 0; round < rounds; round++) {
    const responses = await Promise.all(
      Array.from({ length: concurrent }, (_, i) =>
        fetch(
          i % 2 === 0
            ? `${url}/v1/topics/t/partitions/0/records?offset=0&waitMs=1`
            : `${url}/v1/groups/g/members/${memberId}/records?waitMs=1`,
        ),
      ),
    );
    for (const res of responses) {
      expect(res.status).toBe(200);
      expect(((await res.json()) as { records: unknown[] }).records).toEqual([]);
    }
  }
  // Before: rounds x concurrent signals made by AbortSignal.any, held by the shutdown signal.
  expect(dependants(shutdown.signal)).toBe(0);
  expect(listeners()).toBe(0);

  // The waits still listen to the shutdown signal, through ONE listener however many wait (one
  // each used to be quadratic and printed MaxListenersExceededWarning past ten): shutting down
  // answers every pending long-poll at once.
  const pending = Array.from({ length: 30 }, (_, i) =>
    fetch(
      i % 3 === 0
        ? `${url}/v1/groups/g/members/${memberId}/records?waitMs=60000`
        : `${url}/v1/topics/t/partitions/0/records?offset=0&waitMs=60000`,
    ),
  );
  await waitFor('the long-polls to wait', () => notifier.waiters.size === 30);
  expect(listeners()).toBe(1);
  shutdown.abort();
  expect(notifier.waiters.size).toBe(0);
  for (const res of await Promise.all(pending)) {
    expect(res.status).toBe(200);
    expect(((await res.json()) as { records: unknown[] }).records).toEqual([]);
  }
  expect(listeners()).toBe(0);
});

test('a long-poll whose client goes away leaves the waiter registry (fetch and group poll)', async () => {
  const { url, post, notifier } = await gatewayWithShutdown();
  expect((await post('/v1/topics', { name: 't', partitions: 1 })).status).toBe(201);
  const join = await post('/v1/groups/g/members', { topics: ['t'], autoOffsetReset: 'latest' });
  const { memberId } = (await join.json()) as { memberId: string };
  for (const path of ['/v1/topics/t/partitions/0/records?offset=0&waitMs=60000', `/v1/groups/g/members/${memberId}/records?waitMs=60000`]) {
    const client = new AbortController();
    const poll = fetch(url + path, { signal: client.signal }).catch((err: unknown) => err);
    await waitFor('the long-poll to wait', () => notifier.waiters.size === 1);
    client.abort();
    await poll;
    await waitFor('the abandoned long-poll to leave the registry', () => notifier.waiters.size === 0);
    expect(notifier.waiters.signalListeners).toBe(0);
  }
});

test('a group event stream leaves nothing attached to the shutdown signal once its client goes away', async () => {
  const { url, shutdown, post } = await gatewayWithShutdown();
  const listeners = countListeners(shutdown.signal);
  expect((await post('/v1/topics', { name: 't', partitions: 1 })).status).toBe(201);
  for (let stream = 0; stream < 3; stream++) {
    const client = new AbortController();
    const res = await fetch(`${url}/v1/topics/t/events?group=g`, { signal: client.signal });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let text = '';
    while (!text.includes('event: joined')) text += new TextDecoder().decode((await reader.read()).value);
    client.abort();
    await waitFor('the member to leave', async () => ((await (await fetch(`${url}/v1/groups/g`)).json()) as { members: unknown[] }).members.length === 0);
  }
  // Each stream listened to the shutdown signal while it ran; none is left once they ended.
  expect(listeners()).toBe(0);
});
