/**
 * The live-tail row's notes say what the gateway's /metrics saw during the phase (bench/lib/gateway-vitals.ts):
 * GC pauses, slow commits, event-loop delay. This pins the reading of prom-client's text.
 */
import { describe, expect, it } from 'vitest';
import { readVitals } from '../../bench/lib/gateway-vitals.js';

// Lines as a gateway served them (bench run of 2026-12-02), with the buckets around the ones read.
const METRICS = `# HELP logway_nodejs_eventloop_lag_max_seconds The maximum recorded event loop delay.
# TYPE logway_nodejs_eventloop_lag_max_seconds gauge
logway_nodejs_eventloop_lag_max_seconds 0.046465023
logway_nodejs_eventloop_lag_p99_seconds 0.024805375
logway_nodejs_gc_duration_seconds_bucket{le="0.001",kind="minor"} 0
logway_nodejs_gc_duration_seconds_bucket{le="0.01",kind="minor"} 49
logway_nodejs_gc_duration_seconds_bucket{le="0.1",kind="minor"} 50
logway_nodejs_gc_duration_seconds_sum{kind="minor"} 0.19152819900005122
logway_nodejs_gc_duration_seconds_count{kind="minor"} 50
logway_nodejs_gc_duration_seconds_bucket{le="0.01",kind="major"} 0
logway_nodejs_gc_duration_seconds_bucket{le="0.1",kind="major"} 1
logway_nodejs_gc_duration_seconds_sum{kind="major"} 0.012396598999970592
logway_nodejs_gc_duration_seconds_count{kind="major"} 1
logway_commit_duration_seconds_bucket{le="0.005"} 2833
logway_commit_duration_seconds_bucket{le="0.01"} 3022
logway_commit_duration_seconds_bucket{le="0.025"} 3043
logway_commit_duration_seconds_sum 5.326095828999993
logway_commit_duration_seconds_count 3044
`;

describe('gateway vitals from /metrics', () => {
  it('sums GC pauses over their kinds and counts those of 10 ms or more', () => {
    const v = readVitals(METRICS);
    expect(v.gcCount).toBe(51);
    expect(v.gcSec).toBeCloseTo(0.2039, 4);
    expect(v.gcOver10Ms).toBe(2);
  });

  it('counts the commits of 10 ms or more', () => {
    const v = readVitals(METRICS);
    expect(v.commits).toBe(3044);
    expect(v.commitsOver10Ms).toBe(22);
  });

  it("takes prom-client's 10 ms sampling interval off the largest event-loop delay", () => {
    expect(readVitals(METRICS).loopMaxMs).toBeCloseTo(36.47, 2);
    expect(readVitals('logway_nodejs_eventloop_lag_max_seconds 0.009').loopMaxMs).toBe(0);
  });
});
