import { describe, expect, it } from 'vitest';
import { startGateway } from '../helpers/gateway.js';
import { expectProblem } from '../helpers/problem.js';
import { until } from '../helpers/until.js';

describe('health probes', () => {
  it('/healthz and /readyz answer 200 while the gateway runs', async () => {
    const { json } = await startGateway();
    expect(await json('GET', '/healthz')).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(await json('GET', '/readyz')).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it('/readyz answers 503 as soon as close starts, while /healthz stays 200 until the server stops', async () => {
    const { gateway } = await startGateway({}, { keep: true });
    const closing = gateway.close();
    // Through the app directly: the listening socket is already refusing new connections.
    const ready = await gateway.app.request('/readyz');
    const body = await ready.json();
    expectProblem({ status: ready.status, headers: ready.headers, body }, 503, 'UNAVAILABLE', /shutting down/);
    expect((await gateway.app.request('/healthz')).status).toBe(200);
    await closing;
  });

  it('/readyz?topic= on SQLite: ready for an existing topic (no partition list: one process, no replicas), 404 for none, 400 for a bad name', async () => {
    const { json } = await startGateway();
    await json('POST', '/v1/topics', { name: 't', partitions: 2 });
    expect(await json('GET', '/readyz?topic=t')).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect((await json('GET', '/readyz')).body).toEqual({ status: 'ok' });
    expectProblem(await json('GET', '/readyz?topic=nope'), 404, 'TOPIC_NOT_FOUND');
    expectProblem(await json('GET', '/readyz?topic=a%2Fb'), 400, 'INVALID_REQUEST', 'topic');
  });

  it('/readyz answers 503 when the store is closed (database not usable)', async () => {
    const { gateway, json } = await startGateway();
    await gateway.store.close();
    expectProblem(await json('GET', '/readyz'), 503, 'UNAVAILABLE');
    expect((await json('GET', '/healthz')).status).toBe(200);
  });

  it('a long-poll in flight answers at once when the gateway closes', async () => {
    const { gateway, json } = await startGateway({}, { keep: true });
    await json('POST', '/v1/topics', { name: 't', partitions: 1 });
    const waiters = gateway.log.notifier.waiters;
    const pending = json('GET', '/v1/topics/t/partitions/0/records?offset=0&waitMs=30000');
    await until('the long-poll to wait on the notifier', () => waiters.size === 1);
    const closing = gateway.close();
    // Shutdown itself ended the wait (not waitMs running out): the waiter is gone as close starts.
    expect(waiters.size).toBe(0);
    const res = await pending;
    expect(res.status).toBe(200);
    expect(res.body.records).toEqual([]);
    await closing;
  });
});
