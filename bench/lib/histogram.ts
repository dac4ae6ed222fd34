/** Latency histograms (HdrHistogram) recorded in microseconds, reported in milliseconds. */
import * as hdr from 'hdr-histogram-js';

export interface LatencySummary {
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
  count: number;
}

export function newHistogram(): hdr.Histogram {
  return hdr.build({ bitBucketSize: 64, autoResize: true, lowestDiscernibleValue: 1, numberOfSignificantValueDigits: 3 });
}

/** Records a duration given in milliseconds (fractional allowed). */
export function recordMs(h: hdr.Histogram, ms: number): void {
  h.recordValue(Math.max(1, Math.round(ms * 1000)));
}

export function summarize(h: hdr.Histogram): LatencySummary {
  const ms = (us: number) => Math.round(us / 10) / 100;
  return {
    p50Ms: ms(h.getValueAtPercentile(50)),
    p99Ms: ms(h.getValueAtPercentile(99)),
    p999Ms: ms(h.getValueAtPercentile(99.9)),
    maxMs: ms(h.maxValue),
    count: h.totalCount,
  };
}
