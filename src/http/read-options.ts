/** What a fetch or a group poll asks for, clamped to the server's limits; shared by both routes. */
import type { HttpBindings } from '@hono/node-server';
import type { Context } from 'hono';
import type { AbortSource } from '../core/abort.js';
import type { Config } from '../config.js';
import { ClientGone } from './client-gone.js';
import type { RecordFormat } from '../core/record-validation.js';
import { invalid } from '../errors.js';
import { queryInt } from '../api/schemas.js';

export interface ReadQuery {
  limit?: number | undefined;
  maxBytes?: number | undefined;
  waitMs?: number | undefined;
  minBytes?: number | undefined;
  format?: RecordFormat | undefined;
}

export interface ReadOptions {
  maxRecords: number;
  maxBytes: number;
  waitMs: number;
  minBytes: number;
  /** A long-poll ends when the client goes away or the gateway shuts down. */
  signals: AbortSource[];
  /** The client's connection (of a long-poll): once it is gone, no answer needs building. */
  client: AbortSource | undefined;
  format: RecordFormat | undefined;
}

/** The `minBytes` query parameter of both routes. */
export const MinBytesQuery = queryInt(
  "Kafka's fetch.min.bytes: with waitMs, answer once this many record bytes (keys, values, headers) are there, " +
    'the answer is full (limit or maxBytes), or waitMs ends, whichever comes first. At most maxBytes. Default 1: answer as soon as there is a record.',
  1,
);

type ReadLimitSettings = Pick<Config, 'fetchDefaultLimit' | 'fetchMaxLimit' | 'fetchDefaultMaxBytes' | 'fetchMaxBytes' | 'fetchMaxWaitMs'>;

/**
 * The signals are handed to the core as a list, never combined with AbortSignal.any
 * (see core/abort.ts: on Node 20 that retains every combined signal from `shutdown`).
 * The core's waiter registry gives a signal shared by many waits (shutdown) one listener.
 * A read without waitMs never waits, so it gets none.
 */
export function readOptions(q: ReadQuery, config: ReadLimitSettings, c: Context, shutdown: AbortSignal): ReadOptions {
  const maxBytes = Math.min(q.maxBytes ?? config.fetchDefaultMaxBytes, config.fetchMaxBytes);
  const minBytes = q.minBytes ?? 1;
  // More than an answer may hold could never be reached: the client's mistake, said at once.
  if (minBytes > maxBytes) {
    const message = `must be at most maxBytes (${maxBytes}${q.maxBytes === undefined ? ', setting fetchDefaultMaxBytes' : q.maxBytes > config.fetchMaxBytes ? ', setting fetchMaxBytes' : ''})`;
    throw invalid(`query/minBytes: ${message}`, [{ path: 'query/minBytes', message }]);
  }
  const waitMs = Math.min(q.waitMs ?? 0, config.fetchMaxWaitMs);
  const client = waitMs > 0 ? clientGone(c) : undefined;
  return {
    maxRecords: Math.min(q.limit ?? config.fetchDefaultLimit, config.fetchMaxLimit),
    maxBytes,
    waitMs,
    minBytes,
    // Only a read that may wait listens.
    signals: client ? [client, shutdown] : [],
    client,
    format: q.format,
  };
}

/** Node's response, watched for the client going away; without one (app.request() in tests), the request's signal. */
export function clientGone(c: Context): AbortSource {
  const outgoing = (c.env as Partial<HttpBindings> | undefined)?.outgoing;
  return outgoing ? new ClientGone(outgoing) : c.req.raw.signal;
}
