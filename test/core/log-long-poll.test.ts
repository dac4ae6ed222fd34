/**
 * Long-poll race: fetch reads the partition's bounds, then waits for an append. An append
 * that commits and is published between the two (another request's commit finishing while
 * fetch awaits the store; with a networked store, another node's append) used to be missed:
 * the fetch then waited its whole waitMs although a record was there.
 */
import { expect, test } from 'vitest';
import { parseEncoded } from '../helpers/encoded.js';
import { racingLog } from '../helpers/race.js';

test('a record appended between the read of the bounds and the wait answers the long-poll at once', async () => {
  const race = await racingLog();
  race.arm();
  const fetched = race.log.fetch('t', 0, 0, { maxRecords: 10, maxBytes: 1_000, waitMs: 60_000, signals: [race.signal] });
  expect(await race.answeredAtOnce(fetched)).toBe(true);
  const result = await fetched;
  expect(parseEncoded(result.json).map((r) => r.value)).toEqual(['raced']);
  expect(result.highWatermark).toBe(1);
  expect(race.notifier.listenerCount).toBe(0);
});
