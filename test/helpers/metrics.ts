/**
 * Scrapes a running gateway's GET /metrics over HTTP and parses it with a Prometheus text
 * parser, so tests check what Prometheus would read, not prom-client's objects.
 */
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { expect } from 'vitest';
import type { RunningGateway } from './gateway.js';

export interface Scraped {
  /** The value of the series `name` whose labels include `labels`; 0 when no such series was exported. */
  value(name: string, labels?: Record<string, string>): number;
  /** Whether the series was exported at all. */
  has(name: string, labels?: Record<string, string>): boolean;
  /** A histogram series' count of observations (0 when absent). */
  count(name: string, labels?: Record<string, string>): number;
  /** Every exported label set of `name`. */
  labels(name: string): Record<string, string>[];
}

export async function scrape(gw: Pick<RunningGateway, 'api'>): Promise<Scraped> {
  const res = await gw.api('/metrics');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  // The parser merges a histogram's labelled series into one (it flattens every `le` of the family),
  // so histograms' TYPE lines are dropped: their _bucket, _sum and _count series then parse as
  // plain samples, each with its own labels.
  const text = (await res.text()).replace(/^# TYPE \S+ histogram\n/gm, '');
  const families = parsePrometheusTextFormat(text);
  // ...and as one family per run of lines: gather a name's samples from every family of that name.
  const samples = (name: string) => families.filter((f) => f.name === name).flatMap((f) => f.metrics);
  const find = (name: string, labels: Record<string, string> = {}) =>
    samples(name).find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  return {
    value: (name, labels) => Number(find(name, labels)?.value ?? 0),
    has: (name, labels) => find(name, labels) !== undefined,
    count: (name, labels) => Number(find(`${name}_count`, labels)?.value ?? 0),
    labels: (name) => [...samples(name), ...samples(`${name}_count`)].map((m) => m.labels ?? {}),
  };
}
