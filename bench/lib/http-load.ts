/**
 * HTTP load with autocannon: fixed connections for a fixed time, every response
 * timed into our own HdrHistogram in microseconds (autocannon's own one rounds
 * to whole milliseconds, too coarse for a sub-millisecond p50).
 */
import autocannon from 'autocannon';
import { newHistogram, recordMs, summarize, type LatencySummary } from './histogram.js';

export interface LoadResult {
  /** 2xx responses per second. */
  requestsPerSec: number;
  ok: number;
  failed: number;
  /** What the failures were: `status <code>`, `errors` (connection errors) and `timeouts`, with their counts. */
  failures: Record<string, number>;
  latency: LatencySummary;
  durationSec: number;
}

export async function httpLoad(options: {
  url: string;
  method?: 'POST' | 'GET';
  body?: string;
  headers?: Record<string, string>;
  connections: number;
  /** Longest run; `until` may end it sooner. */
  durationSec: number;
  /** Ends the load early when it settles. */
  until?: Promise<unknown>;
  /** Rewrites each request, e.g. to spread it over topics; `context` is per connection. */
  setupRequest?: (request: autocannon.Request, context: object) => autocannon.Request;
  /** When given, only responses arriving while it returns true enter the histogram (all still count). */
  recordWhile?: () => boolean;
}): Promise<LoadResult> {
  const histogram = newHistogram();
  let ok = 0;
  let failed = 0;
  const failures: Record<string, number> = {};
  const started = process.hrtime.bigint();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        method: options.method ?? 'POST',
        body: options.body,
        headers: { 'content-type': 'application/json', ...options.headers },
        connections: options.connections,
        duration: options.durationSec,
        ...(options.setupRequest ? { requests: [{ setupRequest: options.setupRequest }] } : {}),
      },
      (err: unknown, res: autocannon.Result) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(res)),
    );
    instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTimeMs: number) => {
      if (statusCode >= 200 && statusCode < 300) {
        ok++;
        if (!options.recordWhile || options.recordWhile()) recordMs(histogram, responseTimeMs);
      } else {
        failed++;
        failures[`status ${statusCode}`] = (failures[`status ${statusCode}`] ?? 0) + 1;
      }
    });
    void options.until?.then(() => instance.stop());
  });
  const durationSec = Number(process.hrtime.bigint() - started) / 1e9;
  failed += result.errors + result.timeouts;
  if (result.errors) failures.errors = result.errors;
  if (result.timeouts) failures.timeouts = result.timeouts;
  return { requestsPerSec: ok / durationSec, ok, failed, failures, latency: summarize(histogram), durationSec };
}
