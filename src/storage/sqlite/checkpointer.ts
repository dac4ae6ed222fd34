/**
 * WAL checkpoints off the event loop: a worker thread with its own connection copies the WAL into
 * the database file (PRAGMA wal_checkpoint(PASSIVE)) at most every `intervalMs`, while the writer keeps
 * committing. It idles while nothing was written since its last checkpoint left no frame to copy,
 * and pauses while the disk is full.
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

/** Int32 slots the writer and the worker share (see Checkpointer). */
const SIGNAL = 0; // bumped by every write, resume and close: what the idle worker waits on
const PAUSED = 1; // 1 while the disk is full
const CLOSED = 2;
const ROUNDS = 3; // checkpoints attempted, for tests and diagnostics

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const [SIGNAL, PAUSED, CLOSED, ROUNDS] = [${SIGNAL}, ${PAUSED}, ${CLOSED}, ${ROUNDS}];
const state = new Int32Array(workerData.state);
const db = new Database(workerData.file, { fileMustExist: true, timeout: 0 });
db.pragma('synchronous = ' + workerData.synchronous);
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)').raw();
let last = '';
/** One checkpoint; true when it left no frame to copy. */
function round() {
  let row;
  try {
    row = checkpoint.get();
  } catch {
    return false; // disk full or an I/O error: the next round tries again (the writer's fallback stays)
  } finally {
    Atomics.add(state, ROUNDS, 1);
  }
  const [busy, log, checkpointed] = row;
  const seen = log + '/' + checkpointed;
  if (checkpointed > 0 && seen !== last) parentPort.postMessage({ busy, log, checkpointed });
  last = seen;
  return busy === 0 && checkpointed === log;
}
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
// Keeps the worker alive while it waits on the shared signal (a pending waitAsync does not).
parentPort.on('message', () => undefined);
(async () => {
  // A WAL left by a crash may hold frames: one round at start.
  let pending = true;
  let seen = Atomics.load(state, SIGNAL);
  while (Atomics.load(state, CLOSED) === 0) {
    const signal = Atomics.load(state, SIGNAL);
    if (Atomics.load(state, PAUSED) === 0 && (pending || signal !== seen)) {
      seen = signal;
      pending = !round();
      await sleep(workerData.intervalMs);
    } else {
      // Idle: nothing written since the WAL was last copied whole, or paused.
      const wait = Atomics.waitAsync(state, SIGNAL, signal);
      if (wait.async) await wait.value;
    }
  }
  db.close();
  parentPort.close();
})();
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
  readonly #state = new Int32Array(new SharedArrayBuffer(4 * Int32Array.BYTES_PER_ELEMENT));
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
        state: this.#state.buffer,
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

  /**
   * The writer tells it of every write (cheap: no message, a shared counter): the worker idles, no
   * timer, until there is something to copy.
   */
  wrote(): void {
    this.#signal();
  }

  /**
   * While the disk is full: a checkpoint would grow the database file into the room a rolled-back
   * append left, which the next small commit (or the append that proves the room again) needs.
   */
  pause(): void {
    Atomics.store(this.#state, PAUSED, 1);
  }

  resume(): void {
    if (Atomics.exchange(this.#state, PAUSED, 0) === 1) this.#signal();
  }

  /** Checkpoints the worker has attempted so far. */
  get rounds(): number {
    return Atomics.load(this.#state, ROUNDS);
  }

  /** Ends the worker (its connection closed) and gives checkpoints back to the writer. */
  async close(): Promise<void> {
    this.#closing = true;
    this.#worker.ref(); // so that the process waits for the worker's connection to close
    Atomics.store(this.#state, CLOSED, 1);
    this.#signal();
    await this.ended;
    if (this.#writer.open) this.#writer.pragma(`wal_autocheckpoint = ${DEFAULT_CHECKPOINT_PAGES}`);
  }

  #signal(): void {
    Atomics.add(this.#state, SIGNAL, 1);
    Atomics.notify(this.#state, SIGNAL);
  }
}
