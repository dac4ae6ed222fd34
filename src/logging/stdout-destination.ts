/**
 * Where the JSON log lines go: stdout, a few KB at a time. The request log writes a line per
 * request, and one write(2) per line was ~4% of a single-record produce (issue 9). Lines wait
 * until `logBufferBytes` are there or `logFlushMs` has passed, whichever comes first, and are
 * always written out when the process exits (process.exit after a graceful shutdown, an uncaught
 * exception): only a SIGKILL, or node itself crashing, loses them, at most `logFlushMs` worth.
 * Writes stay synchronous (no thread-pool hop per write, and nothing pending at exit).
 */
import { pino, type DestinationStream } from 'pino';
import type { Config } from '../config.js';

export type BufferSettings = Pick<Config, 'logBufferBytes' | 'logFlushMs'>;

interface Flushable extends DestinationStream {
  flushSync(): void;
}

/** Destinations whose lines must be written before the process exits: one 'exit' listener for all. */
const buffered = new Set<Flushable>();

export function stdoutDestination(settings: BufferSettings): DestinationStream {
  // 0: each line written as it is logged (pino's own default).
  if (settings.logBufferBytes === 0) return pino.destination({ dest: 1, sync: true });
  const destination = pino.destination({ dest: 1, sync: true, minLength: settings.logBufferBytes, periodicFlush: settings.logFlushMs }) as Flushable;
  if (buffered.size === 0) process.once('exit', flushAll);
  buffered.add(destination);
  return destination;
}

function flushAll(): void {
  for (const destination of buffered) {
    try {
      destination.flushSync();
    } catch {
      // stdout closed (EPIPE): nothing can be written anywhere.
    }
  }
}
