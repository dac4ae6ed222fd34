/**
 * The table view of a topic without compaction (cleanupPolicy delete): the latest record of a key and a
 * snapshot, over REST. Runs on both stores (also in `npm run test:jetstream`, where each gateway derives
 * its index of keys from the log); compacted topics have test/http/compacted-topics.test.ts.
 */
import { expect, it } from 'vitest';
import { startGateway } from '../helpers/gateway.js';
import { expectProblem } from '../helpers/problem.js';

type Page = { offsets?: { partition: number; offset: number }[]; records: { partition: number; offset: number; key: string; value: unknown }[]; nextCursor: string | null };

it('reads a key and takes a snapshot of a delete topic, then continues from the snapshot offsets with a fetch', async () => {
  const { json } = await startGateway();
  await json('POST', '/v1/topics', { name: 'prices', partitions: 2 });
  await json('POST', '/v1/topics/prices/records', {
    records: [
      { key: 'apple', value: 1, partition: 0 },
      { key: 'pear', value: 1, partition: 0 },
      { key: 'apple', value: 2, partition: 0 },
      { key: 'plum', value: 1, partition: 1 },
      { key: 'plum', value: null, partition: 1 },
      { value: 'no key', partition: 1 },
    ],
  });
  expect((await json('GET', '/v1/topics/prices/keys/apple')).body).toMatchObject({ topic: 'prices', partition: 0, offset: 2, value: 2 });
  expectProblem(await json('GET', '/v1/topics/prices/keys/plum'), 404, 'NOT_FOUND', 'plum');
  expectProblem(await json('GET', '/v1/topics/prices/keys/kiwi'), 404, 'NOT_FOUND', 'kiwi');

  const first = await json<Page>('GET', '/v1/topics/prices/snapshot?limit=1');
  expect(first.status).toBe(200);
  expect(first.body.offsets).toEqual([
    { partition: 0, offset: 3 },
    { partition: 1, offset: 3 },
  ]);
  // Written after the snapshot's offsets: not in its pages, but in the fetch from them.
  await json('POST', '/v1/topics/prices/records', { records: [{ key: 'pear', value: 2, partition: 0 }] });
  const records = [...first.body.records];
  for (let cursor = first.body.nextCursor; cursor !== null; ) {
    const page = await json<Page>('GET', `/v1/topics/prices/snapshot?limit=1&cursor=${cursor}`);
    records.push(...page.body.records);
    cursor = page.body.nextCursor;
  }
  expect(records.map((r) => [r.partition, r.key, r.value])).toEqual([
    [0, 'apple', 2],
    [0, 'pear', 1],
  ]);
  const live = await json<{ records: { key: string; value: unknown }[] }>('GET', '/v1/topics/prices/partitions/0/records?offset=3');
  expect(live.body.records.map((r) => [r.key, r.value])).toEqual([['pear', 2]]);
  expect((await json('GET', '/v1/topics/prices/keys/pear')).body).toMatchObject({ offset: 3, value: 2 });
});
