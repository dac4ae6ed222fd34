/** HTTP requests as a histogram of durations per method, route template and status class (2xx, 4xx...). */
import { Histogram, type Registry } from 'prom-client';
import type { ObservedRequest } from '../http/request-observer.js';

export function requestMetrics(registry: Registry): (request: ObservedRequest) => void {
  const duration = new Histogram({
    name: 'logway_http_request_duration_seconds',
    help: 'HTTP requests: time to the last byte of the response, by method, route template (unmatched: no route) and status class. Long-polls count their wait.',
    labelNames: ['method', 'route', 'status_class'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const children = new Map<string, Histogram.Internal<string>>();
  return (r) => {
    const statusClass = `${Math.floor(r.status / 100)}xx`;
    // Method, route and status class come from small fixed sets: remember each combination's child.
    const key = `${r.method} ${r.route} ${statusClass}`;
    let child = children.get(key);
    if (!child) children.set(key, (child = duration.labels(r.method, r.route, statusClass)));
    child.observe(r.durationMs / 1000);
  };
}
