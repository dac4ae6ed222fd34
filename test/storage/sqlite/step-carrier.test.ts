/**
 * Cleanup steps carried by the next produce commit (src/storage/sqlite/step-carrier.ts), on a real
 * SQLite database: while appends come in a stream, a step waits for the next one and commits in its
 * transaction; a step that fails there is rolled back alone and the append commits; with no stream of
 * appends a step runs at once on its own, and one that waited in vain runs on its own too.
 */
import Database from 'better-sqlite3';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { StepCarrier, type CarriedStep } from '../../../src/storage/sqlite/step-carrier.js';
import { openSqliteStore } from '../../../src/storage/sqlite/sqlite-store.js';
import { tempDir } from '../../helpers/gateway.js';

function setUp() {
  const db = new Database(path.join(tempDir(), 'carrier.db'));
  db.pragma('journal_mode = WAL');
  onTestFinished(() => {
    db.close();
  });
  db.exec('CREATE TABLE produced (n INTEGER); CREATE TABLE cleaned (n INTEGER)');
  const carrier = new StepCarrier(
    (work) => db.transaction(work).immediate(),
    (work) => db.transaction(work)(),
  );
  const count = (table: string) => db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
  /** One append, as the store makes it: its rows, then whatever step waits, in one transaction. */
  const append = (n: number) => {
    const held: { ride?: ReturnType<StepCarrier['carry']> } = {};
    db.transaction(() => {
      db.prepare('INSERT INTO produced VALUES (?)').run(n);
      held.ride = carrier.carry();
    }).immediate();
    carrier.settle(held.ride, 1);
    return held.ride;
  };
  return { db, carrier, count, append };
}

/** A step that inserts a row into `cleaned` and says how many produced rows it saw from inside its transaction. */
function cleanupStep(db: Database.Database, committed: number[] = []): CarriedStep<number> {
  return {
    work: () => {
      db.prepare('INSERT INTO cleaned VALUES (1)').run();
      return db.prepare('SELECT count(*) FROM produced').pluck().get() as number;
    },
    committed: (seen) => committed.push(seen),
  };
}

describe('StepCarrier', () => {
  it('while appends come in a stream, runs a step inside the next append\'s transaction and settles it after that commit', async () => {
    const { db, carrier, count, append } = setUp();
    append(1);
    append(2);
    const committed: number[] = [];
    const step = carrier.run(cleanupStep(db, committed));
    expect(count('cleaned')).toBe(0); // waiting for the next append
    const ride = append(3);
    expect(ride).toBeDefined();
    // The step saw the third produced row from inside the transaction: the same one.
    await expect(step).resolves.toBe(3);
    expect(committed).toEqual([3]);
    expect([count('produced'), count('cleaned')]).toEqual([3, 1]);
  });

  it('rolls back a step that fails in its savepoint, alone: the append commits and the step is rejected', async () => {
    const { db, carrier, count, append } = setUp();
    append(1);
    append(2);
    const step = carrier.run({
      work: () => {
        db.prepare('INSERT INTO cleaned VALUES (1)').run();
        throw new Error('step failed');
      },
      committed: () => undefined,
    });
    append(3);
    await expect(step).rejects.toThrow('step failed');
    expect([count('produced'), count('cleaned')]).toEqual([3, 0]);
  });

  it('runs a step that rode in a failed transaction again on its own', async () => {
    const { db, carrier, count, append } = setUp();
    append(1);
    append(2);
    const step = carrier.run(cleanupStep(db));
    const held: { ride?: ReturnType<StepCarrier['carry']> } = {};
    expect(() =>
      db.transaction(() => {
        db.prepare('INSERT INTO produced VALUES (3)').run();
        held.ride = carrier.carry();
        throw new Error('append failed');
      }).immediate(),
    ).toThrow('append failed');
    carrier.settle(held.ride, undefined);
    await expect(step).resolves.toBe(2); // on its own, after the failed append's rollback
    expect([count('produced'), count('cleaned')]).toEqual([2, 1]);
  });

  it('without a stream of appends runs a step at once; a step that waited for an append that never came runs on its own', async () => {
    const { db, carrier, count, append } = setUp();
    await expect(carrier.run(cleanupStep(db))).resolves.toBe(0);
    append(1); // one append is not a stream
    await expect(carrier.run(cleanupStep(db))).resolves.toBe(1);
    expect(count('cleaned')).toBe(2);
    append(2);
    const waiting = carrier.run(cleanupStep(db));
    await expect(waiting).resolves.toBe(2); // no third append: it ran alone
    expect([count('produced'), count('cleaned')]).toEqual([2, 3]);
  });

  it('in the store: a retention step asked for while producers write commits with a produce, and nothing acknowledged is lost', async () => {
    const store = await openSqliteStore({ dataDir: tempDir(), synchronous: 'NORMAL' });
    onTestFinished(() => store.close());
    await store.createTopic('old', 1, {});
    await store.createTopic('live', 1, {});
    await store.append([{ topic: 'old', records: Array.from({ length: 500 }, (_, i) => ({ partition: 0, timestamp: 1, key: null, value: `${i}`, headers: null })) }]);
    const produce = (i: number) => store.append([{ topic: 'live', records: [{ partition: 0, timestamp: 1, key: null, value: `${i}`, headers: null }] }]);
    await produce(0);
    await produce(1);
    const cut = store.truncateBefore('old', 0, 300, 1_000);
    const acked = await produce(2);
    expect(await cut).toBe(300);
    expect(acked).toEqual([{ status: 'appended', positions: [{ partition: 0, offset: 2, timestamp: 1 }] }]);
    expect(await store.offsets('old')).toEqual([{ partition: 0, logStartOffset: 300, highWatermark: 500 }]);
    expect((await store.read('live', 0, 0, { maxRecords: 10, maxBytes: 1 << 20 })).map((r) => r.value)).toEqual(['0', '1', '2']);
  });
});
