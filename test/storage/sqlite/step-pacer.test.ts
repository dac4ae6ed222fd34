/**
 * Compaction and retention steps sized by their whole cost, commit included
 * (src/storage/sqlite/step-pacer.ts): the pacer's arithmetic, and a step of the key index (compaction)
 * or of the record table (retention's range delete) that stops at what the pacer allows, the next
 * going on where it stopped until the job is exactly done. Costs are taught, never timed.
 */
import Database from 'better-sqlite3';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { KeyIndex } from '../../../src/storage/sqlite/keys.js';
import { RecordTable } from '../../../src/storage/sqlite/records.js';
import { openSqliteStore } from '../../../src/storage/sqlite/sqlite-store.js';
import { DATABASE_FILE } from '../../../src/storage/sqlite/database.js';
import { MIN_STEP_DELETES, StepPacer } from '../../../src/storage/sqlite/step-pacer.js';
import type { TopicState } from '../../../src/storage/sqlite/topics.js';
import { tempDir } from '../../helpers/gateway.js';

/** Teaches the pacer that commits of appends take `ms`. */
function appends(pacer: StepPacer, ms: number): void {
  for (let i = 0; i < 8; i++) pacer.appendCommitted(ms);
}

describe('StepPacer', () => {
  it('allows as many records as the budget pays for at the learned cost beyond the fixed part of a commit', () => {
    const pacer = new StepPacer();
    // Nothing learned: the step's time budget alone bounds it.
    expect(pacer.allowance(5, 0, 0)).toBe(Number.MAX_SAFE_INTEGER);
    appends(pacer, 2); // small produce commits: about one fsync each
    pacer.stepCommitted(12, 100); // 10 ms beyond it for 100 records
    expect(pacer.msPerRecord).toBeCloseTo(0.1);
    expect(pacer.allowance(5, 0, 0)).toBe(50);
    // Statement time and records already deleted use the budget up.
    expect(pacer.allowance(5, 1, 20)).toBe(20);
    expect(pacer.allowance(5, 4, 10)).toBe(0);
    // A step that has deleted nothing may always delete a few, so that it makes progress.
    expect(pacer.allowance(5, 6, 0)).toBe(MIN_STEP_DELETES);
  });

  it('does not charge the fixed part of a commit to the records: a budget below one fsync does not shrink steps to the minimum', () => {
    const pacer = new StepPacer();
    appends(pacer, 8);
    pacer.stepCommitted(10, 100);
    expect(pacer.allowance(5, 0, 0)).toBe(250);
  });

  it('learns nothing per record from steps that deleted too few, and follows later steps smoothly', () => {
    const pacer = new StepPacer();
    appends(pacer, 1);
    pacer.stepCommitted(50, MIN_STEP_DELETES - 1);
    expect(pacer.msPerRecord).toBe(0);
    pacer.stepCommitted(101, 100); // 1 ms a record
    pacer.stepCommitted(11, 100); // 0.1 ms a record: the estimate moves towards it, not all the way
    expect(pacer.msPerRecord).toBeLessThan(1);
    expect(pacer.msPerRecord).toBeGreaterThan(0.1);
  });

  it('with no appends seen (no producer to protect), prices the fixed part from the steps themselves', () => {
    const pacer = new StepPacer();
    pacer.stepCommitted(10, 100); // nothing known yet: the whole commit is charged
    expect(pacer.msPerRecord).toBeCloseTo(0.1);
    for (let i = 0; i < 10; i++) pacer.stepCommitted(10, 100); // steps alike cost nothing beyond their median
    expect(pacer.msPerRecord).toBeLessThan(0.01);
  });
});

