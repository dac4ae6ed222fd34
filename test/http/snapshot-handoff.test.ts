/**
 * Issue 14: a snapshot, then a live read from its offsets (REST fetch and WebSocket from=<offset> per
 * partition), while a producer writes throughout: every change after the snapshot is seen exactly once,
 * with no gap and no duplicate, and snapshot + changes give the state the producer made.
 */
import { expect, it } from 'vitest';
import { startGateway } from '../helpers/gateway.js';
import { openSocket } from '../ws/ws-client.js';

type Rec = { partition: number; offset: number; key: string; value: unknown };

/** A change applied to a table: a null value (tombstone) deletes its key. */
function apply(table: Map<string, unknown>, r: Rec): void {
  if (r.value === null) table.delete(r.key);
  else table.set(r.key, r.value);
}

it('snapshot + subscribe from its offsets: every later change exactly once, no gap, while a producer writes throughout', async () => {
  const gw = await startGateway();
  const { json } = gw;
  await json('POST', '/v1/topics', { name: 'table', partitions: 2, config: { cleanupPolicy: 'compact' } });
  const produced: Rec[] = [];
  let n = 0;
  const produceOne = async () => {
    const key = `k${n % 13}`;
    const value = n % 7 === 6 ? null : n;
    n++;
    const res = await json('POST', '/v1/topics/table/records', { records: [{ key, value }] });
    expect(res.status).toBe(200);
    const [pos] = res.body.records as { partition: number; offset: number }[];
    produced.push({ partition: pos!.partition, offset: pos!.offset, key, value });
  };
  for (let i = 0; i < 40; i++) await produceOne();
  let stop = false;
  const producer = (async () => {
    while (!stop) await produceOne();
  })();

  // The snapshot, in small pages, while the producer writes.
  const snapshot: Rec[] = [];
  const first = await json('GET', '/v1/topics/table/snapshot?limit=3');
  const offsets = first.body.offsets as { partition: number; offset: number }[];
  snapshot.push(...first.body.records);
  for (let cursor = first.body.nextCursor; cursor !== null; ) {
    const page = await json('GET', `/v1/topics/table/snapshot?limit=3&cursor=${cursor}`);
    expect(page.status).toBe(200);
    snapshot.push(...page.body.records);
    cursor = page.body.nextCursor;
  }
  const sockets = await Promise.all(offsets.map((o) => openSocket(gw.url, `/v1/topics/table/ws?partitions=${o.partition}&from=${o.offset}`)));
  // The producer wrote while the snapshot was taken (the snapshot's offsets are behind it), and goes on.
  expect(produced.length).toBeGreaterThan(offsets.reduce((sum, o) => sum + o.offset, 0));
  const seenAtStart = produced.length;
  while (produced.length < seenAtStart + 40) await new Promise((r) => setTimeout(r, 20));
  stop = true;
  await producer;

  const expectedChanges = (partition: number) => produced.filter((r) => r.partition === partition && r.offset >= offsets[partition]!.offset);
  for (const o of offsets) {
    const want = expectedChanges(o.partition);
    // WebSocket: exactly the records from the offset on, in order.
    const socket = sockets[o.partition]!;
    await socket.until(() => socket.records.length >= want.length, `partition ${o.partition}: ${want.length} changes over WebSocket`);
    expect(socket.records.map((r) => [r.offset, r.key, r.value])).toEqual(want.map((r) => [r.offset, r.key, r.value]));
    // REST fetch from the offset: the same.
    const fetched: Rec[] = [];
    for (let offset = o.offset; fetched.length < want.length; ) {
      const res = await json('GET', `/v1/topics/table/partitions/${o.partition}/records?offset=${offset}&limit=7`);
      fetched.push(...res.body.records);
      offset = res.body.nextOffset;
    }
    expect(fetched.map((r) => [r.offset, r.key, r.value])).toEqual(want.map((r) => [r.offset, r.key, r.value]));
  }

  // Snapshot, then the changes applied in order, is the state the producer made.
  const state = new Map<string, unknown>();
  for (const r of snapshot) state.set(r.key, r.value);
  for (const o of offsets) for (const r of expectedChanges(o.partition)) apply(state, r);
  const model = new Map<string, unknown>();
  for (const r of produced) apply(model, r);
  expect(new Map([...state].sort())).toEqual(new Map([...model].sort()));
  // The snapshot itself is the model as of its offsets.
  const asOf = new Map<string, unknown>();
  for (const r of produced) if (r.offset < offsets[r.partition]!.offset) apply(asOf, r);
  expect(new Map(snapshot.map((r) => [r.key, r.value] as const).sort())).toEqual(new Map([...asOf].sort()));
});
