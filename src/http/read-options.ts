/** What a fetch or a group poll asks for, clamped to the server's limits; shared by both routes. */
import type { Config } from '../config.js';

export interface ReadQuery {
  limit?: number | undefined;
  maxBytes?: number | undefined;
  waitMs?: number | undefined;
}

export interface ReadOptions {
  maxRecords: number;
  maxBytes: number;
  waitMs: number;
  /** A long-poll ends when the client goes away or the gateway shuts down. */
  signals: AbortSignal[];
}

type ReadLimitSettings = Pick<Config, 'fetchDefaultLimit' | 'fetchMaxLimit' | 'fetchDefaultMaxBytes' | 'fetchMaxBytes' | 'fetchMaxWaitMs'>;

/**
 * The signals are handed to the core as a list, never combined with AbortSignal.any
 * (see core/abort.ts: on Node 20 that retains every combined signal from `shutdown`).
 */
export function readOptions(q: ReadQuery, config: ReadLimitSettings, request: Request, shutdown: AbortSignal): ReadOptions {
  return {
    maxRecords: Math.min(q.limit ?? config.fetchDefaultLimit, config.fetchMaxLimit),
    maxBytes: Math.min(q.maxBytes ?? config.fetchDefaultMaxBytes, config.fetchMaxBytes),
    waitMs: Math.min(q.waitMs ?? 0, config.fetchMaxWaitMs),
    signals: [request.signal, shutdown],
  };
}
