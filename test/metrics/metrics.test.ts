/**
 * GET /metrics, scraped over HTTP from a real gateway and parsed as Prometheus would: each
 * counter moves by exactly what the test did, gauges read the state at scrape time, and
 * topic and group labels stop at metricsMaxLabelValues (the rest under `_other`).
 */
import { describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../helpers/gateway.js';
import { scrape } from '../helpers/metrics.js';
import { until } from '../helpers/until.js';
import { openSocket } from '../ws/ws-client.js';

async function createTopic(gw: RunningGateway, name: string, partitions = 1) {
  expect((await gw.json('POST', '/v1/topics', { name, partitions })).status).toBe(201);
}

async function produce(gw: RunningGateway, topic: string, values: unknown[]) {
  return gw.json('POST', `/v1/topics/${topic}/records`, { records: values.map((value) => ({ value })) });
}

describe('GET /metrics', () => {
  it('serves the Prometheus text format', async () => {
    const gw = await startGateway();
    const res = await gw.api('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(await res.text()).toContain('# TYPE logway_produced_records_total counter');
  });

  it('counts records and bytes produced per topic, and produce requests by outcome, by exactly what was produced', async () => {
    const gw = await startGateway();
    await createTopic(gw, 'orders');
    const before = await scrape(gw);

    // Values as stored: JSON text `{"n":1}` is 7 bytes, `"abc"` is 5, `42` is 2.
    expect((await produce(gw, 'orders', [{ n: 1 }, 'abc', 42])).status).toBe(200);
    expect((await produce(gw, 'orders', [{ n: 2 }])).status).toBe(200);

    const after = await scrape(gw);
    const delta = (name: string, labels?: Record<string, string>) => after.value(name, labels) - before.value(name, labels);
    expect(delta('logway_produced_records_total', { topic: 'orders' })).toBe(4);
    expect(delta('logway_produced_bytes_total', { topic: 'orders' })).toBe(7 + 5 + 2 + 7);
    expect(delta('logway_produce_requests_total', { outcome: 'ok' })).toBe(2);
    // Each produce was made durable by a group commit.
    expect(after.count('logway_commit_duration_seconds') - before.count('logway_commit_duration_seconds')).toBe(2);
    expect(after.count('logway_commit_batch_requests') - before.count('logway_commit_batch_requests')).toBe(2);
    expect(after.value('logway_partition_high_watermark', { topic: 'orders', partition: '0' })).toBe(4);
    expect(after.value('logway_partition_log_start_offset', { topic: 'orders', partition: '0' })).toBe(0);
  });

  it('counts a refused produce by its problem code, and nothing as produced', async () => {
    const gw = await startGateway({ maxRecordBytes: 100 });
    await createTopic(gw, 'orders');
    const before = await scrape(gw);

    expect((await produce(gw, 'missing', [1])).status).toBe(404);
    expect((await produce(gw, 'orders', ['x'.repeat(200)])).status).toBe(413);
    const key = { 'idempotency-key': 'k1' };
    expect((await gw.json('POST', '/v1/topics/orders/records', { records: [{ value: 1 }] }, key)).status).toBe(200);
    expect((await gw.json('POST', '/v1/topics/orders/records', { records: [{ value: 1 }] }, key)).status).toBe(200);

    const after = await scrape(gw);
    const delta = (name: string, labels?: Record<string, string>) => after.value(name, labels) - before.value(name, labels);
    expect(delta('logway_produce_requests_total', { outcome: 'TOPIC_NOT_FOUND' })).toBe(1);
    expect(delta('logway_produce_requests_total', { outcome: 'RECORD_TOO_LARGE' })).toBe(1);
    expect(delta('logway_produce_requests_total', { outcome: 'ok' })).toBe(1);
    expect(delta('logway_produce_requests_total', { outcome: 'replayed' })).toBe(1);
    // Only the first keyed request appended a record; a missing topic got no series of its own.
    expect(delta('logway_produced_records_total', { topic: 'orders' })).toBe(1);
    expect(after.has('logway_produced_records_total', { topic: 'missing' })).toBe(false);
  });

  it('counts the records a fetch returned, and times requests per route template and status class', async () => {
    const gw = await startGateway();
    await createTopic(gw, 'orders');
    await produce(gw, 'orders', [1, 2, 3, 4, 5]);
    const before = await scrape(gw);

    const fetched = await gw.json('GET', '/v1/topics/orders/partitions/0/records?offset=1&limit=3');
    expect(fetched.status).toBe(200);
    expect(fetched.body.records).toHaveLength(3);
    expect((await gw.json('GET', '/v1/topics/orders/partitions/0/records?offset=99')).status).toBe(416);

    const route = '/v1/topics/:topic/partitions/:partition/records';
    const histogram = 'logway_http_request_duration_seconds';
    const ok = { method: 'GET', route, status_class: '2xx' };
    const refused = { method: 'GET', route, status_class: '4xx' };
    // A request is observed once its response has left, which may be just after the client has read it.
    const after = await until('both fetches to be observed', async () => {
      const s = await scrape(gw);
      return s.count(histogram, refused) > before.count(histogram, refused) && s;
    });
    expect(after.count(histogram, ok) - before.count(histogram, ok)).toBe(1);
    expect(after.count(histogram, refused) - before.count(histogram, refused)).toBe(1);
    expect(after.value('logway_fetched_records_total', { topic: 'orders' }) - before.value('logway_fetched_records_total', { topic: 'orders' })).toBe(3);
    expect(after.value('logway_fetched_bytes_total', { topic: 'orders' })).toBeGreaterThan(before.value('logway_fetched_bytes_total', { topic: 'orders' }));
    // Paths never become labels: only route templates do (and `unmatched`).
    await gw.api('/no/such/path');
    const routes = (await scrape(gw)).labels(histogram).map((l) => l.route);
    expect(routes).toContain('unmatched');
    expect(routes.every((r) => r === 'unmatched' || !r?.includes('orders'))).toBe(true);
  });

  it('counts a WebSocket socket opened and closed, its subscription, and the records it was sent', async () => {
    const gw = await startGateway();
    await createTopic(gw, 'orders');
    await produce(gw, 'orders', [1, 2]);
    const before = await scrape(gw);

    const socket = await openSocket(gw.url, '/v1/topics/orders/ws?from=earliest');
    await socket.until(() => socket.records.length === 2, 'both records');
    const open = await scrape(gw);
    expect(open.value('logway_ws_sockets_opened_total') - before.value('logway_ws_sockets_opened_total')).toBe(1);
    expect(open.value('logway_ws_sockets')).toBe(1);
    expect(open.value('logway_ws_subscriptions')).toBe(1);
    expect(open.value('logway_fetched_records_total', { topic: 'orders' }) - before.value('logway_fetched_records_total', { topic: 'orders' })).toBe(2);

    socket.ws.close(1000, 'done');
    await socket.closed;
    const closedBy = { code: '1000', by: 'client' };
    await until('the close to be counted', async () => (await scrape(gw)).value('logway_ws_sockets_closed_total', closedBy) === before.value('logway_ws_sockets_closed_total', closedBy) + 1);
    const after = await scrape(gw);
    expect(after.value('logway_ws_sockets')).toBe(0);
    expect(after.value('logway_ws_subscriptions')).toBe(0);
    expect(after.value('logway_ws_slow_closes_total')).toBe(0);
  });

  it('counts a socket the server closed with its code', async () => {
    const gw = await startGateway();
    const socket = await openSocket(gw.url, '/v1/topics/missing/ws');
    expect((await socket.closed).code).toBe(4404);
    await until('the close to be counted', async () => (await scrape(gw)).value('logway_ws_sockets_closed_total', { code: '4404', by: 'server' }) === 1);
  });

  it('on SQLite: the one gateway holds the cleanup lease, and there are no replica gauges (test/cluster/readiness.test.ts has them)', async () => {
    const gw = await startGateway();
    await createTopic(gw, 'orders');
    await until('the cleanup lease to be held', async () => (await scrape(gw)).value('logway_cleanup_lease_held') === 1);
    const scraped = await scrape(gw);
    for (const name of ['logway_partition_quorum', 'logway_partition_leader', 'logway_partition_replica_current', 'logway_partition_replica_lag']) {
      expect(scraped.labels(name)).toEqual([]);
    }
  });

  it('reads waiting long-polls, consumer lag, and the database files at scrape time', async () => {
    const gw = await startGateway();
    await createTopic(gw, 'orders');
    await produce(gw, 'orders', [1, 2, 3, 4, 5]);
    expect((await gw.json('POST', '/v1/groups/billing/offsets', { offsets: [{ topic: 'orders', partition: 0, offset: 2 }] })).status).toBe(200);

    const first = await scrape(gw);
    expect(first.value('logway_consumer_lag', { group: 'billing', topic: 'orders', partition: '0' })).toBe(3);
    expect(first.value('logway_consumer_groups')).toBe(1);
    expect(first.value('logway_long_polls_waiting')).toBe(0);
    expect(first.value('logway_database_bytes')).toBeGreaterThan(0);
    expect(first.value('logway_wal_bytes')).toBeGreaterThan(0);
    expect(first.value('logway_connections')).toBeGreaterThanOrEqual(1);
    expect(first.value('logway_pending_produce_bytes')).toBe(0);

    const poll = gw.json('GET', '/v1/topics/orders/partitions/0/records?offset=5&waitMs=30000');
    await until('the long-poll to be waiting', async () => (await scrape(gw)).value('logway_long_polls_waiting') === 1);
    await produce(gw, 'orders', [6]);
    expect((await poll).body.records).toHaveLength(1);
    const last = await scrape(gw);
    expect(last.value('logway_long_polls_waiting')).toBe(0);
    // The woken long-poll's record counts as fetched, as a plain fetch's would.
    expect(last.value('logway_fetched_records_total', { topic: 'orders' }) - first.value('logway_fetched_records_total', { topic: 'orders' })).toBe(1);
    expect(last.value('logway_consumer_lag', { group: 'billing', topic: 'orders', partition: '0' })).toBe(4);
  });

  it('counts the records a consumer group member polled, and a waiting group poll', async () => {
    const gw = await startGateway();
    await createTopic(gw, 'orders', 2);
    await gw.json('POST', '/v1/topics/orders/records', { records: [1, 2, 3].map((value) => ({ value, partition: 0 })) });
    await gw.json('POST', '/v1/topics/orders/records', { records: [{ value: 4, partition: 1 }] });
    const joined = await gw.json('POST', '/v1/groups/billing/members', { topics: ['orders'], autoOffsetReset: 'earliest' });
    expect(joined.status).toBe(201);
    const member = `/v1/groups/billing/members/${joined.body.memberId}`;
    // Partitions are granted by heartbeat until the member holds the whole topic.
    await until('both partitions granted', async () => {
      const hb = await gw.json('POST', `${member}/heartbeat`, { memberEpoch: joined.body.memberEpoch, ownedPartitions: [] });
      return hb.body.assignment?.length === 2;
    });
    const before = await scrape(gw);

    const polled = await gw.json('GET', `${member}/records?limit=10`);
    expect(polled.body.records).toHaveLength(4);
    const waiting = gw.json('GET', `${member}/records?limit=10&waitMs=30000`);
    await until('the group poll to be waiting', async () => (await scrape(gw)).value('logway_long_polls_waiting') === 1);
    await gw.json('POST', '/v1/topics/orders/records', { records: [{ value: 5, partition: 1 }] });
    expect((await waiting).body.records).toHaveLength(1);

    const after = await scrape(gw);
    expect(after.value('logway_fetched_records_total', { topic: 'orders' }) - before.value('logway_fetched_records_total', { topic: 'orders' })).toBe(5);
    expect(after.value('logway_long_polls_waiting')).toBe(0);
  });

  it('counts retention runs and the records they deleted', async () => {
    const gw = await startGateway({ retentionCheckIntervalMs: 100 });
    expect((await gw.json('POST', '/v1/topics', { name: 'short', partitions: 1, config: { retentionMs: 1000 } })).status).toBe(201);
    await gw.json('POST', '/v1/topics/short/records', { records: [{ value: 1, timestamp: 1 }, { value: 2, timestamp: 2 }] });
    await until('a retention run to delete both records', async () => (await scrape(gw)).value('logway_retention_deleted_records_total') === 2);
    const after = await scrape(gw);
    expect(after.value('logway_retention_runs_total', { outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(after.value('logway_retention_runs_total', { outcome: 'failed' })).toBe(0);
    expect(after.value('logway_partition_log_start_offset', { topic: 'short', partition: '0' })).toBe(2);
  });

  it('gives the first metricsMaxLabelValues topics and groups a label each and folds the rest into _other', async () => {
    const gw = await startGateway({ metricsMaxLabelValues: 2 });
    for (const t of ['a', 'b', 'c', 'd']) await createTopic(gw, t);
    // Produced in this order: a and b get labels, c and d share _other.
    await produce(gw, 'a', [1]);
    await produce(gw, 'b', [1, 2]);
    await produce(gw, 'c', [1, 2, 3]);
    await produce(gw, 'd', [1, 2, 3, 4]);
    for (const g of ['g1', 'g2', 'g3']) {
      expect((await gw.json('POST', `/v1/groups/${g}/offsets`, { offsets: [{ topic: 'a', partition: 0, offset: 0 }] })).status).toBe(200);
    }

    const s = await scrape(gw);
    expect(s.labels('logway_produced_records_total').map((l) => l.topic).sort()).toEqual(['_other', 'a', 'b']);
    expect(s.value('logway_produced_records_total', { topic: '_other' })).toBe(7);
    expect(s.value('logway_produced_records_total', { topic: 'b' })).toBe(2);
    // Per-partition gauges list only labelled topics; the count still covers all.
    expect(s.labels('logway_partition_high_watermark').map((l) => l.topic).sort()).toEqual(['a', 'b']);
    expect(s.value('logway_topics')).toBe(4);
    expect(s.labels('logway_consumer_lag').map((l) => l.group).sort()).toEqual(['g1', 'g2']);
    expect(s.value('logway_consumer_groups')).toBe(3);
  });
});
