/**
 * A gateway on the JetStream store when the cluster loses its quorum: produce is answered 503 with
 * Retry-After (bounded by natsProduceTimeoutMs, never a hang), /readyz says not ready with the
 * reason (it probes with a write: a node cut off from its peers still answers reads for a while),
 * and both recover once the nodes are back, with every acknowledged record still there.
 */
import { expect, it } from 'vitest';
import { signalNode, startNode, waitHealthy, writeLayout } from '../../src/tools/nats-cluster.js';
import { startGateway, tempDir } from '../helpers/gateway.js';
import { openTestStore, useNatsCluster } from '../helpers/nats-cluster.js';

const cluster = useNatsCluster({ own: true });

it('answers 503 with Retry-After while two of three nodes are down, is not ready meanwhile, and recovers', async () => {
  const store = await openTestStore(cluster.urls);
  const gw = await startGateway({ natsProduceTimeoutMs: 2_000 }, { store, dataDir: tempDir() });
  expect((await gw.json('POST', '/v1/topics', { name: 't', partitions: 1 })).status).toBe(201);
  const first = await gw.json('POST', '/v1/topics/t/records', { records: [{ value: 'before' }] });
  expect(first.status).toBe(200);
  expect((await gw.api('/readyz')).status).toBe(200);

  const layout = cluster.layout!;
  const down = layout.nodes.slice(1);
  for (const node of down) await signalNode(node, 'SIGKILL');

  const refused = await gw.json('POST', '/v1/topics/t/records', { records: [{ value: 'during' }] });
  expect(refused.status).toBe(503);
  expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  const ready = await gw.json('GET', '/readyz');
  expect(ready.status).toBe(503);
  expect(ready.body.detail).toMatch(/NATS cluster/);

  for (const node of down) startNode(node);
  writeLayout(layout);
  await waitHealthy(layout);
  // Back: the store reconnects and produce works again; the record acknowledged before is still first.
  let again = await gw.json('POST', '/v1/topics/t/records', { records: [{ value: 'after' }] });
  for (let i = 0; i < 20 && again.status === 503; i++) {
    await new Promise((r) => setTimeout(r, 500));
    again = await gw.json('POST', '/v1/topics/t/records', { records: [{ value: 'after' }] });
  }
  expect(again.status).toBe(200);
  expect((await gw.api('/readyz')).status).toBe(200);
  const fetched = await gw.json('GET', '/v1/topics/t/partitions/0/records?offset=0');
  const values = fetched.body.records.map((r: { value: string }) => r.value);
  expect(values[0]).toBe('before');
  expect(values).toContain('after');
  // The refused produce may or may not have been stored (a 503 promises nothing either way), but never twice.
  expect(values.filter((v: string) => v === 'during').length).toBeLessThanOrEqual(1);
  expect(fetched.body.records.map((r: { offset: number }) => r.offset)).toEqual(values.map((_: unknown, i: number) => i));
});
