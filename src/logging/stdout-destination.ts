/**
 * Where the JSON log lines go: stdout, a few KB at a time, written off the event loop.
 *
 * - Buffered: the request log writes a line per request, and one write(2) per line was ~4% of a
 *   single-record produce (issue 9). Lines wait until `logBufferBytes` are there or `logFlushMs`
 *   has passed, whichever comes first.
 * - Asynchronous: a write goes to libuv's thread pool, so a reader that does not keep up (a full
 *   pipe: a stalled log shipper, a busy parent process) never holds the event loop. Synchronous
 *   writes did: on a non-blocking pipe pino's writer slept 100 ms per EAGAIN with the loop
 *   stopped, on a blocking one it waited as long as the reader did.
 * - Bounded: at most `logMaxPendingBytes` wait; lines past it are dropped, counted, and reported
 *   in a warning line once stdout drains.
 * - Written at exit: whatever waits is written synchronously when the process exits
 *   (process.exit after a graceful shutdown, an uncaught exception), retrying a full pipe for up
 *   to a second. Only a SIGKILL, or node itself crashing, loses lines: at most `logFlushMs` worth.
 */
import { pino, type DestinationStream } from 'pino';
import type { Config } from '../config.js';

export type BufferSettings = Pick<Config, 'logBufferBytes' | 'logFlushMs' | 'logMaxPendingBytes'>;

interface SonicBoom extends DestinationStream {
  flushSync(): void;
  on(event: 'drop', listener: (line: string) => void): this;
  on(event: 'drain' | 'write', listener: () => void): this;
  on(event: 'error', listener: (err: NodeJS.ErrnoException) => void): this;
}

/** How long the exit's synchronous flush waits for a full pipe: pino's writer retries every 100 ms. */
const EXIT_RETRIES = 10;

/** Destinations whose lines must be written before the process exits: one 'exit' listener for all. */
const buffered = new Set<SonicBoom>();
let exiting = false;
let exitRetries = 0;

/** A pino destination for stdout; `onDropped(n)` is told, once stdout drains, how many lines were dropped. */
export function stdoutDestination(settings: BufferSettings, onDropped: (lines: number) => void): DestinationStream {
  const destination = pino.destination({
    dest: 1,
    sync: false,
    // At least 1: with 0, pino's flush(cb) answers at once, even while a write is still in the thread pool.
    minLength: Math.max(1, settings.logBufferBytes),
    maxLength: settings.logMaxPendingBytes,
    periodicFlush: settings.logBufferBytes > 0 ? settings.logFlushMs : 0,
    // Retried from a timer while running (the loop goes on); at exit the flush sleeps between tries, so it gives up soon.
    retryEAGAIN: () => !exiting || exitRetries++ < EXIT_RETRIES,
  }) as SonicBoom;
  let dropped = 0;
  destination.on('drop', () => dropped++);
  destination.on('drain', () => {
    if (dropped === 0) return;
    const lines = dropped;
    dropped = 0;
    onDropped(lines);
  });
  if (buffered.size === 0) process.once('exit', flushAll);
  buffered.add(destination);
  return destination;
}

function flushAll(): void {
  exiting = true;
  for (const destination of buffered) {
    try {
      destination.flushSync();
    } catch {
      // stdout closed (EPIPE) or still full after the retries: nothing more can be written.
    }
  }
}
