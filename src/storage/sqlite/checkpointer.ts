/**
 * WAL checkpoints off the event loop: a worker thread with its own connection copies the WAL into
 * the database file (PRAGMA wal_checkpoint(PASSIVE)) every `intervalMs`, while the writer keeps
 * committing.
 *
 * SQLite checkpoints on the committing connection by default, once the WAL holds 1,000 pages: that
 * commit then also writes those pages into the database file and fsyncs it, on the gateway's one
 * thread, ahead of every request waiting. Under background deletes (compaction dirties about a key
 * index page per record removed) that was one produce commit in ten, each ~27 ms instead of ~5, and
 * most of the produce p99 during compaction (docs/performance.md). A PASSIVE checkpoint waits for
 * nobody and the writer never waits for it (it only cannot restart the WAL from the top while frames
 * are left to copy).
 *
 * The writer keeps a checkpoint of its own at WRITER_CHECKPOINT_PAGES: the WAL restarts only once a
 * checkpoint has copied every frame, and under continuous commits the worker may never find that
 * moment, so the writer then copies what is left (little: the worker copied the rest) and the WAL
 * starts over. If the worker fails, the writer checkpoints as SQLite does by default.
 *
 * The worker's source is CommonJS run from a string, so it needs no loader for TypeScript (tsx,
 * vitest) and loads the same better-sqlite3 as the store.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

/** SQLite's own threshold (pages of WAL), the writer's while no checkpointer runs. */
export const DEFAULT_CHECKPOINT_PAGES = 1_000;
/** The writer's threshold while the checkpointer runs: a fallback (see above). */
export const WRITER_CHECKPOINT_PAGES = 10_000;

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true, timeout: 0 });
db.pragma('synchronous = ' + workerData.synchronous);
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)').raw();
let last = '';
const timer = setInterval(() => {
  let row;
  try {
    row = checkpoint.get();
  } catch {
    return; // disk full or an I/O error: the next round tries again (the writer's fallback stays)
  }
  const [busy, log, checkpointed] = row;
  const seen = log + '/' + checkpointed;
  if (checkpointed > 0 && seen !== last) parentPort.postMessage({ busy, log, checkpointed });
  last = seen;
}, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/** What one checkpoint that copied frames reported (PRAGMA wal_checkpoint's columns). */
export interface CheckpointReport {
  busy: number;
  /** Frames in the WAL. */
  log: number;
  /** Frames of it copied into the database file so far. */
  checkpointed: number;
}

export interface CheckpointerOptions {
  /** The database file the writer `db` has open. */
  file: string;
  synchronous: 'FULL' | 'NORMAL';
  /** Time between checkpoints. */
  intervalMs?: number;
  /** Told of every checkpoint that copied frames (tests). */
  onCheckpoint?: (report: CheckpointReport) => void;
}

export class Checkpointer {
  readonly #writer: Database.Database;
  readonly #worker: Worker;
  /** Settles when the worker has ended, closed or failed. */
  readonly ended: Promise<void>;
  #closing = false;

  constructor(writer: Database.Database, options: CheckpointerOptions) {
    this.#writer = writer;
    writer.pragma(`wal_autocheckpoint = ${WRITER_CHECKPOINT_PAGES}`);
    this.#worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        driver: createRequire(import.meta.url).resolve('better-sqlite3'),
        file: options.file,
        synchronous: options.synchronous,
        intervalMs: options.intervalMs ?? 100,
      },
      // Its own small heap: it only runs one statement.
      resourceLimits: { maxOldGenerationSizeMb: 16 },
    });
    // Never what keeps the process alive: the store's close ends it.
    this.#worker.unref();
    this.#worker.on('message', (report: CheckpointReport) => options.onCheckpoint?.(report));
    this.ended = new Promise((resolve) => {
      this.#worker.once('error', () => undefined);
      this.#worker.once('exit', () => {
        // Failed (or closed): the writer checkpoints again, as SQLite does by default.
        if (this.#writer.open && !this.#closing) this.#writer.pragma(`wal_autocheckpoint = ${DEFAULT_CHECKPOINT_PAGES}`);
        resolve();
      });
    });
  }

  /** Ends the worker (its connection closed) and gives checkpoints back to the writer. */
  async close(): Promise<void> {
    this.#closing = true;
    this.#worker.ref(); // so that the process waits for the worker's connection to close
    this.#worker.postMessage('close');
    await this.ended;
    if (this.#writer.open) this.#writer.pragma(`wal_autocheckpoint = ${DEFAULT_CHECKPOINT_PAGES}`);
  }
}
