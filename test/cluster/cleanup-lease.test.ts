/**
 * Cleanup (retention, compaction, key expiry) runs on one gateway of a cluster at a time: the holder of the
 * cluster lease `cleanup`. Two gateway processes on one namespace: only the holder runs passes and deletes;
 * after `kill -9` of it, the other takes the lease over and deletes. No NATS node is killed (the shared
 * cluster serves when CI has one).
 */
import { expect, it } from 'vitest';
import { requestJson, tempDir } from '../helpers/gateway.js';
import { scrape } from '../helpers/metrics.js';
import { freshNamespace, useNatsCluster } from '../helpers/nats-cluster.js';
import { startServerProcess, type ServerProcess } from '../helpers/process.js';
import { until } from '../helpers/until.js';

const cluster = useNatsCluster();

const LEASE_MS = 3_000;

function startClusterGateway(namespace: string): Promise<ServerProcess> {
  return startServerProcess(
    tempDir(),
    {
      LOGWAY_STORE: 'jetstream',
      LOGWAY_NATS_URLS: cluster.urls.join(','),
      LOGWAY_NATS_NAMESPACE: namespace,
      LOGWAY_CLEANUP_INTERVAL_MS: '200',
      LOGWAY_CLEANUP_LEASE_MS: String(LEASE_MS),
    },
    60_000,
  );
}

const metricsOf = (gw: ServerProcess) => scrape({ api: (path: string) => fetch(gw.url + path) } as never);

it('runs cleanup on one gateway at a time; when it is killed, the other takes over and deletes', async () => {
  const namespace = freshNamespace();
  const gateways = [await startClusterGateway(namespace), await startClusterGateway(namespace)];
  const [a] = gateways;
  expect((await requestJson(a!.url + '/v1/topics', 'POST', { name: 't', partitions: 1, config: { retentionMs: 60_000 } })).status).toBe(201);
  // Records ten minutes old, each request its own batch (the JetStream store always keeps a partition's last batch).
  const produceOld = async (gw: ServerProcess, count: number) => {
    for (let i = 0; i < count; i++) {
      const res = await requestJson(gw.url + '/v1/topics/t/records', 'POST', { records: [{ value: i, timestamp: Date.now() - 600_000 }] });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }
  };
  const logStart = async (gw: ServerProcess) => (await requestJson(gw.url + '/v1/topics/t', 'GET')).body.partitionOffsets?.[0]?.logStartOffset ?? 0;

  await produceOld(a!, 5);
  await until('retention to delete the old records', async () => (await logStart(a!)) >= 4, { timeoutMs: 60_000, intervalMs: 200 });
  // Let several more passes go by, then look at who ran them.
  const passes = async () => (await Promise.all(gateways.map(metricsOf))).reduce((n, m) => n + m.value('logway_retention_runs_total', { outcome: 'ok' }), 0);
  const passesBefore = await passes();
  await until('five more passes', async () => (await passes()) >= passesBefore + 5, { timeoutMs: 60_000, intervalMs: 200 });
  const seen = await Promise.all(gateways.map(metricsOf));
  const runs = seen.map((m) => m.value('logway_retention_runs_total', { outcome: 'ok' }));
  const deleted = seen.map((m) => m.value('logway_retention_deleted_records_total'));
  console.log(`cleanup-lease: passes ${runs}, deleted ${deleted}, held ${seen.map((m) => m.value('logway_cleanup_lease_held'))}`);
  const holder = runs.findIndex((n) => n > 0);
  expect(holder).toBeGreaterThanOrEqual(0);
  const other = 1 - holder;
  // Only the holder ran passes (so only it deleted, and expired keys); the other never did.
  expect(runs[other]).toBe(0);
  expect(deleted[other]).toBe(0);
  expect(deleted[holder]).toBeGreaterThanOrEqual(4);
  expect(seen.map((m) => m.value('logway_cleanup_lease_held'))).toEqual(holder === 0 ? [1, 0] : [0, 1]);

  const killedAt = Date.now();
  gateways[holder]!.kill('SIGKILL');
  await gateways[holder]!.exited;
  const survivor = gateways[other]!;
  const startBefore = await logStart(survivor);
  await produceOld(survivor, 5);
  await until('the surviving gateway to delete', async () => (await logStart(survivor)) >= startBefore + 5, { timeoutMs: 60_000, intervalMs: 200 });
  console.log(`cleanup-lease: the survivor deleted ${Date.now() - killedAt} ms after the kill (lease ${LEASE_MS} ms)`);
  const after = await metricsOf(survivor);
  expect(after.value('logway_retention_runs_total', { outcome: 'ok' })).toBeGreaterThan(0);
  expect(after.value('logway_retention_deleted_records_total')).toBeGreaterThanOrEqual(5);
  expect(after.value('logway_cleanup_lease_held')).toBe(1);
}, 180_000);
