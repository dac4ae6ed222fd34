/**
 * Retention by size needs each partition's size, which the store keeps in memory: after a start it
 * counts a partition once. With a step budget that count comes in parts with the event loop let go
 * between them, so a long partition does not hold the thread for a whole pass; appends that land
 * meanwhile are counted too, and a log start moved meanwhile makes the count start over later. A topic
 * description (partitionSizes) counts the same way.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import type { RecordToAppend } from '../../../src/storage/log-store.js';
import { openSqliteStore } from '../../../src/storage/sqlite/sqlite-store.js';
import { tempDir } from '../../helpers/gateway.js';

const VALUE = '"' + 'x'.repeat(98) + '"'; // 100 bytes a record
const records = (count: number): RecordToAppend[] => Array.from({ length: count }, () => ({ partition: 0, timestamp: 1, key: null, value: VALUE, headers: null }));

/** A store reopened over a partition of `count` records, so that it knows no size yet. */
async function reopened(count: number) {
  const dataDir = tempDir();
  const first = openSqliteStore({ dataDir, synchronous: 'NORMAL' });
  await first.createTopic('t', 1, {});
  for (let done = 0; done < count; done += 10_000) await first.append([{ topic: 't', records: records(Math.min(10_000, count - done)) }]);
  await first.close();
  const store = openSqliteStore({ dataDir, synchronous: 'NORMAL' });
  onTestFinished(() => store.close());
  return store;
}

describe('SQLite store: the first size count of a partition', () => {
  it('with a budget, lets the event loop run between its parts, counts what is appended meanwhile, and cuts exactly', async () => {
    const store = await reopened(60_000);
    let turns = 0;
    const ticking = setInterval(() => turns++, 0);
    // Appended while the count runs: they must be in it.
    const counting = store.offsetForSizeLimit!('t', 0, 1_000 * 100, 0);
    const appended = store.append([{ topic: 't', records: records(500) }]);
    const { offset: cut } = await counting;
    clearInterval(ticking);
    await appended;
    expect(turns).toBeGreaterThan(0);
    // A budgeted answer may stop short of the cut (the caller truncates and asks again), never past it.
    expect(cut).toBeGreaterThan(0);
    expect(cut).toBeLessThanOrEqual(59_500);
    // 60,500 records of 100 bytes: the newest 1,000 fit.
    expect((await store.offsetForSizeLimit!('t', 0, 1_000 * 100)).offset).toBe(59_500);
    expect(await store.partitionSizes('t')).toEqual([60_500 * 100]);
  });

  it('for a topic description (partitionSizes) too: in parts, counting what is appended meanwhile', async () => {
    const store = await reopened(60_000);
    let turns = 0;
    const ticking = setInterval(() => turns++, 0);
    const counting = store.partitionSizes('t');
    const appended = store.append([{ topic: 't', records: records(500) }]);
    const sizes = await counting;
    expect(turns, 'the event loop ran while it counted').toBeGreaterThan(0);
    clearInterval(ticking);
    await appended;
    expect(sizes).toEqual([60_500 * 100]);
    await store.truncateBefore('t', 0, 500);
    expect(await store.partitionSizes('t')).toEqual([60_000 * 100]);
  });

  it('starts over when the log start moves while it counts', async () => {
    const store = await reopened(60_000);
    const counting = store.offsetForSizeLimit!('t', 0, 100 * 100, 0);
    await store.truncateBefore('t', 0, 50_000);
    // The count that saw the old log start gives no cut; the next one counts what is left.
    expect(await counting).toEqual({ offset: 50_000, partial: false });
    expect((await store.offsetForSizeLimit!('t', 0, 100 * 100)).offset).toBe(59_900);
    expect(await store.partitionSizes('t')).toEqual([10_000 * 100]);
  });
});
