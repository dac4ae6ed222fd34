/** HTTP requests as a histogram of durations per method, route template and status class (2xx, 4xx...). */
import type { Metric, Registry } from 'prom-client';
import type { ObservedRequest } from '../http/request-observer.js';

const NAME = 'logway_http_request_duration_seconds';
const HELP =
  'HTTP requests: time to the last byte of the response, by method, route template (unmatched: no route) and status class. Long-polls count their wait.';
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** One label set's observations: per bucket (not cumulative; over the last bound: only in count), sum, count. */
interface Series {
  labels: { method: string; route: string; status_class: string };
  buckets: number[];
  sum: number;
  count: number;
}

/** One line of the exposition, as prom-client's Histogram hands it to the registry. */
interface Line {
  labels: Record<string, string | number>;
  sharedLabels: Record<string, string>;
  value: number;
  metricName: string;
  /** prom-client's bucket lines carry `exemplar: null` (none kept), its sum and count lines none. */
  exemplar?: null;
}

/**
 * Kept by hand instead of with prom-client's Histogram, whose observe() converts, validates and
 * hashes the labels on every call, even through a cached child (1.2 µs a request, ~1% of a
 * single-record produce, issue 9). It is registered in the same registry and exposes exactly what
 * that Histogram would for the same observations (same name, help, buckets, lines and order):
 * test/metrics/request-metrics.test.ts compares the two.
 */
export function requestMetrics(registry: Registry): (request: ObservedRequest) => void {
  const series = new Map<string, Series>();
  const lines = (): Line[] => {
    const out: Line[] = [];
    for (const s of series.values()) {
      let cumulative = 0;
      for (let i = 0; i < BUCKETS.length; i++) {
        cumulative += s.buckets[i]!;
        out.push({ labels: { le: BUCKETS[i]! }, sharedLabels: s.labels, value: cumulative, metricName: `${NAME}_bucket`, exemplar: null });
      }
      out.push({ labels: { le: '+Inf' }, sharedLabels: s.labels, value: s.count, metricName: `${NAME}_bucket`, exemplar: null });
      out.push({ labels: {}, sharedLabels: s.labels, value: s.sum, metricName: `${NAME}_sum` });
      out.push({ labels: {}, sharedLabels: s.labels, value: s.count, metricName: `${NAME}_count` });
    }
    return out;
  };
  const metric = {
    name: NAME,
    help: HELP,
    type: 'histogram',
    aggregator: 'sum',
    // The registry's text format reads this one; get() is the JSON form, labels merged as prom-client does.
    getForPromString: async () => ({ name: NAME, help: HELP, type: 'histogram', aggregator: 'sum', values: lines() }),
    get: async () => ({
      name: NAME,
      help: HELP,
      type: 'histogram',
      aggregator: 'sum',
      values: lines().map(({ labels, sharedLabels, ...line }) => ({ ...line, labels: { ...labels, ...sharedLabels } })),
    }),
    reset: () => series.clear(),
  };
  registry.registerMetric(metric as unknown as Metric);

  return (r) => {
    const statusClass = `${Math.floor(r.status / 100)}xx`;
    // Method, route and status class come from small fixed sets: one series per combination.
    const key = `${r.method} ${r.route} ${statusClass}`;
    let s = series.get(key);
    if (!s) {
      s = { labels: { method: r.method, route: r.route, status_class: statusClass }, buckets: new Array<number>(BUCKETS.length).fill(0), sum: 0, count: 0 };
      series.set(key, s);
    }
    const seconds = r.durationMs / 1000;
    if (!Number.isFinite(seconds)) return;
    s.sum += seconds;
    s.count += 1;
    for (let i = 0; i < BUCKETS.length; i++) {
      if (seconds <= BUCKETS[i]!) {
        s.buckets[i]! += 1;
        break;
      }
    }
  };
}