describe('a compaction step of the key index', () => {
  it('stops at what the pacer allows, deleting in offset order, and the next steps go on from there to exactly the latest version per key', async () => {
    const dataDir = tempDir();
    const store = await openSqliteStore({ dataDir, synchronous: 'NORMAL' });
    await store.createTopic('t', 1, {});
    // 10 keys with 600 versions each: the first chunk of offsets names every key.
    for (let round = 0; round < 6; round++) {
      const records = Array.from({ length: 1_000 }, (_, i) => ({ partition: 0, timestamp: 1_000, key: `k${i % 10}`, value: `"${round}-${i}"`, headers: null }));
      await store.append([{ topic: 't', records }]);
    }
    await store.close();
    const db = new Database(path.join(dataDir, DATABASE_FILE));
    onTestFinished(() => {
      db.close();
    });
    const topic = { id: (db.prepare('SELECT id FROM topics').pluck().get() as number) } as TopicState;
    const keys = new KeyIndex(db);
    const pacer = new StepPacer();
    appends(pacer, 0);
    pacer.stepCommitted(100, 1_000); // 0.1 ms a record: a 4 ms budget pays for at most 40
    const step = { from: 0, before: 6_000, maxTimestamp: Number.MAX_SAFE_INTEGER, budgetMs: 4 };

    const offsets = db.prepare('SELECT offset FROM records WHERE topic_id = ? ORDER BY offset').pluck();
    const first = db.transaction(() => keys.compact(topic, 0, step, pacer))();
    expect(first.removed).toBeGreaterThan(0);
    expect(first.removed).toBeLessThanOrEqual(Math.max(40, MIN_STEP_DELETES));
    // In offset order: the step deleted the first offsets (each superseded), neighbours on the same
    // pages, not the old versions of one key spread over the partition.
    expect(first.reached).toBe(first.removed);
    expect(offsets.all(topic.id)).toEqual(Array.from({ length: 6_000 - first.removed }, (_, i) => first.removed + i));
    let removed = first.removed;
    let from = first.reached;
    let steps = 1;
    for (;;) {
      const next = db.transaction(() => keys.compact(topic, 0, { ...step, from }, pacer))();
      expect(next.removed).toBeLessThanOrEqual(Math.max(40, MIN_STEP_DELETES));
      removed += next.removed;
      steps++;
      if (next.reached <= from && next.removed === 0) break;
      from = next.reached;
    }
    expect(removed).toBe(5_990);
    expect(steps).toBeGreaterThan(5_990 / 40);
    expect(offsets.all(topic.id)).toEqual(Array.from({ length: 10 }, (_, i) => 5_990 + i));
  });
});

describe('a retention step of the record table', () => {
  it('deletes no more records than the pacer allows, and the next steps go on from where it stopped to exactly the cut', async () => {
    const dataDir = tempDir();
    const store = await openSqliteStore({ dataDir, synchronous: 'NORMAL' });
    await store.createTopic('t', 1, {});
    const records = Array.from({ length: 3_000 }, (_, i) => ({ partition: 0, timestamp: 1_000, key: null, value: `"${i}"`, headers: null }));
    await store.append([{ topic: 't', records }]);
    await store.close();
    const db = new Database(path.join(dataDir, DATABASE_FILE));
    onTestFinished(() => {
      db.close();
    });
    const topic = { id: (db.prepare('SELECT id FROM topics').pluck().get() as number) } as TopicState;
    const table = new RecordTable(db);
    const pacer = new StepPacer();
    appends(pacer, 0);
    pacer.stepCommitted(100, 1_000); // 0.1 ms a record: a 4 ms budget pays for at most 40
    // A generous statement budget: only the pacer can end these steps early.
    const options = { budgetMs: 10_000, countBytes: true, allowed: (elapsedMs: number, removed: number) => pacer.allowance(4, elapsedMs, removed) };
    const cut = 2_500;
    let from = 0;
    let steps = 0;
    let removed = 0;
    while (from < cut) {
      const step = db.transaction(() => table.deleteRange(topic, 0, from, cut, options))();
      expect(step.removed).toBeGreaterThan(0);
      expect(step.removed).toBeLessThanOrEqual(40);
      expect(step.reached).toBe(from + step.removed); // contiguous offsets: one record each
      expect(step.bytes).toBeGreaterThan(0);
      removed += step.removed;
      from = step.reached;
      steps++;
    }
    expect(from).toBe(cut);
    expect(removed).toBe(cut);
    expect(steps).toBeGreaterThanOrEqual(cut / 40);
    const left = db.prepare('SELECT offset FROM records WHERE topic_id = ? ORDER BY offset').pluck().all(topic.id);
    expect(left).toEqual(Array.from({ length: 500 }, (_, i) => cut + i));
  });

  it('without a time budget, deletes the whole range at once', async () => {
    const dataDir = tempDir();
    const store = await openSqliteStore({ dataDir, synchronous: 'NORMAL' });
    await store.createTopic('t', 1, {});
    await store.append([{ topic: 't', records: Array.from({ length: 1_000 }, (_, i) => ({ partition: 0, timestamp: 1_000, key: null, value: `"${i}"`, headers: null })) }]);
    await store.close();
    const db = new Database(path.join(dataDir, DATABASE_FILE));
    onTestFinished(() => {
      db.close();
    });
    const topic = { id: (db.prepare('SELECT id FROM topics').pluck().get() as number) } as TopicState;
    const table = new RecordTable(db);
    const all = db.transaction(() => table.deleteRange(topic, 0, 0, 600))();
    expect(all).toMatchObject({ reached: 600, removed: 600 });
    const left = db.prepare('SELECT count(*) FROM records WHERE topic_id = ?').pluck().get(topic.id);
    expect(left).toBe(400);
  });
});
