/**
 * WAL checkpoints off the event loop (src/storage/sqlite/checkpointer.ts): a worker thread with its
 * own connection copies the writer's WAL into the database file long before the writer's own
 * threshold, idles while nothing was written, pauses while the disk is full, gives checkpoints back
 * to the writer when it ends or fails, and the store's close ends its connection too.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { Checkpointer, DEFAULT_CHECKPOINT_PAGES, WRITER_CHECKPOINT_PAGES, type CheckpointReport } from '../../../src/storage/sqlite/checkpointer.js';
import { DATABASE_FILE, openDatabase } from '../../../src/storage/sqlite/database.js';
import { openSqliteStore } from '../../../src/storage/sqlite/sqlite-store.js';
import { tempDir } from '../../helpers/gateway.js';

const PAGE = 4_096;

describe('Checkpointer', () => {
  it('copies the WAL into the database file from its own connection while the writer stays below its own threshold', async () => {
    const { db, file, write } = fillerDatabase();
    const sizeBefore = fs.statSync(file).size;
    const reports: CheckpointReport[] = [];
    let copied!: () => void;
    const firstCopy = new Promise<void>((resolve) => (copied = resolve));
    const checkpointer = new Checkpointer(db, {
      file,
      synchronous: 'NORMAL',
      intervalMs: 5,
      onCheckpoint: (report) => {
        reports.push(report);
        copied();
      },
    });
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(WRITER_CHECKPOINT_PAGES);

    // ~500 pages in 10 commits: half SQLite's default threshold, a twentieth of the writer's.
    for (let commit = 0; commit < 10; commit++) write(commit);
    await firstCopy;
    await checkpointer.close();

    expect(reports[0]!.checkpointed).toBeGreaterThan(0);
    expect(reports.every((r) => r.log < WRITER_CHECKPOINT_PAGES)).toBe(true);
    // Only a checkpoint writes the database file in WAL mode: the worker's did.
    expect(fs.statSync(file).size).toBeGreaterThan(sizeBefore);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(DEFAULT_CHECKPOINT_PAGES);
  });

  it('idles while nothing was written since it copied the whole WAL, and wakes when the writer says it wrote', async () => {
    const { db, file, write } = fillerDatabase();
    write(1);
    let nextReport = reportPromise();
    const checkpointer = new Checkpointer(db, { file, synchronous: 'NORMAL', intervalMs: 5, onCheckpoint: (report) => nextReport.resolve(report) });
    onTestFinished(() => checkpointer.close());

    // The frames written before it started: its first round copies them all.
    const first = await nextReport.promise;
    expect(first.checkpointed).toBe(first.log);
    const roundsWhenCopied = checkpointer.rounds;
    // Forty intervals with nothing written: no round at all (it waits on the writer, no timer).
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(checkpointer.rounds).toBe(roundsWhenCopied);

    nextReport = reportPromise();
    write(2);
    checkpointer.wrote();
    const second = await nextReport.promise;
    expect(second.checkpointed).toBeGreaterThan(0);
    expect(checkpointer.rounds).toBeGreaterThan(roundsWhenCopied);
  });

  it('copies nothing while paused (the disk is full), and copies what was written meanwhile once resumed', async () => {
    const { db, file, write } = fillerDatabase();
    // The 250 pages written while paused (the table's creation may be reported first).
    const pausedPages = reportPromise();
    const onCheckpoint = (report: CheckpointReport) => (report.log >= 250 ? pausedPages.resolve(report) : undefined);
    const checkpointer = new Checkpointer(db, { file, synchronous: 'NORMAL', intervalMs: 5, onCheckpoint });
    onTestFinished(() => checkpointer.close());
    while (checkpointer.rounds === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const sizeBefore = fs.statSync(file).size;

    checkpointer.pause();
    for (let commit = 0; commit < 5; commit++) {
      write(commit);
      checkpointer.wrote();
    }
    const roundsWhenPaused = checkpointer.rounds;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(checkpointer.rounds).toBe(roundsWhenPaused);
    // Only a checkpoint writes the database file in WAL mode.
    expect(fs.statSync(file).size).toBe(sizeBefore);

    checkpointer.resume();
    const report = await pausedPages.promise;
    expect(report.checkpointed).toBe(report.log);
    expect(fs.statSync(file).size).toBeGreaterThan(sizeBefore);
  });

  it('gives checkpoints back to the writer when its worker fails', async () => {
    const dataDir = tempDir();
    const db = openDatabase(dataDir, 'NORMAL');
    onTestFinished(() => {
      db.close();
    });
    // No such file: the worker's connection cannot open, so the worker ends at once.
    const checkpointer = new Checkpointer(db, { file: path.join(dataDir, 'missing', DATABASE_FILE), synchronous: 'NORMAL' });
    await checkpointer.ended;
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(DEFAULT_CHECKPOINT_PAGES);
  });
});

/** A WAL-mode database in a temp dir with one table; `write(fill)` commits ~50 pages to it. */
function fillerDatabase() {
  const dataDir = tempDir();
  const db = openDatabase(dataDir, 'NORMAL');
  onTestFinished(() => {
    if (db.open) db.close();
  });
  db.exec('CREATE TABLE filler (body BLOB)');
  const insert = db.prepare('INSERT INTO filler (body) VALUES (?)');
  const write = (fill: number) => db.transaction(() => insert.run(Buffer.alloc(50 * PAGE, fill)))();
  return { db, file: path.join(dataDir, DATABASE_FILE), write };
}

/** The next checkpoint report, as a promise. */
function reportPromise(): { promise: Promise<CheckpointReport>; resolve: (report: CheckpointReport) => void } {
  let resolve!: (report: CheckpointReport) => void;
  const promise = new Promise<CheckpointReport>((r) => (resolve = r));
  return { promise, resolve };
}

describe('the SQLite store with its checkpointer', () => {
  it('closes the checkpointer\'s connection with its own (no WAL left behind), and reopens with every record', async () => {
    const dataDir = tempDir();
    const store = openSqliteStore({ dataDir, synchronous: 'NORMAL' });
    const file = path.join(dataDir, DATABASE_FILE);
    const sizeAtOpen = fs.statSync(file).size;
    await store.createTopic('t', 1, {});
    const records = Array.from({ length: 2_000 }, (_, i) => ({ partition: 0, timestamp: 1_000, key: null, value: `"${'x'.repeat(200)}${i}"`, headers: null }));
    await store.append([{ topic: 't', records }]);
    // Far below the writer's threshold: the file grows once the checkpointer's connection is up and copying.
    while (fs.statSync(file).size === sizeAtOpen) await new Promise((resolve) => setTimeout(resolve, 20));
    await store.close();
    // SQLite removes the WAL only when the last connection to the file closes: none is left open.
    expect(fs.existsSync(path.join(dataDir, `${DATABASE_FILE}-wal`))).toBe(false);

    const reopened = openSqliteStore({ dataDir, synchronous: 'NORMAL' });
    onTestFinished(() => reopened.close());
    expect((await reopened.offsets('t'))[0]!.highWatermark).toBe(2_000);
    const read = await reopened.read('t', 0, 1_999, { maxRecords: 10, maxBytes: 1_000_000 });
    expect(read.map((r) => r.value)).toEqual([`"${'x'.repeat(200)}1999"`]);
  });
});
