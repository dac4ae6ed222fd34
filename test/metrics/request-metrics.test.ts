/**
 * The request duration histogram is kept by hand (src/metrics/request-metrics.ts): whatever the
 * requests, its exposition is exactly what prom-client's own Histogram, with the same name, help,
 * labels and buckets, shows for the same observations, in the text format and as JSON, and a
 * registry reset empties it.
 */
import fc from 'fast-check';
import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { ObservedRequest } from '../../src/http/request-observer.js';
import { requestMetrics } from '../../src/metrics/request-metrics.js';

const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

function reference(registry: Registry): (r: ObservedRequest) => void {
  const histogram = new Histogram({
    name: 'logway_http_request_duration_seconds',
    help: 'HTTP requests: time to the last byte of the response, by method, route template (unmatched: no route) and status class. Long-polls count their wait.',
    labelNames: ['method', 'route', 'status_class'],
    buckets: BUCKETS,
    registers: [registry],
  });
  return (r) => histogram.labels(r.method, r.route, `${Math.floor(r.status / 100)}xx`).observe(r.durationMs / 1000);
}

const request = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PATCH'),
  route: fc.constantFrom('/v1/topics/:topic/records', '/v1/topics', 'unmatched'),
  status: fc.constantFrom(200, 201, 204, 400, 404, 416, 503),
  // Bucket bounds exactly (in ms, as the observer reports them), and anything up to past the last.
  durationMs: fc.oneof(fc.constantFrom(0, ...BUCKETS.map((b) => b * 1000)), fc.double({ min: 0, max: 40_000, noNaN: true })),
});

function observed(r: { method: string; route: string; status: number; durationMs: number }): ObservedRequest {
  return { ...r, requestId: 'id', url: '/', bytesIn: undefined, bytesOut: undefined, aborted: false };
}

describe('request duration histogram', () => {
  it('exposes exactly what prom-client’s Histogram does for the same requests', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(request, { maxLength: 60 }), async (requests) => {
        const ours = new Registry();
        const theirs = new Registry();
        const observe = requestMetrics(ours);
        const expected = reference(theirs);
        for (const r of requests) {
          observe(observed(r));
          expected(observed(r));
        }
        expect(await ours.metrics()).toBe(await theirs.metrics());
        expect(await ours.getMetricsAsJSON()).toEqual(await theirs.getMetricsAsJSON());
      }),
    );
  });

  it('is emptied by a registry reset, and counts again after it', async () => {
    const registry = new Registry();
    const observe = requestMetrics(registry);
    observe(observed({ method: 'POST', route: '/v1/topics', status: 201, durationMs: 3 }));
    expect(await registry.metrics()).toContain('logway_http_request_duration_seconds_count{method="POST",route="/v1/topics",status_class="2xx"} 1');
    registry.resetMetrics();
    expect(await registry.metrics()).not.toContain('_count{');
    observe(observed({ method: 'GET', route: 'unmatched', status: 404, durationMs: 2 }));
    const text = await registry.metrics();
    expect(text).toContain('logway_http_request_duration_seconds_bucket{le="0.0025",method="GET",route="unmatched",status_class="4xx"} 1');
    expect(text).not.toContain('method="POST"');
  });
});
