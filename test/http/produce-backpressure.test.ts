/**
 * Produce back-pressure over HTTP: past maxPendingProduceBytes a produce is answered
 * 503 OVERLOADED with Retry-After (distinct from UNAVAILABLE, "shutting down"), and
 * stores nothing. The store's append is held behind a gate, so the first produce's
 * commit is in flight for as long as the test needs: no timing involved.
 */
import { expect, test } from 'vitest';
import { openSqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import { startGateway, tempDir } from '../helpers/gateway.js';
import { expectProblem } from '../helpers/problem.js';
import { until } from '../helpers/until.js';
import { intercept } from '../helpers/intercept.js';

function gatedStore() {
  const store = openSqliteStore({ dataDir: tempDir(), synchronous: 'NORMAL' });
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  let appends = 0;
  const gated = intercept(store, {
    append: (append) => async (requests) => {
      appends++;
      await gate;
      return append(requests);
    },
  });
  return { store: gated, open, appends: () => appends };
}

test('a produce past maxPendingProduceBytes gets 503 OVERLOADED with Retry-After, as problem details, and stores nothing', async () => {
  const gated = gatedStore();
  const { json } = await startGateway({ maxPendingProduceBytes: 1024, autoCreateTopics: false }, { store: gated.store });
  expect((await json('POST', '/v1/topics', { name: 't', partitions: 1 })).status).toBe(201);
  const records = [{ value: 'x'.repeat(800) }];

  const first = json('POST', '/v1/topics/t/records', { records });
  await until('the first produce to be committing', () => gated.appends() === 1);
  const refused = await json('POST', '/v1/topics/t/records', { records });
  expectProblem(refused, 503, 'OVERLOADED', /maxPendingProduceBytes/);
  expect(refused.headers.get('retry-after')).toBe('1');

  gated.open();
  expect((await first).status).toBe(200);
  const fetched = await json('GET', '/v1/topics/t/partitions/0/records?offset=0');
  expect(fetched.body.records).toHaveLength(1);
  expect(fetched.body.highWatermark).toBe(1);
});
